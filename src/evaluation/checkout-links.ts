// Symbolic links already in a checkout (committed in the task's repository, or made by setup),
// as a patch meets them (DESIGN.md §11 rule 2): an entry whose path runs through one is dropped
// before any application strategy sees it (GNU patch, the last one, follows such a link: a link
// `lib/t -> ../test` would let `lib/t/zz-helper.js` plant a file in test/), and the resolution of a
// checkout path through its links, never following one out of the checkout (`resolveInCheckout`).
import { lstat, readlink, realpath } from 'node:fs/promises';
import { isAbsolute, join, posix, relative } from 'node:path';
import { entryPaths, isSymlinkModeLine, parseGitMode, splitEntries, symlinkPath, symlinkTarget, type SafePatch } from './unsafe-entries.ts';

/** Links followed while resolving one path before giving up (Linux's own limit, `MAXSYMLINKS`). */
const MAX_LINK_HOPS = 40;

/** lstat errors caused by the path itself (named by a model's patch), read as "nothing there", never as an infrastructure error. */
export const PATH_ERRORS: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP', 'EINVAL']);

/** Where a repository-relative path leads in a checkout once its symbolic links are followed. */
export interface Resolved {
  /** False when a link leads out of the checkout (or the chain is too long to follow). */
  inside: boolean;
  /** The physical repository-relative path (`/`-separated, '' = the root); null when not inside. */
  rel: string | null;
  /** The links met on the way, in order (repository-relative paths as they were met). */
  links: string[];
}

/**
 * Resolves `rel` (repository-relative, `/`-separated) in the checkout at `root` the way the kernel
 * would, one component at a time with `lstat` and `readlink` (a link is read, never opened or
 * written through): a relative link target continues from the link's folder, `..` from the
 * physical folder reached; an absolute target counts as inside only when it names `root` (or its
 * real path) or a path under it. A component that does not exist ends the reading (the rest is taken as written).
 * Never throws for a missing path or one the file system refuses by its shape (`PATH_ERRORS`: too
 * long, a loop; nothing can be there, and the path is the patch's doing); rethrows other errors.
 */
export async function resolveInCheckout(root: string, rel: string): Promise<Resolved> {
  const cur: string[] = [];
  const links: string[] = [];
  const queue = rel.split('/');
  let exists = true;
  while (queue.length) {
    const c = queue.shift()!;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (!cur.length) return { inside: false, rel: null, links };
      cur.pop();
      continue;
    }
    if (!exists) {
      cur.push(c);
      continue;
    }
    const path = [...cur, c].join('/');
    const st = await lstat(join(root, path)).catch((err: NodeJS.ErrnoException) => {
      if (PATH_ERRORS.has(err.code ?? '')) return null; // the path's own shape: nothing can be there
      throw err;
    });
    if (!st?.isSymbolicLink()) {
      exists = st !== null && st.isDirectory();
      cur.push(c);
      continue;
    }
    links.push(path);
    if (links.length > MAX_LINK_HOPS) return { inside: false, rel: null, links };
    const target = await readlink(join(root, path));
    if (isAbsolute(target)) {
      // The checkout as named, or by its real path (a link above it, e.g. /tmp on some systems).
      const roots = [root, await realpath(root).catch(() => root)];
      const back = roots.map((r) => relative(r, target)).find((b) => !(b === '..' || b.startsWith('../') || isAbsolute(b)));
      if (back === undefined) return { inside: false, rel: null, links };
      cur.length = 0;
      queue.unshift(...back.split('/'));
    } else queue.unshift(...target.split('/'));
  }
  return { inside: true, rel: cur.join('/'), links };
}

/**
 * Drops every file entry of `patch` (after `dropUnsafeEntries`) that meets a symbolic link of the
 * checkout at `root` as it is now (before the patch is applied):
 * - a path the entry names (any header: `diff --git`, `---`/`+++`, rename/copy) with a link
 *   among its folders: GNU patch would follow it (git apply refuses such a path), to wherever the
 *   link points: a protected folder, another link, or out of the checkout;
 * - a path that is itself a link, changed by an entry that is not a symlink entry (a text change
 *   written through the link), or made by a creation entry that no earlier entry of the patch
 *   deletes (a symlink deletion then a file creation is how git writes "link became a file");
 * - a symlink the entry makes whose target (from the link's folder) meets a link of the checkout.
 * Folders are read with `lstat` only, never followed. Kept entries are unchanged byte for byte;
 * notes and count as `dropUnsafeEntries` gives them. Throws only on a file-system error other
 * than a missing path.
 */
export async function dropEntriesThroughCheckoutLinks(root: string, patch: string): Promise<SafePatch> {
  const kept: string[] = [];
  const notes: string[] = [];
  const isLink = memo(async (rel: string) => (await lstat(join(root, rel)).catch(() => null))?.isSymbolicLink() ?? false);
  const deleted = new Set<string>();
  for (const entry of splitEntries(patch)) {
    const why = await checkoutLinkReason(entry, isLink, deleted);
    if (why === null) kept.push(entry);
    else notes.push(`dropped the change to ${JSON.stringify(why.path)}: ${why.reason}`);
    for (const p of deletedPaths(entry)) deleted.add(p);
  }
  return { patch: kept.join(''), unsafeEntriesDropped: notes.length, notes };
}

async function checkoutLinkReason(entry: string, isLink: (rel: string) => Promise<boolean>, deletedBefore: ReadonlySet<string>): Promise<{ path: string; reason: string } | null> {
  const lines = head(entry);
  const symlinkEntry = lines.some((l) => isSymlinkModeLine(l) || oldLinkMode(l));
  const creates = lines.some((l) => l.startsWith('new file mode') || /^--- \/dev\/null(?:\t|$)/.test(l));
  for (const p of entryPaths(entry)) {
    const through = await linkAmong(p.split('/').slice(0, -1), isLink);
    if (through !== null) return { path: p, reason: `its path runs through ${JSON.stringify(through)}, a symlink in the checkout` };
    if (!(await isLink(p))) continue;
    if (creates ? !deletedBefore.has(p) : !symlinkEntry) return { path: p, reason: 'it is a symlink in the checkout; the change would be written through it' };
  }
  const link = symlinkEntry ? symlinkPath(entry) : null;
  const target = link === null ? null : symlinkTarget(entry.split('\n').map((l) => l.replace(/\r$/, '')));
  if (link !== null && target !== null && !target.startsWith('/')) {
    const to = posix.normalize(posix.join(posix.dirname(link), target));
    const through = to.startsWith('../') || to === '..' ? null : await linkAmong(to.split('/'), isLink);
    if (through !== null) return { path: link, reason: `a symlink whose target ${JSON.stringify(target)} runs through ${JSON.stringify(through)}, a symlink in the checkout` };
  }
  return null;
}

/** The first of the paths `parts[0]`, `parts[0]/parts[1]`, … that is a symlink in the checkout, or null. */
async function linkAmong(parts: string[], isLink: (rel: string) => Promise<boolean>): Promise<string | null> {
  for (let i = 1; i <= parts.length; i++) {
    const p = parts.slice(0, i).join('/');
    if (p === '' || p === '.') continue;
    if (await isLink(p)) return p;
  }
  return null;
}

/** True when `line` says the entry's old side is a symlink (`deleted file mode 120000`, `old mode 120000`). */
function oldLinkMode(line: string): boolean {
  const m = /^(?:deleted file mode |old mode )(.*)$/.exec(line);
  const mode = m ? parseGitMode(m[1]!) : null;
  return mode !== null && (mode & 0o170000n) === 0o120000n;
}

/** The header lines of an entry (up to its first hunk), `\r` removed. */
function head(entry: string): string[] {
  const lines = entry.split('\n').map((l) => l.replace(/\r$/, ''));
  const at = lines.findIndex((l) => l.startsWith('@@ '));
  return at < 0 ? lines : lines.slice(0, at);
}

/** The paths an entry deletes (`deleted file mode`, or `+++ /dev/null`): its old path. */
function deletedPaths(entry: string): string[] {
  const lines = head(entry);
  if (!lines.some((l) => l.startsWith('deleted file mode') || /^\+\+\+ \/dev\/null(?:\t|$)/.test(l))) return [];
  return entryPaths(entry);
}

function memo<T>(f: (k: string) => Promise<T>): (k: string) => Promise<T> {
  const m = new Map<string, Promise<T>>();
  return (k) => {
    let v = m.get(k);
    if (!v) m.set(k, (v = f(k)));
    return v;
  };
}
