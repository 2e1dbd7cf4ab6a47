// Files fixbench reads from or writes into a workspace after untrusted code ran there (report
// files, canary hosts): paths are checked to stay inside the workspace and symlinks are never
// followed (DESIGN.md §11 rule 2). A symlinked report is no verdict.
import { constants, lstat, open, realpath, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InfraError } from '../core/errors.ts';

/** Largest report file read, bytes (64 MiB): a bigger one is no verdict, never read into memory. */
export const REPORT_MAX_BYTES = 64 * 1024 * 1024;

/** Absolute path of `path` inside `dir`; throws `InfraError` when it would escape it. */
export function pathInside(dir: string, path: string, what = 'test_report path'): string {
  const abs = resolve(dir, path);
  const rel = relative(dir, abs);
  if (isAbsolute(path) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new InfraError(`${what} ${JSON.stringify(path)} must be relative and inside the repository`);
  }
  return abs;
}

/**
 * `path` inside `dir` with no symlink among its folders (each checked with lstat, none
 * followed); the last component is for the caller to open with O_NOFOLLOW. Throws `InfraError`
 * naming the linked folder.
 */
export async function noLinkPath(dir: string, path: string): Promise<string> {
  const abs = pathInside(dir, path, 'path');
  const parts = relative(dir, abs).split(sep);
  let cur = dir;
  for (const part of parts.slice(0, -1)) {
    cur = join(cur, part);
    const st = await lstat(cur).catch(() => null);
    if (st?.isSymbolicLink()) throw new InfraError(`${relative(dir, cur)} is a symlink: ${path} is not read or written through it`);
  }
  return abs;
}

/**
 * Removes a report file left in the workspace before the test run (one the model's patch planted),
 * so that only a report the test command writes is read. Nothing is removed when the path's
 * folder resolves outside the workspace (a planted symlink): the file is then refused when read.
 */
export async function removeStaleReport(dir: string, abs: string): Promise<void> {
  const parent = await realpath(dirname(abs)).catch(() => null);
  if (parent === null) return; // no such folder: no stale file either
  const rel = relative(await realpath(dir), parent);
  if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) return;
  await rm(abs, { recursive: true, force: true });
}

/**
 * Reads a report file the test command wrote at `path` (repository-relative): a regular file,
 * not a symlink and under no symlinked folder (opened with O_NOFOLLOW, checked on the open
 * handle), at most `REPORT_MAX_BYTES`. Its bytes are decoded once, as a whole, as UTF-8 with
 * replacement characters, so no character is ever split. `label` names the format in messages;
 * `status` is the command's exit status for the "wrote no report" message. Throws `InfraError`.
 */
export async function readReportFile(dir: string, path: string, label: string, status: string): Promise<string> {
  const what = `${label} report ${path}`;
  const abs = await noLinkPath(dir, path);
  const st = await lstat(abs).catch(() => null);
  if (!st) throw new InfraError(`the test command wrote no ${label} report at ${path} (exit code ${status})`);
  if (st.isSymbolicLink()) throw new InfraError(`${what} is a symlink, not the runner's report`);
  let fh;
  try {
    fh = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    throw new InfraError(`${what} cannot be opened without following links: ${(err as Error).message}`, { cause: err });
  }
  try {
    const fst = await fh.stat();
    if (!fst.isFile()) throw new InfraError(`${what} is not a regular file inside the workspace`);
    const tooBig = (n: number): InfraError => new InfraError(`${what} is ${n} bytes, over the ${REPORT_MAX_BYTES}-byte limit`);
    if (fst.size > REPORT_MAX_BYTES) throw tooBig(fst.size);
    const bytes = await fh.readFile();
    if (bytes.length > REPORT_MAX_BYTES) throw tooBig(bytes.length);
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  } finally {
    await fh.close();
  }
}

/** Reads a small text file inside `dir` without following links, as UTF-8 (bytes that are not UTF-8 read as U+FFFD); null when absent, not a file, or over `maxBytes`. */
export async function readSmallFile(dir: string, path: string, maxBytes: number): Promise<string | null> {
  return (await readSmallBytes(dir, path, maxBytes))?.toString('utf8') ?? null;
}

/** Reads a small file inside `dir` without following links, as bytes; null when absent, not a file, or over `maxBytes`. */
export async function readSmallBytes(dir: string, path: string, maxBytes: number): Promise<Buffer | null> {
  try {
    const fh = await open(await noLinkPath(dir, path), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const st = await fh.stat();
      if (!st.isFile() || st.size > maxBytes) return null;
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}
