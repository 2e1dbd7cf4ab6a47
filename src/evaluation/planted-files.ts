// Files planted during the test run (DESIGN.md §11 rule 3; atkG10 round 10): locking holds the
// files that exist before the run, but code under test can create a new one the runner loads later
// in the same run — a `tests/sub/conftest.py` written before pytest collects `tests/sub/`, a
// `pprint.py` or `.pth` in a search folder. The workspace is listed before and after the run; a new
// path the protected rule covers that Python would load is `tampered`. Host side only `readdir`
// (no link is followed, no content is read).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { shadowsModule, initDirs, type PythonLayout } from './python-shadow.ts';
import type { ProtectedRule } from './protected-rule.ts';

/**
 * Most entries listed per walk (files, links and folders): past it the walk stops. A checkout that
 * large before the run is not checked; one that grows past it during the run is (the code under
 * test cannot hide a planted file behind a flood of others).
 */
export const MAX_TREE_ENTRIES = 200_000;

/**
 * Folder names never descended into: git's store, installed JavaScript (its size; a JavaScript
 * runner discovers its files before the code under test runs) and caches the run writes itself
 * (bytecode caches also go to a prefix folder under a locked run: src/sandbox/locked-python.ts).
 */
const SKIPPED = new Set(['.git', 'node_modules', '__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.hypothesis']);

/** A workspace listing: every path below the root (repository-relative), whether it stopped at {@link MAX_TREE_ENTRIES}. */
export interface TreeListing {
  paths: Set<string>;
  /** Folders listed (links to folders are paths, not folders). */
  dirs: Set<string>;
  complete: boolean;
}

/** Lists `dir` breadth first with `readdir(withFileTypes)`: links are entries, never followed. Unreadable folders are skipped. */
export async function listTree(dir: string, max = MAX_TREE_ENTRIES): Promise<TreeListing> {
  const paths = new Set<string>();
  const dirs = new Set<string>();
  let queue = [''];
  while (queue.length) {
    const next: string[] = [];
    for (const rel of queue) {
      const entries = await readdir(join(dir, rel), { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (paths.size >= max) return { paths, dirs, complete: false };
        const p = rel ? `${rel}/${e.name}` : e.name;
        paths.add(p);
        if (e.isDirectory() && !SKIPPED.has(e.name)) {
          dirs.add(p);
          next.push(p);
        }
      }
    }
    queue = next;
  }
  return { paths, dirs, complete: true };
}

/** What {@link plantedPaths} names when the run grew the checkout past {@link MAX_TREE_ENTRIES} entries. */
export const FLOODED = `(more than ${MAX_TREE_ENTRIES} entries after the run: its new files cannot all be checked)`;

/** A file Python imports as a module: source, bytecode, an extension. */
const PYTHON_MODULE = /\.(py|pyc|so|pyd)$/;
/** Python files and the runner's configuration: what a run can load after it starts. */
const LOADABLE = /(\.(py|pyc|pth|so|pyd)|^(pytest|\.pytest|tox)\.ini|^\.?pytest\.toml)$/;
/** pytest's default test file names, conftest.py and its configuration files. */
const PYTEST_FILE = /^((test_.*|.*_test|conftest)\.py|(pytest|\.pytest|tox)\.ini|\.?pytest\.toml)$/;

/**
 * The paths the run created that a later part of it could load as runner code, sorted: new since
 * `before` and either a module that shadows the standard library or the runner
 * ({@link shadowsModule}, with the folders holding an `__init__.py` before or after the run), or a
 * Python file or pytest configuration the rule protects (for reason `test`, only pytest's test
 * file names, conftest.py and its configurations: an honest test may write data files into its folder). Empty when
 * the listing before the run is incomplete; {@link FLOODED} alone when only the one after it is.
 */
export function plantedPaths(before: TreeListing, after: TreeListing, rule: ProtectedRule, python: PythonLayout): string[] {
  if (!before.complete) return [];
  if (!after.complete) return [FLOODED];
  const added = [...after.paths].filter((p) => !before.paths.has(p));
  if (!added.length) return [];
  const initBefore = initDirs(before.paths);
  const layout: PythonLayout = {
    ...python,
    inBase: (p) => before.paths.has(p),
    initBase: initBefore,
    initAfter: new Set([...initBefore, ...initDirs(after.paths)]),
    baseDirs: before.dirs,
  };
  const out: string[] = [];
  for (const p of added) {
    const name = p.slice(p.lastIndexOf('/') + 1);
    // only what Python loads as a module (a package through its new __init__.py): a new folder (coverage/, html/) is a namespace at most, never ahead of an installed module
    if (PYTHON_MODULE.test(name) && shadowsModule(p, layout)) out.push(p);
    else if (LOADABLE.test(name)) {
      const why = rule.reason(p);
      if (why === 'runner' || why === 'task' || (why === 'test' && PYTEST_FILE.test(name))) out.push(p);
    }
  }
  return out.sort();
}
