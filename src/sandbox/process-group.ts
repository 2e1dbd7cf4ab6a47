// Killing a command's whole process group, and never leaving groups behind when fixbench exits.

const live = new Set<number>();
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
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const g of live) killGroup(g);
    });
  }
  live.add(pgid);
}

export function untrackGroup(pgid: number): void {
  live.delete(pgid);
}
