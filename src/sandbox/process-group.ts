// Killing a command's whole process group, and never leaving groups behind when fixbench exits.
import { readFileSync } from 'node:fs';

const live = new Set<number>();
/** Containers' inits (bwrap's child, pid 1 of its PID namespace) of live commands: pid → start time. */
const inits = new Map<number, string>();
let exitHookInstalled = false;

/** SIGKILLs every process in the group led by `pgid`; a group already gone is not an error. */
export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Remembers a live group so it is killed if fixbench itself exits first. */
export function trackGroup(pgid: number): void {
  onExit();
  live.add(pgid);
}

function onExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const g of live) killGroup(g);
    for (const [pid, start] of inits) killInit({ pid, start });
  });
}

export function untrackGroup(pgid: number): void {
  live.delete(pgid);
}

/**
 * SIGKILLs a container's init (which ends its whole PID namespace) when `pid` is still the process
 * that started at `start` (`/proc/<pid>/stat` field 22, clock ticks), so a reused pid is never hit.
 * Never throws.
 */
export function killInit(init: { pid: number; start: string }): void {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${init.pid}/stat`, 'latin1');
  } catch {
    return;
  }
  if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] !== init.start) return;
  try {
    process.kill(init.pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}

/** Remembers a live container's init so it is killed if fixbench itself exits first (see `killInit`). */
export function trackInit(init: { pid: number; start: string }): void {
  onExit();
  inits.set(init.pid, init.start);
}

export function untrackInit(init: { pid: number; start: string }): void {
  if (inits.get(init.pid) === init.start) inits.delete(init.pid);
}
