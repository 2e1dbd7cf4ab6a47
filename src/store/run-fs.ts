// The store's one way to touch files inside a run folder (DESIGN.md §7, §11): a results folder may
// be shared or downloaded, so a symbolic link in it must never make fixbench read or write outside
// it. Every path below the run folder is checked component by component (lstat: a link anywhere is
// refused), files are opened with O_NOFOLLOW, and copies never dereference.
import { constants, type Dirent } from 'node:fs';
import { lstat, mkdir, open, readdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { UserInputError } from '../core/errors.ts';

/** The refusal of a link at `where` (absolute path). */
function linkRefusal(where: string): UserInputError {
  return new UserInputError(
    `${where}: is a symbolic link inside a run folder; fixbench never reads or writes through links in results — replace it with the real file or folder, or remove it`,
    { where },
  );
}

/** The components of `rel` (relative to the run folder, `/` or platform-separated); refuses `..` and absolute paths. */
function components(runDir: string, rel: string): string[] {
  const parts = rel.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (path.isAbsolute(rel) || parts.includes('..')) throw new Error(`run-fs: ${rel} is not a path inside ${runDir}`);
  return parts;
}

/**
 * Makes sure every folder of `relDir` below `runDir` is a real folder, creating missing ones one by
 * one (never following a link).
 * @throws UserInputError naming the first component that is a link; Error when one is a file.
 */
export async function ensureRunDir(runDir: string, relDir: string): Promise<string> {
  let at = runDir;
  for (const part of components(runDir, relDir)) {
    at = path.join(at, part);
    const st = await lstat(at).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (!st) {
      await mkdir(at).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
      const again = await lstat(at);
      if (again.isSymbolicLink()) throw linkRefusal(at);
      continue;
    }
    if (st.isSymbolicLink()) throw linkRefusal(at);
    if (!st.isDirectory()) throw new UserInputError(`${at}: expected a folder in the run folder, found a file; remove it`, { where: at });
  }
  return at;
}

/**
 * Opens `runDir/rel` with `flags` plus O_NOFOLLOW after checking (and, with O_CREAT, creating) every
 * folder above it as `ensureRunDir` does. A link at the file itself fails (ELOOP) and is reported as
 * a refusal naming it.
 */
export async function openInRun(runDir: string, rel: string, flags: number, mode = 0o644): Promise<FileHandle> {
  const parts = components(runDir, rel);
  const name = parts.pop();
  if (!name) throw new Error(`run-fs: ${rel} names no file`);
  const dir = (flags & constants.O_CREAT) !== 0 ? await ensureRunDir(runDir, parts.join('/')) : await checkedDir(runDir, parts);
  const file = path.join(dir, name);
  try {
    return await open(file, flags | constants.O_NOFOLLOW, mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw linkRefusal(file);
    throw e;
  }
}

/** `runDir/<parts>` after checking that no component is a link (missing ones are left to `open` to report). */
async function checkedDir(runDir: string, parts: string[]): Promise<string> {
  let at = runDir;
  for (const part of parts) {
    at = path.join(at, part);
    const st = await lstat(at).catch(() => null);
    if (st?.isSymbolicLink()) throw linkRefusal(at);
  }
  return at;
}

/** Writes `content` to `runDir/rel` afresh (created or truncated, folders made), never through a link. */
export async function writeInRun(runDir: string, rel: string, content: string | Uint8Array): Promise<void> {
  const fh = await openInRun(runDir, rel, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC);
  try {
    await fh.writeFile(content);
  } finally {
    await fh.close();
  }
}

/**
 * Appends `content` (whole JSON lines, each ending in "\n") to the JSONL file `runDir/rel` (created
 * when missing), never through a link; fsynced when `sync`. A torn last line (no "\n" after it: a
 * write cut short by ENOSPC, kill -9 or power loss) is cut first, or completed when it is whole JSON
 * (`cutTornTail`), so `content` starts on a line of its own instead of fusing with it into one
 * invalid line in the middle of the file. Cut text is lost: a record in it was never readable
 * (readers skip a torn last line).
 */
export async function appendInRun(runDir: string, rel: string, content: string, sync = false): Promise<void> {
  const fh = await openInRun(runDir, rel, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND);
  try {
    await cutTornTail(fh);
    await fh.writeFile(content); // every byte, or the error (a full disk cuts a single write() short without one)
    if (sync) await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Ends the file open as `fh` (readable and writable) on a newline: a last line without one is a
 * write cut short. When that line is whole JSON (cut just before its newline: readers already take
 * it as a record) a newline is added ('completed'); else it is truncated after the last newline, to
 * 0 bytes when there is none ('cut': the text is lost, a record in it was never readable). Reads
 * only the tail, backwards in 64 KiB blocks (one 1-byte read when the file ends on a newline).
 * @returns false when the file is empty or ends on a newline (nothing done), else what was done.
 */
export async function cutTornTail(fh: FileHandle): Promise<false | 'cut' | 'completed'> {
  const { size } = await fh.stat();
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  await fh.read(last, 0, 1, size - 1);
  if (last[0] === 0x0a) return false;
  const buf = Buffer.alloc(64 * 1024);
  let end = size;
  let keep = 0;
  while (end > 0) {
    const start = Math.max(0, end - buf.length);
    const { bytesRead } = await fh.read(buf, 0, end - start, start);
    const nl = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (nl >= 0) {
      keep = start + nl + 1;
      break;
    }
    end = start;
  }
  const tail = Buffer.alloc(size - keep);
  await fh.read(tail, 0, tail.length, keep);
  if (isJson(tail.toString('utf8'))) {
    await fh.write('\n', size);
    return 'completed';
  }
  await fh.truncate(keep);
  return 'cut';
}

/** Whether `text` parses as JSON. */
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * {@link cutTornTail} of `runDir/rel` (opened never through a link); false when the file does not exist.
 * @returns what `cutTornTail` did.
 */
export async function cutTornLine(runDir: string, rel: string): Promise<false | 'cut' | 'completed'> {
  const fh = await openInRun(runDir, rel, constants.O_RDWR).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (!fh) return false;
  try {
    return await cutTornTail(fh);
  } finally {
    await fh.close();
  }
}

/**
 * Refuses a run folder holding a symbolic link anywhere below it (its files and folders, walked
 * without following links). The folder itself may be reached through a link.
 * @throws UserInputError naming the first link found.
 */
export async function assertNoLinks(runDir: string): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isSymbolicLink()) throw linkRefusal(p);
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(runDir);
}

/**
 * Copies the tree `from` into `to` (a merge of shards' logs): folders are made real, files are
 * created exclusively (O_EXCL|O_NOFOLLOW), links are refused, nothing is dereferenced. With
 * `o.fsync`, each file copied whose name it accepts is fsynced before it is closed, and each folder
 * copied into is fsynced after (ledgers: billed calls).
 * @throws UserInputError for a link in `from`, or a file that already exists in `to` (named).
 */
export async function copyTreeNoFollow(from: string, to: string, o: { fsync?: (name: string) => boolean } = {}): Promise<void> {
  const fromSt = await lstat(from);
  if (fromSt.isSymbolicLink()) throw linkRefusal(from);
  if (!fromSt.isDirectory()) throw new UserInputError(`${from}: expected a folder`, { where: from });
  const toSt = await lstat(to).catch(() => null);
  if (toSt?.isSymbolicLink()) throw linkRefusal(to);
  if (!toSt) await mkdir(to);
  for (const e of await readdir(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isSymbolicLink()) throw linkRefusal(src);
    if (e.isDirectory()) {
      await copyTreeNoFollow(src, dst, o);
      continue;
    }
    if (!e.isFile()) throw new UserInputError(`${src}: not a regular file or folder; a run folder holds only those`, { where: src });
    const inp = await open(src, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const out = await open(dst, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST') throw new UserInputError(`${dst}: already exists; two runs hold the same attempt's file`, { where: dst });
        throw err;
      });
      try {
        await out.writeFile(await inp.readFile());
        if (o.fsync?.(e.name)) await out.sync();
      } finally {
        await out.close();
      }
    } finally {
      await inp.close();
    }
  }
  if (o.fsync) await syncDir(to);
}

/** fsyncs the folder `dir` (its entries: files made or renamed in it). */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
