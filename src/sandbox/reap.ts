// Under `local`, nothing a command starts may outlive it, not even a process that left its process
// group (`setsid`, a double fork). Best effort without kernel help: every command's environment
// carries a fresh marker, and after the command every process still carrying it is stopped, then
// killed (DESIGN.md §11; README "The sandbox" says what this does not catch).
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';

/** The environment variable holding a command's marker. */
export const MARKER_VAR = 'FIXBENCH_SANDBOX_RUN';

/** A fresh marker value (random, 24 hex digits). */
export function newMarker(): string {
  return randomBytes(12).toString('hex');
}

/** Pids (other than this process) whose initial environment holds `MARKER_VAR=<marker>`; unreadable ones are skipped. */
export async function markedPids(marker: string, proc = '/proc'): Promise<number[]> {
  const needle = Buffer.from(`\0${MARKER_VAR}=${marker}\0`);
  const pids: number[] = [];
  const names = await readdir(proc).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      if (!/^\d+$/.test(name) || Number(name) === process.pid) return;
      const env = await readFile(`${proc}/${name}/environ`).catch(() => null);
      if (env && Buffer.concat([Buffer.from([0]), env, Buffer.from([0])]).includes(needle)) pids.push(Number(name));
    }),
  );
  return pids;
}

/**
 * Kills every process still marked with `marker`: each found is sent SIGSTOP (so it cannot fork
 * further), the scan repeats until it finds no new one (at most `rounds` times), then all get
 * SIGKILL. Returns how many were killed. Never throws.
 *
 * Guarantee: a process that kept its initial environment (any `setsid`, `nohup`, `disown` or
 * double-forked child of the command, which inherit it) is killed. Not caught: a process that
 * replaced its environment (`exec env -i …`), made itself unreadable in /proc (non-dumpable), or
 * was started through another service (cron, systemd-run, an ssh to localhost).
 */
export async function reapMarked(marker: string, rounds = 5): Promise<number> {
  const seen = new Set<number>();
  for (let i = 0; i < rounds; i++) {
    const fresh = (await markedPids(marker)).filter((p) => !seen.has(p));
    if (!fresh.length) break;
    for (const p of fresh) {
      seen.add(p);
      signal(p, 'SIGSTOP');
    }
  }
  for (const p of seen) signal(p, 'SIGKILL');
  return seen.size;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone already, or not ours */
  }
}
