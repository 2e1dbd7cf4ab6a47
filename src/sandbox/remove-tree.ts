// Removal of a folder tree untrusted code wrote (DESIGN.md §11): an agent's workspace, HOME or
// TMPDIR may hold a folder chain deeper than PATH_MAX (made with relative `mkdir`/`cd`, as any
// shell can) and folders it took its owner bits from (`chmod 000`), at any depth (atkA). Path-based
// removal (fs.rm) leaves such a chain behind without an error. Here every folder is handled through
// a pinned descriptor (`pinFolder`: O_PATH|O_NOFOLLOW, owner rwx restored) and `/proc/self/fd/<n>/
// <name>` paths, and each folder's subfolders are first renamed up to the top folder: no path is
// ever longer than two names below a descriptor, no depth limit, one descriptor open at a time.
import { lstat, readdir, rename, rmdir, unlink } from 'node:fs/promises';
import { pinFolder, procFd } from './owner-access.ts';

/** A `/proc/self/fd/<fd>/<name>` path as bytes (names are bytes: a name that is not UTF-8 stays exact). */
const under = (fd: number, name: Buffer | string): Buffer => Buffer.concat([Buffer.from(`/proc/self/fd/${fd}/`), Buffer.from(name)]);

const code = (e: unknown): string => String((e as NodeJS.ErrnoException).code ?? (e as Error).message);

/**
 * Removes the folder `root` and everything below it, whatever its depth and modes, never following
 * a symbolic link (a link is removed, never its target). Linear in the number of entries; holds
 * one folder descriptor besides `root`'s. Needs /proc/self/fd (Linux); elsewhere does nothing and
 * says so. A `root` that is missing is done; one that is a file or link is unlinked.
 * @returns null when `root` is gone; else what is left: `<root>: <n> entries not removed (first:
 *   <errno code>)`. Never throws.
 */
export async function removeTreeAt(root: string): Promise<string | null> {
  const st = await lstat(root).catch(() => null);
  if (!st) return null;
  if (!st.isDirectory()) return unlink(root).then(() => null, (e) => `${root}: not removed (${code(e)})`);
  if (!procFd) return `${root}: not removed (no /proc/self/fd for a descriptor-relative removal)`;
  const top = await pinFolder(root);
  if (!top) return `${root}: not removed (cannot open it)`;
  let failed = 0;
  let first = '';
  const fail = (e: unknown): void => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    failed++;
    first ||= code(e);
  };
  const queue: Buffer[] = []; // folders directly in root still to empty and remove
  let seq = 0;
  /** Empties the folder at `path` (root itself when `fh` is given): files and links unlinked, subfolders queued (moved up into root first). */
  const empty = async (path: Buffer | null): Promise<void> => {
    const fh = path === null ? top : await pinFolder(path);
    if (!fh) return void (path && (await unlink(path).catch(fail))); // a link or file swapped in: removed itself
    try {
      const entries = await readdir(`/proc/self/fd/${fh.fd}`, { withFileTypes: true, encoding: 'buffer' }).catch((e: unknown) => (fail(e), []));
      for (const e of entries) {
        const from = under(fh.fd, e.name);
        if (!e.isDirectory()) await unlink(from).catch(fail);
        else if (path === null) queue.push(e.name);
        else await hoist(from);
      }
    } finally {
      if (path !== null) await fh.close().catch(() => undefined);
    }
  };
  /** Moves the folder `from` into root under a fresh name and queues it. */
  const hoist = async (from: Buffer): Promise<void> => {
    let opened = false;
    for (let tries = 0; ; tries++) {
      const name = Buffer.from(`.fixbench-rm-${process.pid}-${seq++}`);
      try {
        await rename(from, under(top.fd, name));
        queue.push(name);
        return;
      } catch (e) {
        const c = (e as NodeJS.ErrnoException).code ?? '';
        if (c === 'EACCES' && !opened) {
          // moving a folder rewrites its `..`: a folder made mode 000 gets its owner rwx back first
          opened = true;
          await (await pinFolder(from))?.close().catch(() => undefined);
          continue;
        }
        // a name the tree already uses (a file, a non-empty folder): the next one
        if (tries >= 100 || !['EEXIST', 'ENOTEMPTY', 'ENOTDIR', 'EISDIR'].includes(c)) return fail(e);
      }
    }
  };
  try {
    await empty(null);
    for (let name = queue.pop(); name; name = queue.pop()) {
      const path = under(top.fd, name);
      await empty(path);
      await rmdir(path).catch(fail);
    }
  } finally {
    await top.close().catch(() => undefined);
  }
  await rmdir(root).catch(fail);
  if (!(await lstat(root).catch(() => null))) return null;
  return `${root}: ${Math.max(failed, 1)} entries not removed (first: ${first || 'unknown'})`;
}
