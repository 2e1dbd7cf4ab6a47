// Read-only binds inside a read-write workspace (DESIGN.md §11): the files a test run's evidence
// rests on (its test files, runner configurations, fixbench's report helpers) cannot be changed by
// the code under test while it runs. bwrap applies binds in order, so these come after the
// workspace's `--bind`: each folder above a locked file is bound onto itself first (read-write, but
// a mount point cannot be renamed or removed: EBUSY), then the file read-only (EROFS on any write,
// EBUSY on rename or unlink). Pure apart from `lstat`: nothing is followed.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Most mounts (locked paths and the folders above them) in one container: bwrap's set-up time grows
 * with the square of its binds (about 0.2 s for 200, 0.6 s for 400, 7 s for 2000 on a 2-core host),
 * so past this the later paths are covered by their folders instead (see {@link lockedBindArgs}).
 */
export const MAX_LOCKED_MOUNTS = 256;

/**
 * bwrap arguments that lock `paths` (relative to `workspace`, a real path already bound
 * read-write): `--bind d d` for every folder above a locked path, `--ro-bind f f` per path, all
 * shallow first (bwrap mounts in order, and a later folder mount would hide the mounts made inside
 * it). A path is skipped when it is unsafe (absolute, empty component, `..`), absent, not a regular
 * file or folder, or reached through a symbolic link (a link is never bound: its target could lie
 * outside the workspace). The paths are bound one by one in the given order (most important first)
 * while the mounts stay within {@link MAX_LOCKED_MOUNTS}; the rest (atkG10 #3: hashing alone misses a
 * rewrite restored before the run ends) are covered by binding their folders read-only (deduplicated:
 * a folder inside another is not bound again, nor are the files and folders already bound inside
 * it), or, when that still exceeds the cap, their top-level folders. A path left over at the
 * workspace's top level, or past even that, stays unbound (the caller's hashes still cover it).
 * Returns [] for no path.
 */
export function lockedBindArgs(workspace: string, paths: readonly string[]): string[] {
  const dirs = new Set<string>();
  const leaves: string[] = [];
  const overflow: string[] = [];
  const checked = new Map<string, boolean>();
  const realDir = (rel: string): boolean => {
    let ok = checked.get(rel);
    if (ok === undefined) {
      ok = kind(join(workspace, rel)) === 'dir';
      checked.set(rel, ok);
    }
    return ok;
  };
  for (const p of paths) {
    const parts = p.split('/');
    if (p.startsWith('/') || parts.some((c) => c === '' || c === '.' || c === '..')) continue;
    const above = ancestors(p);
    if (!above.every(realDir)) continue;
    const k = kind(join(workspace, p));
    if (k !== 'file' && k !== 'dir') continue;
    const added = above.filter((a) => !dirs.has(a)).length + 1;
    if (dirs.size + leaves.length + added > MAX_LOCKED_MOUNTS) {
      overflow.push(p);
      continue;
    }
    for (const a of above) dirs.add(a);
    leaves.push(p);
  }
  let plan = { dirs, leaves, roDirs: [] as string[] };
  if (overflow.length) {
    const parents = overflow.map((p) => p.split('/').slice(0, -1).join('/')).filter((d) => d !== '');
    for (const cover of [parents, parents.map((d) => d.split('/')[0]!)]) {
      const next = withFolders(dirs, leaves, cover);
      if (next.dirs.size + next.leaves.length + next.roDirs.length > MAX_LOCKED_MOUNTS) continue;
      plan = next;
      break;
    }
  }
  const depth = (p: string) => p.split('/').length;
  const binds = [
    ...[...plan.dirs].filter((d) => !plan.leaves.includes(d)).map((p) => ['--bind', p] as const),
    ...[...plan.leaves, ...plan.roDirs].map((p) => ['--ro-bind', p] as const),
  ];
  binds.sort(([, a], [, b]) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
  const args: string[] = [];
  for (const [flag, p] of binds) args.push(flag, join(workspace, p), join(workspace, p));
  return args;
}

/** The folders strictly above relative path `p`, shallow first (`a/b/c` → `a`, `a/b`). */
function ancestors(p: string): string[] {
  const parts = p.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * The mounts when folders `cover` (already checked real folders: the parents of checked paths) are
 * bound read-only besides `dirs` and `leaves`: only the outermost of `cover` are kept, the folders
 * above them join `dirs`, and every folder or leaf at or inside a kept one is dropped (a read-write
 * bind inside it would make that part writable again). `dirs` never holds a leaf.
 */
function withFolders(dirs: ReadonlySet<string>, leaves: readonly string[], cover: readonly string[]): { dirs: Set<string>; leaves: string[]; roDirs: string[] } {
  const unique = [...new Set(cover)].sort();
  const roDirs = unique.filter((d) => !unique.some((o) => d.startsWith(`${o}/`)));
  const covered = (p: string) => roDirs.some((r) => p === r || p.startsWith(`${r}/`));
  const out = new Set([...dirs, ...roDirs.flatMap(ancestors)].filter((d) => !covered(d)));
  return { dirs: out, leaves: leaves.filter((l) => !covered(l)), roDirs };
}

function kind(abs: string): 'file' | 'dir' | 'other' | null {
  try {
    const st = lstatSync(abs);
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
  } catch {
    return null;
  }
}
