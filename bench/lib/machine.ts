// The machine a bench ran on, for RESULTS.md and the JSON output.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memory_gib: number;
  os: string;
  node: string;
  git: string;
  /** 1-minute load average when the bench started (a busy machine makes ratios noisy). */
  load_at_start: number;
  commit: string | null;
  date: string;
}

export function machine(root: string): Machine {
  const sh = (file: string, args: string[]) => {
    try {
      return execFileSync(file, args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    } catch {
      return null;
    }
  };
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    git: sh('git', ['--version'])?.replace(/^git version /, '') ?? 'unknown',
    load_at_start: Math.round(os.loadavg()[0]! * 100) / 100,
    commit: sh('git', ['rev-parse', '--short', 'HEAD']),
    date: new Date().toISOString(),
  };
}
