// One writer per run folder: `run.lock` holds the writing process's pid, start time, pid namespace,
// boot id and host, so a second `--resume` of a run still being written is refused instead of
// recording attempts twice.
// Atomic: a lock is written whole to a file of its own, then linked to its name (`link` fails when
// the name exists: never a torn lock); a dead holder's lock is removed only under `run.lock.takeover`
// (taken the same way), so two processes taking over one stale lock cannot remove each other's. A
// takeover file whose taker died inside that window is recovered the same way, under
// `run.lock.takeover.takeover`, when the taker is provably gone (`provablyGone`); else it is named.
import { constants } from 'node:fs';
import { link, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserInputError } from '../core/errors.ts';
import { pidScope, processStart, provablyGone, sameScope } from '../core/work-owner.ts';

interface Holder {
  pid?: number;
  host?: string;
  /** `/proc/<pid>/stat` start time (clock ticks since boot): a reused pid is not the holder. */
  start?: string | null;
  /** Pid namespace (`pid:[<inode>]`) and boot id the pid belongs to; absent in older locks. */
  pidns?: string | null;
  boot?: string | null;
}

/**
 * Whether `h` names a process (a positive integer pid). One that does not is damaged (an empty, torn
 * or foreign file): every lock and takeover file is written whole before it gets its name
 * (`createWhole`), so a live writer's never is; a damaged one was damaged afterwards (a crash before
 * its data reached the disk, a hand edit), and no live process holds it.
 */
function namesProcess(h: Holder): h is Holder & { pid: number } {
  return typeof h.pid === 'number' && Number.isInteger(h.pid) && h.pid > 0;
}

/** Creates `file` holding `content` whole, or returns false when it exists. @throws on other file-system errors. */
async function createWhole(file: string, content: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, content, { flag: 'wx' });
    try {
      await link(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
    return true;
  } finally {
    await rm(tmp, { force: true }); // also a part written before the disk filled up
  }
}

/**
 * The holder written in `file`; null when there is no file; `{}` when it cannot be read as one
 * (damaged: not JSON, not a regular file, over 4 KiB).
 * @throws UserInputError when `file` is a symbolic link or a folder (never read through, never taken over)
 */
async function readHolder(file: string): Promise<Holder | null> {
  let text: string;
  let fh;
  try {
    // O_NONBLOCK: a FIFO in its place would block the open forever; it is no lock file, so damaged
    fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new UserInputError(`${file}: is a symbolic link; fixbench never reads or writes through links in results: remove it, then run again`);
    throw e;
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new UserInputError(`${file}: is a folder, not a run lock: remove it, then run again`);
    if (!st.isFile() || st.size > 4096) return {};
    text = await fh.readFile('utf8');
  } finally {
    await fh.close();
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
 * or its pid now another process's: start time), or damaged (`namesProcess`: no live writer's), is taken
 * over (by one process only, however many try at once); one held by a live process on this host, by
 * another host, or written in another pid namespace or boot (a container on this host: its pid cannot
 * be checked from here) or without them (an older fixbench) is refused, naming the file to delete.
 * The same evidence decides over a `run.lock.takeover` left by a process killed while taking over:
 * provably gone (or damaged), it is recovered; alive, it is waited for; else it is named.
 * @returns a release function (removes the lock; safe to call twice).
 * @throws UserInputError naming the holder and what to do (also for a takeover file whose taker
 * cannot be checked from here, or a recovery file, `run.lock.takeover.takeover`, left by a process
 * killed while recovering one: delete it).
 */
export async function lockRun(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'run.lock');
  const scope = await pidScope();
  const me = { pid: process.pid, host: os.hostname(), start: await processStart(process.pid), ...scope };
  const mine = JSON.stringify(me) + '\n';
  /** Refuses a holder that is alive, on another host, or of another pid namespace or boot; true when it is gone (the lock is stale). */
  const stale = async (holder: Holder): Promise<true> => {
    if (holder.host && holder.host !== me.host) {
      throw new UserInputError(`${dir}: the run is being written on host ${holder.host} (pid ${holder.pid}); resume it there, or delete ${file} if that run is gone`);
    }
    if (!namesProcess(holder)) return true; // damaged: no live writer's
    if (!sameScope(scope, holder)) {
      throw new UserInputError(`${dir}: ${file} was written by process ${holder.pid} in another pid namespace or boot (${holder.pidns ?? 'namespace not recorded'}, boot ${holder.boot ?? 'not recorded'}; here ${scope.pidns}, boot ${scope.boot}), so whether it still runs cannot be checked from here; if that run is gone, delete ${file}, then resume`);
    }
    if (holder.pid !== me.pid && !(await provablyGone(holder))) {
      throw new UserInputError(`${dir}: the run is still being written by process ${holder.pid}; wait for it to finish or stop it, then resume`);
    }
    return true;
  };
  /** What a takeover file says of its taker: 'gone' (provably, or damaged), 'alive' (wait for it), or 'unknown' (another host, namespace or boot, or none recorded). */
  const taker = async (h: Holder): Promise<'gone' | 'alive' | 'unknown'> => {
    if (!namesProcess(h)) return 'gone';
    if ((h.host && h.host !== me.host) || !sameScope(scope, h)) return 'unknown';
    return (await provablyGone(h)) ? 'gone' : 'alive';
  };
  /**
   * Removes `target`, judged abandoned, while holding `<target>.takeover`; `abandoned` judges it
   * again there, so a fresh file another process put in its place is never removed. A guard left by
   * a taker that is provably gone is recovered the same way one level down, `depth` levels at most.
   * @returns 'retry' (removed, or the guard was released meanwhile) or 'wait' (a live taker holds the guard).
   * @throws UserInputError naming a guard that cannot be recovered (its taker unprovable, or past `depth`).
   */
  const removeAbandoned = async (target: string, abandoned: (h: Holder) => Promise<boolean>, depth: number): Promise<'retry' | 'wait'> => {
    const guard = `${target}.takeover`;
    if (!(await createWhole(guard, mine))) {
      const other = await readHolder(guard);
      if (other === null) return 'retry';
      const state = await taker(other);
      if (state === 'alive') return 'wait';
      if (state === 'unknown') {
        throw new UserInputError(`${dir}: ${guard} was left by process ${other.pid} on host ${other.host ?? 'not recorded'} (pid namespace ${other.pidns ?? 'not recorded'}, boot ${other.boot ?? 'not recorded'}; here ${me.host}, ${scope.pidns}, boot ${scope.boot}), so whether it is still taking over ${target} cannot be checked from here; if no fixbench is writing this run, delete ${guard}, then resume`);
      }
      if (depth === 0) throw new UserInputError(`${dir}: ${namesProcess(other) ? `process ${other.pid}` : `a process (${guard} is damaged)`} died while taking over ${target}; delete ${guard}, then resume`);
      return removeAbandoned(guard, async (h) => (await taker(h)) === 'gone', depth - 1);
    }
    try {
      const again = await readHolder(target);
      if (again !== null && (await abandoned(again))) await rm(target, { force: true });
    } finally {
      await rm(guard, { force: true });
    }
    return 'retry';
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
    if ((await removeAbandoned(file, stale, 1)) === 'wait') await sleep(10); // another process is taking over: see what it leaves
  }
  throw new UserInputError(`${dir}: could not take ${file}; another fixbench keeps taking it`);
}

/**
 * Whether a process still writes the run in `dir`, judged from its `run.lock` as {@link lockRun} judges it:
 * `'alive'` (its holder runs here), `'gone'` (no lock file, a damaged one, or its holder provably gone:
 * every writer of a run, `run` and `merge`, holds the lock while the run is `running`, so a `running`
 * run without a live holder was killed), `'unknown'` (written on another host, pid namespace or boot,
 * or by an older fixbench: it cannot be checked from here). Never throws (an unreadable lock: `'unknown'`).
 */
export async function runWriterState(dir: string): Promise<'alive' | 'gone' | 'unknown'> {
  let h: Holder | null;
  try {
    h = await readHolder(path.join(dir, 'run.lock'));
  } catch {
    return 'unknown';
  }
  if (h === null || !namesProcess(h)) return 'gone';
  if ((h.host && h.host !== os.hostname()) || !sameScope(await pidScope(), h)) return 'unknown';
  return (await provablyGone(h)) ? 'gone' : 'alive';
}
