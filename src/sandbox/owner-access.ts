// Owner access to folders untrusted code could lock (DESIGN.md §11, attackF): a command may
// `chmod 000` its workspace (or a folder in it, its HOME, its TMPDIR). The mode holds on the host
// folder, so the next command's start (`bwrap --chdir`, a spawn's cwd), host git and the removal
// would fail there: an infra error the model caused (a free re-roll outside the denominator). The
// host restores the owner's rwx first, never through a symbolic link and without a window for a
// path swap: each folder is pinned by an O_PATH|O_NOFOLLOW descriptor, checked to be a real folder
// through it, changed through `/proc/self/fd/<n>`, and its entries are opened relative to it.
import { existsSync, type Stats } from 'node:fs';
import { chmod, lstat, open, readdir, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';

/** Linux's O_PATH (Node does not export it): a descriptor that names an inode without opening it for I/O. */
const O_PATH = 0o10000000;

/** Deepest folder level `restoreOwnerAccessTree` descends to (one descriptor is held per level). */
export const MAX_RESTORE_DEPTH = 512;

/** Whether `/proc/self/fd` can name a descriptor (false outside Linux or without /proc). */
export const procFd = existsSync('/proc/self/fd');

/**
 * Gives the owner rwx on the folder `dir` (an absolute path whose parents fixbench owns; group and
 * other bits are kept) when a command took them away. A symbolic link at `dir`, or anything but a
 * folder, is left alone. Never throws (a folder that cannot be opened or changed stays as it is,
 * and the caller's own use of it reports the problem). Costs one open, one fstat and one close when
 * nothing needs restoring.
 */
export async function restoreOwnerAccess(dir: string): Promise<void> {
  const fh = await pinFolder(dir);
  if (fh) await fh.close().catch(() => undefined);
}

/**
 * `restoreOwnerAccess` on `root` and on every real folder below it, down to MAX_RESTORE_DEPTH
 * levels, never following a symbolic link (a link to a folder outside, or one swapped in while the
 * walk runs, is never changed nor entered). Files are left as they are. Returns the number of
 * folders whose mode was changed. Never throws.
 */
export async function restoreOwnerAccessTree(root: string): Promise<number> {
  let changed = 0;
  const walk = async (fh: FileHandle, depth: number): Promise<void> => {
    if (depth >= MAX_RESTORE_DEPTH) return;
    let names: string[];
    try {
      const entries = await readdir(procFd ? `/proc/self/fd/${fh.fd}` : pathOf.get(fh)!, { withFileTypes: true });
      names = entries.filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return; // unreadable after all (not ours to fix): host git skips it, the removal reports nothing
    }
    for (const name of names) {
      const child = await pinFolder(procFd ? `/proc/self/fd/${fh.fd}/${name}` : join(pathOf.get(fh)!, name), () => changed++);
      if (!child) continue;
      try {
        await walk(child, depth + 1);
      } finally {
        await child.close().catch(() => undefined);
      }
    }
  };
  const top = await pinFolder(root, () => changed++);
  if (!top) return changed;
  try {
    await walk(top, 0);
  } finally {
    await top.close().catch(() => undefined);
  }
  return changed;
}

/** Path of a pinned folder where /proc/self/fd is missing (then the walk follows paths: see `pinFolder`). */
const pathOf = new WeakMap<FileHandle, string>();

/**
 * Opens `path` as O_PATH|O_NOFOLLOW (its last component is never followed), and when it is a real
 * folder gives its owner rwx through the descriptor; returns the handle (the caller closes it), or
 * null when `path` is missing, a link or not a folder. Without /proc the mode is changed by path
 * after an lstat (only safe when no untrusted process runs, as between sandboxed commands).
 */
export async function pinFolder(path: string | Buffer, onChange?: () => void): Promise<FileHandle | null> {
  let fh: FileHandle;
  try {
    fh = await open(path, O_PATH | constants.O_NOFOLLOW | constants.O_DIRECTORY);
  } catch {
    return null;
  }
  try {
    const st: Stats = procFd ? await fh.stat() : await lstat(path);
    if (!st.isDirectory()) throw new Error('not a folder');
    if ((st.mode & 0o700) !== 0o700) {
      await chmod(procFd ? `/proc/self/fd/${fh.fd}` : path, (st.mode & 0o7777) | 0o700);
      onChange?.();
    }
    if (!procFd) pathOf.set(fh, String(path)); // a Buffer path only comes with /proc (remove-tree.ts)
    return fh;
  } catch {
    await fh.close().catch(() => undefined);
    return null;
  }
}
