// One writer per run folder: `run.lock` holds the writing process's pid and host, so a second
// `--resume` of a run still being written is refused instead of recording attempts twice.
import { open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserInputError } from '../core/errors.ts';

/** True while a process with this pid exists on this host. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dir>/run.lock` for this process. A lock left by a process that is gone (killed, crashed)
 * is taken over; one held by a live process on this host, or by another host, is refused.
 * @returns a release function (removes the lock; safe to call twice).
 * @throws UserInputError naming the holder and what to do.
 */
export async function lockRun(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'run.lock');
  const me = { pid: process.pid, host: os.hostname() };
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(JSON.stringify(me) + '\n');
      await fh.close();
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await rm(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: { pid?: number; host?: string } = {};
    try {
      holder = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      /* torn or empty lock: treat as stale */
    }
    if (holder.host && holder.host !== me.host) {
      throw new UserInputError(`${dir}: the run is being written on host ${holder.host} (pid ${holder.pid}); resume it there, or delete ${file} if that run is gone`);
    }
    if (typeof holder.pid === 'number' && holder.pid !== me.pid && alive(holder.pid)) {
      throw new UserInputError(`${dir}: the run is still being written by process ${holder.pid}; wait for it to finish or stop it, then resume`);
    }
    await rm(file, { force: true }); // stale: its writer is gone
  }
  throw new UserInputError(`${dir}: could not take ${file}; another fixbench keeps taking it`);
}
