// Workspace roots: the folders under which a sandbox's workspaces lie, and the checks that keep an
// exec's cwd and the sandbox's file reads and writes inside them (symlinks resolved).
import { constants, realpathSync } from 'node:fs';
import { mkdir, open, realpath, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InfraError } from '../core/errors.ts';

/**
 * Resolves the roots to real absolute paths (default: the OS temp folder, where the runner makes
 * its workspaces).
 * @throws InfraError for a relative or missing root, or `/` (which would allow everything).
 */
export function resolveRoots(roots: readonly string[] | undefined): string[] {
  const given = roots?.length ? roots : [tmpdir()];
  return given.map((r) => {
    if (!isAbsolute(r)) throw new InfraError(`sandbox root must be absolute, got ${JSON.stringify(r)}`);
    let real: string;
    try {
      real = realpathSync(r);
    } catch (err) {
      throw new InfraError(`sandbox root ${r} cannot be resolved: ${(err as Error).message}`, { cause: err });
    }
    if (real === '/') throw new InfraError(`sandbox root ${r} is the file-system root; name the folder that holds the workspaces`);
    return real;
  });
}

/** True when `path` is strictly below `root` (both absolute and normalised). */
export function isStrictlyInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The real path of `path` (absolute; symlinks of its existing part resolved, a missing tail kept
 * as written) when it lies strictly inside one of `roots`.
 * @param what names the path in the error, e.g. "exec cwd".
 * @throws InfraError when `path` is relative or lies outside every root.
 */
export async function realPathInside(path: string, roots: readonly string[], what: string): Promise<string> {
  if (!isAbsolute(path)) throw new InfraError(`sandbox ${what} must be absolute, got ${JSON.stringify(path)}`);
  let real: string;
  try {
    real = await realExistingPrefix(resolve(path));
  } catch (err) {
    throw new InfraError(`sandbox ${what} ${path} cannot be resolved: ${(err as Error).message}`, { cause: err });
  }
  if (!roots.some((root) => isStrictlyInside(real, root))) {
    throw new InfraError(
      `sandbox ${what} ${path}${real === resolve(path) ? '' : ` (really ${real})`} is outside the sandbox's roots (${roots.join(', ')}); ` +
        'a sandbox only touches files inside its workspaces',
    );
  }
  return real;
}

/**
 * Where every backend shows workspace `dir` (absolute) to the command it runs there: `dir`'s real
 * path (symlinks resolved). bwrap (warm and relay containers too) binds the real path that
 * workingDirInside gives at that same path and starts the command there; local runs the command on
 * the host in `dir`, the same folder. So a path fixbench writes into a command (the second result
 * channel's destination, evaluation/channels.ts) is this one joined with a repository-relative path.
 * @throws Error (ENOENT, EACCES) when `dir` cannot be resolved.
 */
export function workspaceSeenByCommand(dir: string): Promise<string> {
  return realpath(dir);
}

/**
 * The real path of a command's working directory: absolute, inside `roots`, an existing folder.
 * @throws InfraError otherwise.
 */
export async function workingDirInside(cwd: string, roots: readonly string[]): Promise<string> {
  const real = await realPathInside(cwd, roots, 'cwd');
  const st = await stat(real).catch(() => null);
  if (!st?.isDirectory()) throw new InfraError(`sandbox cwd is not a directory: ${cwd}`);
  return real;
}

/**
 * Reads the file at `path`, which must lie inside `roots` (a symlink as the last component, made
 * after the check, is refused too).
 * @throws InfraError when outside the roots or unreadable.
 */
export async function readInside(path: string, roots: readonly string[]): Promise<Buffer> {
  const real = await realPathInside(path, roots, 'read path');
  try {
    const file = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return await file.readFile();
    } finally {
      await file.close();
    }
  } catch (err) {
    throw new InfraError(`sandbox could not read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Writes `content` (a string as UTF-8) to `path`, which must lie inside `roots`, creating missing
 * parent folders; the last component may not be a symlink.
 * @throws InfraError when outside the roots or unwritable.
 */
export async function writeInside(path: string, content: string | Uint8Array, roots: readonly string[]): Promise<void> {
  const real = await realPathInside(path, roots, 'write path');
  try {
    await mkdir(dirname(real), { recursive: true });
    const file = await open(real, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
    try {
      await file.writeFile(content);
    } finally {
      await file.close();
    }
  } catch (err) {
    throw new InfraError(`sandbox could not write ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** `realpath` of the longest existing ancestor of `path`, with the rest appended. */
async function realExistingPrefix(path: string): Promise<string> {
  const tail: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    try {
      return join(await realpath(p), ...tail.reverse());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || p === dirname(p)) throw err;
      tail.push(basename(p));
    }
  }
}
