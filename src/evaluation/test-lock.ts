// The test run's evidence held still (DESIGN.md §11 rule 3; atk-repro/9 of round 10): the code under
// test runs with the test files already restored, so it could rewrite one before the runner loads it
// (a `return;` atop the FAIL_TO_PASS tests). Every file that decides what the run reports is locked:
// an isolating sandbox binds it read-only (ExecOptions.lockedPaths, src/sandbox/locked-binds.ts),
// and on every sandbox its bytes are hashed before and after the run, its inode's identity and times
// compared (a rewrite whose bytes and mtime are restored still moves ctime: atkZ10 3): a difference
// is `tampered`.
import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { readNoFollow } from './nofollow-fs.ts';
import { listTree, plantedPaths, type TreeListing } from './planted-files.ts';
import type { Protection } from './protected-files.ts';
import { inVendoredRunner } from './python-shadow.ts';

/** Most files locked (hashed around the run; bwrap binds the first one by one, the rest through their folders: src/sandbox/locked-binds.ts). */
export const MAX_LOCKED_FILES = 5000;

/** Folders of installed code: protected (runner rule) but never locked, for their size. */
const INSTALLED = /(^|\/)(node_modules|vendor|third_party|\.yarn)(\/|$)/;

/**
 * The repository-relative files to lock for one graded run, most important first, at most
 * {@link MAX_LOCKED_FILES}: fixbench's own files in the workspace (`own`: the runner's report helpers),
 * the files test.patch touches (the canaries' hosts among them), then every other regular file of
 * the base tree the protected rule covers (test files, runner configurations, `protected_files.add`;
 * not installed code: node_modules, vendor, third_party, .yarn), sorted. Past the cap the base
 * tree's later files are left out (a huge repository: test.patch's files and fixbench's stay locked).
 * A runner vendored in a PYTHONPATH folder is left to {@link evidence}'s fingerprints.
 */
export function lockedTestPaths(p: Pick<Protection, 'rule' | 'base' | 'testPatchPaths'> & { python?: Pick<Protection['python'], 'pathDirs'> }, own: readonly string[]): string[] {
  const out = new Set<string>([...own, ...p.testPatchPaths]);
  const rest: string[] = [];
  for (const [path, entry] of p.base) {
    if (out.has(path) || (entry.mode !== '100644' && entry.mode !== '100755') || INSTALLED.test(path)) continue;
    if (p.python && inVendoredRunner(path, p.python.pathDirs)) continue; // fingerprinted only: evidence()
    const why = p.rule.reason(path);
    if (why === 'test' || why === 'runner' || why === 'task') rest.push(path);
  }
  for (const path of rest.sort()) out.add(path);
  return [...out].slice(0, MAX_LOCKED_FILES);
}

/**
 * Each path's state: for a regular file `sha256:<hex> <dev>:<ino>:<size>:<mtime_ns>:<ctime_ns>` (its bytes,
 * read without following a link, and its lstat taken on the host: code cannot set ctime, so a
 * rewrite shows even when the bytes and mtime are put back), `absent`, or `not a file`.
 */
export type Fingerprints = Map<string, string>;

/** Fingerprints of `paths` in workspace `dir`. Never throws for the workspace's content. */
export async function fingerprint(dir: string, paths: readonly string[]): Promise<Fingerprints> {
  const out: Fingerprints = new Map();
  for (const path of paths) {
    const st = await lstat(join(dir, path), { bigint: true }).catch(() => null);
    if (!st) out.set(path, 'absent');
    else if (!st.isFile()) out.set(path, 'not a file');
    else {
      try {
        const hash = createHash('sha256').update(await readNoFollow(dir, path)).digest('hex');
        out.set(path, `sha256:${hash} ${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`);
      } catch (err) {
        out.set(path, `unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
  }
  return out;
}

/**
 * Why the run's evidence did not hold (`tampered`'s error), or null: the locked files whose
 * fingerprint after the run differs from before it (at most 5 named).
 */
export function evidenceMoved(before: Fingerprints, after: Fingerprints): string | null {
  const moved = [...before].filter(([path, fp]) => after.get(path) !== fp).map(([path]) => path);
  if (!moved.length) return null;
  const named = moved.slice(0, 5).join(', ') + (moved.length > 5 ? `, … (${moved.length} in all)` : '');
  return `the test run changed ${moved.length} locked file(s) (test files, runner configurations or fixbench's report helpers, fixed before the run): ${named}`;
}

/** What a run's evidence is checked against: the locked files' fingerprints and the workspace's listing (planted-files.ts). */
export interface Evidence {
  files: Fingerprints;
  tree: TreeListing;
}

/**
 * The locked files' {@link fingerprint}s (with those of a runner vendored in a PYTHONPATH folder
 * when `p` is given: protected, not bound) and the workspace's listing, taken on the host before
 * or after the run.
 */
export async function evidence(dir: string, locked: readonly string[], p?: Pick<Protection, 'base' | 'python'>): Promise<Evidence> {
  const regular = (mode: string) => mode === '100644' || mode === '100755';
  const vendored = p ? [...p.base].filter(([path, e]) => regular(e.mode) && inVendoredRunner(path, p.python.pathDirs)).map(([path]) => path) : [];
  const paths = [...locked, ...vendored.sort()].slice(0, MAX_LOCKED_FILES);
  return { files: await fingerprint(dir, paths), tree: await listTree(dir) };
}

/**
 * Why the run's evidence did not hold (`tampered`'s error), or null: locked files that moved
 * ({@link evidenceMoved}) and protected files the run created (planted-files.ts, at most 5 named).
 */
export function evidenceChanged(before: Evidence, after: Evidence, p: Pick<Protection, 'rule' | 'python'>): string | null {
  const planted = plantedPaths(before.tree, after.tree, p.rule, p.python);
  const named = planted.slice(0, 5).join(', ') + (planted.length > 5 ? `, … (${planted.length} in all)` : '');
  const why = [
    evidenceMoved(before.files, after.files),
    planted.length ? `the test run created ${planted.length} protected file(s) that were not there before it (test files, conftest.py, runner configurations or modules named like the standard library or the runner): ${named}` : null,
  ].filter((x) => x !== null);
  return why.length ? why.join('; ') : null;
}

