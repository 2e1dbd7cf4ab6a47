// One writer per run folder: `run.lock` holds the writing process's pid, start time, pid namespace,
// boot id and host, so a second
// `--resume` of a run still being written is refused instead of recording attempts twice.
// Atomic: a lock is written whole to a file of its own, then linked to its name (`link` fails when
// the name exists: never a torn lock); a dead holder's lock is removed only under `run.lock.takeover`
// (taken the same way), so two processes taking over one stale lock cannot remove each other's.
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserInputError } from '../core/errors.ts';
import { pidScope, processStart, sameScope } from '../core/work-owner.ts';

/** True while a process with this pid exists on this host. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Holder {
  pid?: number;
  host?: string;
  /** `/proc/<pid>/stat` start time (clock ticks since boot): a reused pid is not the holder. */
  start?: string | null;
  /** Pid namespace (`pid:[<inode>]`) and boot id the pid belongs to; absent in older locks. */
  pidns?: string | null;
  boot?: string | null;
}

/** Creates `file` holding `content` whole, or returns false when it exists. @throws on other file-system errors. */
async function createWhole(file: string, content: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, content, { flag: 'wx' });
  try {
    await link(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await rm(tmp, { force: true });
  }
}

/** The holder written in `file`; null when there is no file; `{}` when it cannot be read as one (damaged). */
async function readHolder(file: string): Promise<Holder | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const h = JSON.parse(text) as unknown;
    return h && typeof h === 'object' ? (h as Holder) : {};
  } catch {
    return {};
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes `<dir>/run.lock` for this process. A lock left by a process that is gone (killed, crashed;
 * or its pid now another process's: start time) is taken over (by one process only, however many try
 * at once); one held by a live process on this host, by another host, or written in another pid
 * namespace or boot (a container on this host: its pid cannot be checked from here) or without them
 * (an older fixbench) is refused, naming the file to delete.
 * @returns a release function (removes the lock; safe to call twice).
 * @throws UserInputError naming the holder and what to do (also when a process died in the middle of
 * a takeover, leaving `run.lock.takeover`: delete it).
 */
export async function lockRun(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'run.lock');
  const takeover = `${file}.takeover`;
  const scope = await pidScope();
  const me = { pid: process.pid, host: os.hostname(), start: await processStart(process.pid), ...scope };
  const mine = JSON.stringify(me) + '\n';
  /** Refuses a holder that is alive, on another host, or of another pid namespace or boot; true when it is gone (the lock is stale). */
  const stale = async (holder: Holder): Promise<true> => {
    if (holder.host && holder.host !== me.host) {
      throw new UserInputError(`${dir}: the run is being written on host ${holder.host} (pid ${holder.pid}); resume it there, or delete ${file} if that run is gone`);
    }
    if (typeof holder.pid === 'number' && !sameScope(scope, holder)) {
      throw new UserInputError(`${dir}: ${file} was written by process ${holder.pid} in another pid namespace or boot (${holder.pidns ?? 'namespace not recorded'}, boot ${holder.boot ?? 'not recorded'}; here ${scope.pidns}, boot ${scope.boot}), so whether it still runs cannot be checked from here; if that run is gone, delete ${file}, then resume`);
    }
    if (typeof holder.pid === 'number' && holder.pid !== me.pid && alive(holder.pid)) {
      const now = typeof holder.start === 'string' ? await processStart(holder.pid) : null;
      if (now === null || now === holder.start) throw new UserInputError(`${dir}: the run is still being written by process ${holder.pid}; wait for it to finish or stop it, then resume`);
    }
    return true;
  };
  for (let tries = 0; tries < 500; tries++) {
    if (await createWhole(file, mine)) {
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await rm(file, { force: true });
      };
    }
    const holder = await readHolder(file);
    if (holder === null) continue; // released meanwhile
    await stale(holder);
    // Stale: remove it under the takeover lock, after reading it again there (another taker may have replaced it).
    if (!(await createWhole(takeover, mine))) {
      const other = await readHolder(takeover);
      if (other && typeof other.pid === 'number' && other.pid !== me.pid && !alive(other.pid) && (!other.host || other.host === me.host) && sameScope(scope, other)) {
        throw new UserInputError(`${dir}: process ${other.pid} died while taking over ${file}; delete ${takeover}, then resume`);
      }
      await sleep(10); // another process is taking over: see what it leaves
      continue;
    }
    try {
      const again = await readHolder(file);
      if (again !== null && (await stale(again))) await rm(file, { force: true }); // stale: its writer is gone
    } finally {
      await rm(takeover, { force: true });
    }
  }
  throw new UserInputError(`${dir}: could not take ${file}; another fixbench keeps taking it`);
}
