// The one atomic file write: readers see the old content or the new, never a part of it.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Create the parent folders first (default false). */
  mkdirs?: boolean;
  /** fsync the file before the rename, so a crash cannot leave it empty (default true). */
  fsync?: boolean;
  /** Permission bits of the new file, before the umask (default 0o666; 0o755 for a script the sandbox runs). */
  mode?: number;
  /**
   * Opens the temporary file (absolute path) for writing, created exclusively; default `open(tmp, 'wx', mode)`.
   * The store passes its own (src/store/run-fs.ts `openInRun`: no symbolic link followed in the run folder).
   */
  openTemp?: (tmp: string) => Promise<FileHandle>;
}

/**
 * Writes `data` to `file` atomically: to a temporary file beside it (`<file>.<pid>.<random>.tmp`, so
 * concurrent writers never share one), optionally fsynced, then renamed over `file`. On failure the
 * temporary file is removed and `file` is left as it was.
 * @throws the file-system error (ENOENT for a missing folder without `mkdirs`, EACCES, ENOSPC, EISDIR…).
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  if (typeof file !== 'string' || file === '') throw new TypeError('writeFileAtomic: file must be a non-empty path');
  if (opts.mkdirs) await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await (opts.openTemp ? opts.openTemp(tmp) : open(tmp, 'wx', opts.mode ?? 0o666));
  // Only a temporary file this call created is removed (an open refused — EEXIST, a link in the way — removes nothing).
  try {
    try {
      await fh.writeFile(data);
      if (opts.fsync ?? true) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}
