// The copy of a checkout template into a fresh workspace (checkout.ts): one `cp` process forked by
// fixbench's spawn helper where GNU cp is there, else file-system calls on libuv's pool.
import { constants } from 'node:fs';
import { copyFile, mkdir, readdir, readlink, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { helperSpawn } from '../sandbox/spawn-client.ts';

/**
 * A real copy of the tree `from` at `to` (which must not exist): folders, files with their mode
 * (copy-on-write clones where the file system has them), symlinks as they are. Never hard links (a
 * sandboxed command could write through one into the cache) and never through a link. `from` is a
 * checkout template fixbench made (trusted, never changed once renamed into place).
 *
 * On Linux one `cp -R -P --preserve=mode --reflink=auto` per copy, forked by the spawn helper's
 * `git` lane (fixbench's own host commands): 64 workspaces made at once otherwise put ~50 calls
 * each on libuv's four threads, where the ledger's fsyncs and the attempts' own folders queue behind
 * them (bench/RESULTS.md, "io8b"). A `cp` that fails (not GNU, missing) is not used again in this
 * process: the partial copy is removed and the tree copied by file-system calls (`copyByCalls`).
 * @throws the file-system error of the fallback copy.
 */
export async function copyTree(from: string, to: string): Promise<void> {
  if (cpUsable && process.platform === 'linux') {
    try {
      return await copyByCp(from, to);
    } catch {
      cpUsable = false;
      await rm(to, { recursive: true, force: true });
    }
  }
  return copyByCalls(from, to);
}

/** False once a `cp` failed in this process. */
let cpUsable = true;

/** `cp -R -P --preserve=mode --reflink=auto -- from to` through the spawn helper, with a minimal environment. Rejects with cp's stderr on a non-zero exit. */
function copyByCp(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    helperSpawn(
      { file: 'cp', args: ['-R', '-P', '--preserve=mode', '--reflink=auto', '--', from, to], cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' }, statusFd: false },
      {
        started() {},
        data(fd, chunk) {
          if (fd === 2 && stderr.length < 4096) stderr += chunk.toString('utf8');
        },
        closed(code, signal) {
          if (code === 0) resolve();
          else reject(new Error(`cp ${from} ${to}: ${stderr.trim() || `exit ${code ?? signal}`}`));
        },
        failed: reject,
      },
      'git',
    );
  });
}

/**
 * The same copy by file-system calls. Written by hand because `fs.cp` spends 3–4× as long on its
 * per-entry checks (bench/RESULTS.md, "checkout"). The template's listing is read once per process
 * (`templateListing`); each copy then makes the folders, parents first, and copies the files and
 * symlinks all at once: no `readdir` per folder per workspace.
 */
export async function copyByCalls(from: string, to: string): Promise<void> {
  const listing = await templateListing(from);
  await mkdir(to);
  for (const level of listing.dirs) await Promise.all(level.map((d) => mkdir(join(to, d))));
  await Promise.all([
    ...listing.files.map((f) => copyFile(join(from, f), join(to, f), constants.COPYFILE_FICLONE)),
    ...listing.links.map((l) => symlink(l.target, join(to, l.path))),
  ]);
}

/** A tree's entries, paths relative to its root: folders by depth (level 0 = the root's children), files, symlinks with their targets. */
export interface TreeListing {
  dirs: string[][];
  files: string[];
  links: Array<{ path: string; target: string }>;
}

/** Listings of checkout templates by path, read once per process (a failed read is not kept), with the folder's identity when read. */
const listings = new Map<string, { id: string; listing: Promise<TreeListing> }>();

/**
 * The listing of the template `from` (`listTree`), cached: templates are immutable once in place.
 * One `stat` per copy checks it is still the same folder (inode and change time): a template
 * removed and made again (the cache cleared) is listed again.
 */
async function templateListing(from: string): Promise<TreeListing> {
  const st = await stat(from, { bigint: true });
  const id = `${st.ino}:${st.ctimeNs}`;
  let cached = listings.get(from);
  if (cached?.id !== id) {
    cached = { id, listing: listTree(from) };
    listings.set(from, cached);
    const mine = cached;
    mine.listing.catch(() => listings.get(from) === mine && listings.delete(from));
  }
  return cached.listing;
}

/** Lists the tree at `root` (folders, regular files, symlinks; other entry types are skipped, as the copy always did). @throws the file-system error. */
export async function listTree(root: string): Promise<TreeListing> {
  const out: TreeListing = { dirs: [], files: [], links: [] };
  let level = [''];
  while (level.length) {
    const next: string[] = [];
    await Promise.all(
      level.map(async (rel) => {
        for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
          const p = rel ? join(rel, e.name) : e.name;
          if (e.isDirectory()) next.push(p);
          else if (e.isSymbolicLink()) out.links.push({ path: p, target: await readlink(join(root, p)) });
          else if (e.isFile()) out.files.push(p);
        }
      }),
    );
    if (next.length) out.dirs.push(next);
    level = next;
  }
  return out;
}
