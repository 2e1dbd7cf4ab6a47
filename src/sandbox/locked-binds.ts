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
 * so past this the later paths are left unbound (the caller's hashes still cover them).
 */
export const MAX_LOCKED_MOUNTS = 256;

/**
 * bwrap arguments that lock `paths` (relative to `workspace`, a real path already bound
 * read-write): `--bind d d` for every folder above a locked path (shallow first), then
 * `--ro-bind f f` per path. A path is skipped when it is unsafe (absolute, empty component, `..`),
 * absent, not a regular file or folder, or reached through a symbolic link (a link is never bound:
 * its target could lie outside the workspace). In the given order (most important first) while
 * the mounts stay within {@link MAX_LOCKED_MOUNTS}; the rest are left out. Returns [] for no path.
 */
export function lockedBindArgs(workspace: string, paths: readonly string[]): string[] {
  const dirs = new Set<string>();
  const leaves: string[] = [];
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
    const above = parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
    if (!above.every(realDir)) continue;
    const k = kind(join(workspace, p));
    if (k !== 'file' && k !== 'dir') continue;
    const added = above.filter((a) => !dirs.has(a)).length + 1;
    if (dirs.size + leaves.length + added > MAX_LOCKED_MOUNTS) continue;
    for (const a of above) dirs.add(a);
    leaves.push(p);
  }
  const depth = (p: string) => p.split('/').length;
  const leafSet = new Set(leaves);
  const binds = [...[...dirs].filter((d) => !leafSet.has(d)).map((p) => ['--bind', p] as const), ...leaves.map((p) => ['--ro-bind', p] as const)];
  // Shallow to deep: a later bind of a folder would hide the binds made inside it.
  binds.sort(([, a], [, b]) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
  const args: string[] = [];
  for (const [flag, p] of binds) args.push(flag, join(workspace, p), join(workspace, p));
  return args;
}

function kind(abs: string): 'file' | 'dir' | 'other' | null {
  try {
    const st = lstatSync(abs);
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
  } catch {
    return null;
  }
}
