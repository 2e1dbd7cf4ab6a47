// The one way report files (pages, the stylesheet, index.html, the manifests) are written and removed:
// inside a folder tree fixbench owns, never through a link (atkJ13 #3, atkK13 #3).
// - Every folder below the root the user named is checked with lstat from the root down, and made
//   when missing: a folder replaced by a symbolic link is refused with an error naming it.
// - Every file is written as a temporary file in its own folder, then renamed over its name: the
//   rename replaces a symbolic or hard link planted there; it never writes through one (an open with
//   O_NOFOLLOW stops only symbolic links, and only at the last component).
// - A file is removed only when its folder chain has no link (unlink removes a link, not its target).
// The checks and the writes are not one atomic step: a folder swapped for a link between them is
// not noticed (the report folder is the user's own, not written by a sandboxed process).
import { lstat, mkdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import { UserInputError } from './errors.ts';

/**
 * A folder tree fixbench writes report files into. `root` (made when missing) is the folder the
 * user named and may itself be a link; no folder below it may be. Folders found real are
 * remembered for the tree's life (a build), so each is checked once.
 */
export class OwnedTree {
  readonly root: string;
  #checked = new Map<string, Promise<void>>();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** `dir` (absolute or relative to the cwd) split into its parts below the root. @throws Error when `dir` is outside the root. */
  #parts(dir: string): string[] {
    const rel = path.relative(this.root, path.resolve(dir));
    if (rel === '') return [];
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${dir} is outside the report folder ${this.root}`);
    return rel.split(path.sep);
  }

  /**
   * Makes `dir` and each missing folder between it and the root; resolves once every one is a real
   * folder. @throws UserInputError naming the first folder (from the root down) that is a symbolic
   * link or not a folder, and how to fix it.
   */
  folder(dir: string): Promise<void> {
    const abs = path.resolve(dir);
    this.#parts(abs); // throws for a folder outside the root
    let p = this.#checked.get(abs);
    if (!p) {
      const parent = abs === this.root ? mkdir(this.root, { recursive: true }).then(() => undefined) : this.folder(path.dirname(abs));
      p = parent.then(() => (abs === this.root ? undefined : realFolder(abs, this.root)));
      this.#checked.set(abs, p);
      p.catch(() => this.#checked.delete(abs)); // a failed check is made again next time
    }
    return p;
  }

  /**
   * Writes `data` to `file` (a file below the root): its folders checked ({@link folder}), then a
   * temporary file beside it renamed over it. A link at `file` is replaced, its target untouched.
   * @throws UserInputError for a linked folder; the file-system error otherwise (the old file stays).
   */
  async write(file: string, data: string | Uint8Array): Promise<void> {
    await this.folder(path.dirname(path.resolve(file)));
    await writeFileAtomic(path.resolve(file), data, { fsync: false });
  }

  /** Whether every folder from the root down to `dir` is a real folder (false: a link, a file or missing on the way). Makes nothing. */
  async isOwnedFolder(dir: string): Promise<boolean> {
    let cur = this.root;
    for (const part of this.#parts(dir)) {
      cur = path.join(cur, part);
      if (!(await lstat(cur).then((s) => s.isDirectory(), () => false))) return false;
    }
    return true;
  }

  /**
   * Removes `file` when it is a regular file and its folder chain has no link. @returns whether it
   * removed it (false: absent, not a regular file, or behind a link — then nothing is removed).
   */
  async remove(file: string): Promise<boolean> {
    if (!(await this.isOwnedFolder(path.dirname(path.resolve(file))))) return false;
    if (!(await lstat(file).then((s) => s.isFile(), () => false))) return false;
    await rm(file);
    return true;
  }

  /**
   * Removes the folder `dir` (below the root) when it is empty and its chain has no link.
   * @returns whether it is gone (false: not empty, or behind a link). @throws other file-system errors.
   */
  async removeFolder(dir: string): Promise<boolean> {
    if (!(await lstat(dir).catch(() => null))) return true;
    if (!(await this.isOwnedFolder(dir))) return false;
    return rmdir(dir).then(() => {
      this.#checked.delete(path.resolve(dir));
      return true;
    }, (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOTEMPTY' || e.code === 'EEXIST') return false;
      throw e;
    });
  }
}

/** Makes `dir` when missing (its parent is real); resolves when it is a real folder. @throws UserInputError for a link or a file there. */
async function realFolder(dir: string, root: string): Promise<void> {
  let st = await lstat(dir).catch(() => null);
  if (!st) {
    await mkdir(dir).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
    st = await lstat(dir);
  }
  if (st.isDirectory()) return;
  const what = st.isSymbolicLink() ? 'a symbolic link' : 'not a folder';
  throw new UserInputError(
    `${dir} is ${what}: fixbench writes report files only into real folders below ${root}, never through a link\n  fix: remove ${dir} (a report folder is rebuilt whole) and build the report again, or pass --out <another folder>`,
    { where: dir, fix: `remove ${dir} and build the report again` },
  );
}

/**
 * JavaScript source (CommonJS, for a worker thread: src/report/page-writer.ts) defining
 * `writeByRenameSync(file, text)`: {@link OwnedTree.write}'s file step done synchronously. A name
 * where nothing is yet is created exclusively (O_EXCL: no link can be in the way) and written; over
 * anything already there, a temporary file beside `file` is created exclusively, then renamed over
 * it (removed when a step fails). The first saves a rename per page of a fresh build (11,000 for
 * the 20 × 500 × 3 bench). Its folders must have been checked with {@link OwnedTree.folder} first.
 */
export const WRITE_BY_RENAME_SYNC_JS = `
const { writeFileSync: __wf, renameSync: __rn, rmSync: __rm } = require('node:fs');
const { randomBytes: __rb } = require('node:crypto');
function writeByRenameSync(file, text) {
  try {
    __wf(file, text, { flag: 'wx' });
    return;
  } catch (e) {
    if (!e || e.code !== 'EEXIST') throw e;
  }
  const tmp = file + '.' + process.pid + '.' + __rb(6).toString('hex') + '.tmp';
  try {
    __wf(tmp, text, { flag: 'wx' });
    __rn(tmp, file);
  } catch (e) {
    try { __rm(tmp, { force: true }); } catch {}
    throw e;
  }
}
`;

