// Reading and copying folders someone else published (SWE-bench task folders) without following
// or keeping symbolic links (DESIGN.md §11): a link such as `problem_statement.md -> ~/.env` would
// put host files into a task, whose texts are sent to the model. Only regular files and real
// folders are read or copied; anything else is refused by name.
import { constants, lstat, mkdir, open, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Why `file` (absolute) is refused: it is a symbolic link, or not a regular file / folder. */
function refusal(file: string, what: 'file' | 'entry', isLink: boolean): string {
  return isLink
    ? `${file}: is a symbolic link; fixbench reads no links in a published task folder (one could put host files into the task); replace it with the ${what === 'file' ? 'file' : 'file or folder'} itself`
    : `${file}: is not a regular ${what === 'file' ? 'file' : 'file or folder'}; replace it with one`;
}

/**
 * Reads `file` as UTF-8 if it is a regular file, never following a link (lstat, then open with
 * O_NOFOLLOW|O_NONBLOCK and fstat, so a swap in between is caught). Returns `{ text }`, null when
 * nothing is there, or `{ problem }` naming the file when it is a link or not a regular file.
 */
export async function readRegularFile(file: string): Promise<{ text: string } | { problem: string } | null> {
  const r = await readRegularBytes(file);
  return r && 'bytes' in r ? { text: r.bytes.toString('utf8') } : r;
}

/** `readRegularFile`'s bytes: `{ bytes }`, null when nothing is there, or `{ problem }`. */
export async function readRegularBytes(file: string): Promise<{ bytes: Buffer } | { problem: string } | null> {
  const st = await lstat(file).catch(() => null);
  if (!st) return null;
  if (!st.isFile()) return { problem: refusal(file, 'file', st.isSymbolicLink()) };
  let fh;
  try {
    fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    return { problem: (e as NodeJS.ErrnoException).code === 'ELOOP' ? refusal(file, 'file', true) : `${file}: cannot be read (${(e as Error).message})` };
  }
  try {
    if (!(await fh.stat()).isFile()) return { problem: refusal(file, 'file', false) };
    return { bytes: await fh.readFile() };
  } finally {
    await fh.close();
  }
}

/** Every entry under `dir` (recursively, the folder itself included) that is a link or neither a regular file nor a folder: one problem each, naming it. */
export async function irregularEntries(dir: string): Promise<string[]> {
  const st = await lstat(dir).catch(() => null);
  if (!st) return [];
  if (st.isFile()) return [];
  if (!st.isDirectory()) return [refusal(dir, 'entry', st.isSymbolicLink())];
  const out: string[] = [];
  for (const e of (await readdir(dir)).sort()) out.push(...(await irregularEntries(path.join(dir, e))));
  return out;
}

/**
 * Copies `from` (a regular file or a real folder, recursively) to `to`, file by file: contents
 * read without following links (`readRegularFile`), folders made afresh. Throws, naming the
 * entry, at a link or any other kind of entry; call `irregularEntries` first to report them all.
 */
export async function copyRegular(from: string, to: string): Promise<void> {
  const st = await lstat(from);
  if (st.isDirectory()) {
    await mkdir(to, { recursive: true });
    for (const e of await readdir(from)) await copyRegular(path.join(from, e), path.join(to, e));
    return;
  }
  const r = await readRegularBytes(from);
  if (r === null || 'problem' in r) throw new Error(r?.problem ?? `${from}: vanished while it was copied`);
  const fh = await open(to, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, st.mode & 0o777);
  try {
    await fh.writeFile(r.bytes);
  } finally {
    await fh.close();
  }
}
