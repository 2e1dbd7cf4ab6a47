// Under `local`, nothing a command starts may outlive it, not even a process that left its process
// group (`setsid`, a double fork). Best effort without kernel help: every command's environment
// carries a fresh marker, and after the command every process still carrying it is stopped, then
// killed (DESIGN.md §11; README "The sandbox" says what this does not catch).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';

/** The environment variable holding a command's marker. */
export const MARKER_VAR = 'FIXBENCH_SANDBOX_RUN';

/** A fresh marker value (random, 24 hex digits). */
export function newMarker(): string {
  return randomBytes(12).toString('hex');
}

/** Processes whose environment `markedPids` reads between two turns of the event loop. */
export const SCAN_BATCH = 64;

/**
 * Pids (other than this process) whose initial environment holds `MARKER_VAR=<marker>`; unreadable ones are skipped.
 * Each `environ` is read synchronously (one open, read, close: a fraction of the CPU of a promise-based read, which
 * adds a file handle, an fstat and two hops through libuv's pool per file), `SCAN_BATCH` processes per turn of the
 * event loop, so a machine with thousands of processes holds the loop for at most one batch at a time.
 */
export async function markedPids(marker: string, proc = '/proc'): Promise<number[]> {
  const entry = Buffer.from(`${MARKER_VAR}=${marker}`);
  const pids: number[] = [];
  const names = (await readdir(proc).catch(() => [] as string[])).filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  for (let i = 0; i < names.length; i += SCAN_BATCH) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const name of names.slice(i, i + SCAN_BATCH)) {
      const env = readEnviron(`${proc}/${name}/environ`);
      if (env && holdsEntry(env, entry)) pids.push(Number(name));
    }
  }
  return pids;
}

function readEnviron(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

/** Whether `env` (NUL-separated `NAME=value` entries, as in /proc/<pid>/environ, a trailing NUL or not) holds `entry` as one whole entry. */
export function holdsEntry(env: Uint8Array, entry: Uint8Array): boolean {
  const buf = Buffer.from(env.buffer, env.byteOffset, env.byteLength);
  for (let at = buf.indexOf(entry); at !== -1; at = buf.indexOf(entry, at + 1)) {
    const end = at + entry.length;
    if ((at === 0 || buf[at - 1] === 0) && (end === buf.length || buf[end] === 0)) return true;
  }
  return false;
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
