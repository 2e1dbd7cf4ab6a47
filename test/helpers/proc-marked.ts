// Finding test processes by a marker string, and waiting for a condition: the sandbox tests' probes
// for processes that must (or must not) outlive a command.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Host pids of every process whose command line or environment holds `marker` (this process
 * excluded: its own argv or env may hold it).
 */
export function processesMarked(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    for (const file of ['cmdline', 'environ']) {
      try {
        if (readFileSync(`/proc/${name}/${file}`, 'latin1').includes(marker)) {
          pids.push(Number(name));
          break;
        }
      } catch {
        // gone meanwhile, or not ours
      }
    }
  }
  return pids;
}

/** Polls `ok` every 20 ms until it holds or `limitMs` passed; resolves with its last value. */
export async function until(ok: () => boolean, limitMs = 10_000): Promise<boolean> {
  for (const end = Date.now() + limitMs; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (ok()) return true;
  return ok();
}
