// File-system failures of the user's environment (an output path that is a file, a folder without
// permission, a full disk) are input errors, not bugs: they get a one-line message naming the path
// and what to do, and exit 2 instead of an internal-error trace.

const MEANING: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'no such file or folder',
  EEXIST: 'it already exists',
  ENAMETOOLONG: 'the name is too long',
};

/**
 * The user-facing message of a Node file-system error (one with `code` among the environment's
 * failures above and a `path`), or null for any other error (a bug, shown with its trace).
 */
export function fsErrorMessage(e: unknown): string | null {
  if (!(e instanceof Error)) return null;
  const { code, path, syscall } = e as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof path !== 'string' || !Object.hasOwn(MEANING, code)) return null;
  return `${path}: cannot ${syscall ?? 'access'} it (${code}: ${MEANING[code]}); check the paths given to fixbench (--out, --results, --reports, merge's <out>, …) name folders you can write to`;
}
