// Work folders left in the OS temp folder by a fixbench that was killed (kill -9, OOM, a second
// Ctrl-C): each work folder (a run's `fixbench-<run_id>-*`, an attempt's `fixbench-attempt-*`, the
// bwrap sandbox's folder of setup HOMEs `fixbench-bwrap-*`, the local sandbox's HOME/TMPDIR pair
// `fixbench-sandbox-*`) holds `.fixbench-owner`,
// `{"pid":<n>,"start":"<process start>","pidns":"pid:[<inode>]","boot":"<boot id>"}`, at its top level,
// which no sandbox binds (only folders below it are bound into containers); a later run removes the
// folders whose owner is dead. A folder without that file, not a real folder, not ours, of a live
// process, or of another pid namespace or boot (a container sharing /tmp: its pids mean nothing here)
// is left. Also the one judge of "this process is provably gone" (`provablyGone`; run.lock uses it).
// A work folder gets its name only once marked (`mkdtempOwned`: made as `.fixbench-new-*`, marked,
// renamed): a kill -9 between making and marking leaves a staging folder, which no other code names
// that way, so a sweep removes it once old and empty (atkE12).
import { constants, type Stats } from 'node:fs';
import { randomInt } from 'node:crypto';
import { lstat, mkdtemp, open, readdir, readFile, readlink, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { removeTreeAt } from '../sandbox/remove-tree.ts';

/** The owner file's name inside a work folder. */
export const OWNER_FILE = '.fixbench-owner';

/**
 * Work folder names a sweep looks at (`mkdtemp`'s 6-character tail after the attempts', the sandboxes',
 * or a run's `fixbench-<run_id>-`); anything else in the temp folder is never touched.
 */
const WORK_FOLDER = /^fixbench-(attempt-|bwrap-|sandbox-|[0-9]{8}T[0-9]{6}Z-|[A-Za-z0-9._-]+-)[A-Za-z0-9]{6}$/;

/** Name of a work folder being made (`mkdtempOwned`): only it makes such names, in any folder. */
const STAGING_PREFIX = '.fixbench-new-';
const STAGING_FOLDER = /^\.fixbench-new-[A-Za-z0-9]{6}$/;

/**
 * Age (ms since its last change) after which a sweep removes a staging folder left without an owner:
 * empty, or holding only an empty owner file (killed between `mkdtemp` and the owner's write, which
 * follow each other within microseconds). A process paused that long in between (a suspended
 * machine) finds its folder gone and fails with ENOENT; the folder is never removed once marked.
 */
export const UNMARKED_AGE_MS = 60 * 60_000;

/**
 * A process's start time as the kernel gives it (`/proc/<pid>/stat` field 22, clock ticks since boot;
 * this process's own from `/proc/self/stat`), so a pid reused by another process is not taken for the
 * owner; null when it cannot be read (gone, no /proc), or when /proc is not this process's pid
 * namespace's (`procIsOurs`): its `/proc/<pid>` would be another process.
 */
export async function processStart(pid: number): Promise<string | null> {
  try {
    if (pid !== process.pid && !(await procIsOurs())) return null;
    const stat = await readFile(pid === process.pid ? '/proc/self/stat' : `/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 counts pid, comm and state before it
  } catch {
    return null;
  }
}

let procOurs: Promise<boolean> | undefined;

/**
 * Whether the mounted /proc shows this process's pid namespace: its `/proc/self/stat` names
 * `process.pid`. A /proc mounted for another namespace (`unshare -p` without `--mount-proc`) lists
 * other processes under the same numbers. Read once; false without /proc.
 */
function procIsOurs(): Promise<boolean> {
  procOurs ??= readFile('/proc/self/stat', 'utf8').then((t) => Number(t.slice(0, t.indexOf(' '))) === process.pid, () => false);
  return procOurs;
}

/** Where a pid means something: this process's pid namespace and boot. */
export interface PidScope {
  /** `readlink /proc/self/ns/pid` (`pid:[4026531836]`); null without /proc. */
  pidns: string | null;
  /** `/proc/sys/kernel/random/boot_id`; null without /proc. */
  boot: string | null;
}

let scope: Promise<PidScope> | undefined;

/** This process's pid namespace and boot id (read once). Never throws. */
export function pidScope(): Promise<PidScope> {
  scope ??= (async () => ({
    pidns: await readlink('/proc/self/ns/pid').catch(() => null),
    boot: await readFile('/proc/sys/kernel/random/boot_id', 'utf8').then((t) => t.trim() || null, () => null),
  }))();
  return scope;
}

/** Whether `other` (a recorded owner's or holder's scope) is known to be this process's: both fields recorded, read here, and equal. */
export function sameScope(mine: PidScope, other: { pidns?: unknown; boot?: unknown }): boolean {
  return mine.pidns !== null && mine.boot !== null && other.pidns === mine.pidns && other.boot === mine.boot;
}

/** What an owner or lock file records of the process that wrote it. */
export interface RecordedProcess {
  pid: number;
  /** `processStart` when written; anything but a string: not recorded. */
  start?: unknown;
  pidns?: unknown;
  boot?: unknown;
}

/**
 * True only when the process `owner` records is provably gone: it was recorded in this process's pid
 * namespace and boot (`sameScope`), and no process has its pid now, or the one that has it started
 * at another time (a reused pid). Anything unprovable (another namespace or boot, none recorded, a
 * start time that cannot be read) counts as alive. Never throws.
 */
export async function provablyGone(owner: RecordedProcess): Promise<boolean> {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0 || !sameScope(await pidScope(), owner)) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return true;
  }
  if (typeof owner.start !== 'string') return false;
  const now = await processStart(owner.pid);
  return now !== null && now !== owner.start; // unreadable: assume alive (never remove a live folder)
}

/** Writes `dir/.fixbench-owner` for this process (call right after making the folder). @throws on file-system errors. */
export async function markOwner(dir: string): Promise<void> {
  await writeFile(path.join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid, start: await processStart(process.pid), ...(await pidScope()) }) + '\n', { flag: 'wx', mode: 0o600 });
}

const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Makes the work folder `<base>/<prefix>XXXXXX` (mode 0700, like `mkdtemp`) already holding this
 * process's `.fixbench-owner` when it gets that name: made as `<base>/.fixbench-new-XXXXXX`, marked
 * (`markOwner`), then renamed to a name not taken. A kill -9 before the rename leaves the staging
 * folder, which `sweepDeadWorkFolders` removes (dead owner, or unmarked and older than
 * {@link UNMARKED_AGE_MS}); so no work folder is ever left without an owner (atkE12).
 * @param prefix e.g. `fixbench-attempt-` (no path separator).
 * @returns the folder's path.
 * @throws on file-system errors (the staging folder is removed first).
 */
export async function mkdtempOwned(base: string, prefix: string): Promise<string> {
  const staged = await mkdtemp(path.join(base, STAGING_PREFIX));
  try {
    await markOwner(staged);
    for (;;) {
      const dir = path.join(base, prefix + Array.from({ length: 6 }, () => SUFFIX_CHARS[randomInt(SUFFIX_CHARS.length)]).join(''));
      // a taken name is never renamed over (rename would replace an empty folder): 62⁶ names, so a
      // folder made under the same name between this check and the rename is out of reach
      if (await lstat(dir).then(() => true, () => false)) continue;
      await rename(staged, dir);
      return dir;
    }
  } catch (e) {
    await rm(staged, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}

/**
 * Removes `dir`, a staging folder (`mkdtempOwned`) without an owner: only when it and its content
 * are this user's, unchanged for {@link UNMARKED_AGE_MS}, and it holds nothing or only an empty
 * `.fixbench-owner` (a kill between creating and writing it). `rmdir`: a folder written meanwhile
 * is not empty and stays. True when removed; never throws.
 */
async function removeUnmarkedStaging(dir: string, st: Stats, now = Date.now()): Promise<boolean> {
  try {
    if (now - st.mtimeMs < UNMARKED_AGE_MS) return false;
    const entries = await readdir(dir);
    if (entries.length > 1 || (entries.length === 1 && entries[0] !== OWNER_FILE)) return false;
    if (entries.length === 1) {
      const o = await lstat(path.join(dir, OWNER_FILE));
      if (!o.isFile() || o.size !== 0 || (process.getuid && o.uid !== process.getuid()) || now - o.mtimeMs < UNMARKED_AGE_MS) return false;
      await unlink(path.join(dir, OWNER_FILE));
    }
    await rmdir(dir);
    return true;
  } catch {
    return false; // changed meanwhile, or unreadable: left
  }
}

/** The owner written in `dir` (a regular file, not a link, ≤ 1 KB, ours); null when there is none or it is not one. */
async function readOwner(dir: string): Promise<{ pid: number; start: string | null; pidns?: unknown; boot?: unknown } | null> {
  let fh;
  try {
    // O_NONBLOCK: a FIFO put there would otherwise block the open (and the run's end) forever; it is no regular file, so left
    fh = await open(path.join(dir, OWNER_FILE), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile() || st.size > 1024 || (process.getuid && st.uid !== process.getuid())) return null;
    const o = JSON.parse(await fh.readFile('utf8')) as { pid?: unknown; start?: unknown; pidns?: unknown; boot?: unknown };
    if (typeof o.pid !== 'number' || !Number.isInteger(o.pid) || o.pid <= 0) return null;
    return { pid: o.pid, start: typeof o.start === 'string' ? o.start : null, pidns: o.pidns, boot: o.boot };
  } catch {
    return null;
  } finally {
    await fh.close();
  }
}

/**
 * Removes the fixbench work folders of `base` (default: the OS temp folder) whose owning process is
 * dead. Only real folders (never a link) owned by this user, named as fixbench names them, holding an
 * owner file written in this pid namespace and boot (`sameScope`; an owner file without them, from an
 * older fixbench, is left). A staging folder (`mkdtempOwned`'s `.fixbench-new-*`) is judged the same
 * way, and one without an owner is removed once old and empty (`removeUnmarkedStaging`). Never throws.
 * @returns the paths removed.
 */
export async function sweepDeadWorkFolders(base = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(base);
  } catch {
    return removed;
  }
  for (const name of names) {
    const staging = STAGING_FOLDER.test(name);
    if (!staging && !WORK_FOLDER.test(name)) continue;
    const dir = path.join(base, name);
    try {
      const st = await lstat(dir);
      if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid())) continue;
      const owner = await readOwner(dir);
      if (!owner && staging && (await removeUnmarkedStaging(dir, st))) removed.push(dir);
      if (!owner || owner.pid === process.pid || !(await provablyGone(owner))) continue;
      await rm(dir, { recursive: true, force: true }).catch(() => undefined); // never follows a link
      if ((await removeTreeAt(dir)) === null) removed.push(dir); // what rm could not (folders made mode 000, deep chains)
    } catch {
      /* gone meanwhile, or unreadable: left */
    }
  }
  return removed;
}
