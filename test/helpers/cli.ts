// Runs the real `fixbench` CLI as a child process (e2e tests).
import { execa } from 'execa';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'fixbench.mjs');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `fixbench ...args` (`bin`: another copy's bin/fixbench.mjs) with `env` added to a copy of the environment without provider keys. */
export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number; bin?: string } = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, OPENROUTER_API_KEY: undefined, NO_COLOR: '1', ...opts.env };
  const r = await execa('node', [opts.bin ?? BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env,
    extendEnv: false,
    reject: false,
    timeout: opts.timeoutMs ?? 300_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
