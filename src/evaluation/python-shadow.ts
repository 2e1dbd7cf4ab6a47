// Python module shadowing (DESIGN.md §11; atkG10 1, atkZ10 1–2): Python finds a top-level module in
// the folders of sys.path in order, and the checkout's come first — the working folder under
// `python -m pytest`, every PYTHONPATH entry, and any test folder pytest's rootdir insertion adds
// (the first folder above a test file without `__init__.py`). A module there named like the
// standard library or the runner (`pprint.py`, `json/__init__.py`, `pytest/`) replaces the real one
// in the test run: code that runs inside the runner, as a dropped conftest.py would. The protected
// rule (protected-rule.ts) counts such a module as a runner file. Pure: paths in, verdicts out.
import { PYTHON_STDLIB_MODULES } from './python-stdlib-names.ts';

/**
 * Top-level Python modules a Python test runner imports before any test (pytest and its start-up
 * dependencies, unittest, nose, coverage): protected in the folders the test command puts on
 * sys.path whether or not they are in the base tree (a vendored runner, atkZ10 2), and as new
 * modules in any folder that is not a package.
 */
export const PYTHON_RUNNER_MODULES = [
  'pytest', '_pytest', 'pluggy', 'iniconfig', 'py', 'packaging', 'exceptiongroup', 'tomli', 'colorama',
  'unittest', 'nose', 'nose2', 'coverage', 'xdist', 'execnet',
] as const;

const RUNNER = new Set<string>(PYTHON_RUNNER_MODULES);

/** What the rule knows of one workspace's Python layout. Folders are repository-relative, '' the root. */
export interface PythonLayout {
  /** Whether the path is in the base tree (only new modules named like the standard library are protected). */
  inBase(path: string): boolean;
  /** Folders holding an `__init__.py` at base_commit. */
  initBase: ReadonlySet<string>;
  /** Folders holding an `__init__.py` after the patch (or after the run). */
  initAfter: ReadonlySet<string>;
  /** Folders of the base tree (or before the run). */
  baseDirs: ReadonlySet<string>;
  /** Folders the test command names as search folders ({@link pythonPathDirs}); '' always. */
  pathDirs: ReadonlySet<string>;
}

/** A file name's top-level module: `x.py`, `x.pyc`, `x.so`, `x.<tag>.so`, `x.pyd`, `x.<tag>.pyd`, or a bare name (a folder, or a link to one); null otherwise. */
export function moduleName(entry: string): string | null {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.pyc?|(?:\.[^./]+)?\.(?:so|pyd))?$/.exec(entry);
  return m ? m[1]! : null;
}

/**
 * Whether `path` is (in) a module that shadows a standard-library or runner module: at some level,
 * folder D holds entry E, E is module X (`X.py`, `X.*.so`, a package `X/` whose `__init__.py` the
 * patch adds, or a bare name `X` that could be a link to a folder), X is a standard
 * library ({@link PYTHON_STDLIB_MODULES}) or runner module name, and either
 * - X is a runner module and D is one of `pathDirs` (base files too: a vendored runner), or
 * - the path is not in the base tree and D is a search folder: one of `pathDirs`, or a folder that
 *   is not a package — a package is a folder other than the root with an `__init__.py` after the
 *   patch and at base (or a folder new with the patch: nothing puts it on sys.path).
 * A namespace folder `X/` (no `__init__.py`) never shadows: Python takes a module found anywhere on
 * sys.path over a namespace portion. A package of the base tree is the repository's own (pytest's
 * `src/_pytest/`): new files in it are kept.
 */
export function shadowsModule(path: string, l: PythonLayout): boolean {
  const parts = path.split('/');
  const isNew = !l.inBase(path);
  for (let i = 0; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    const last = i === parts.length - 1;
    const name = last ? moduleName(parts[i]!) : /^[A-Za-z_][A-Za-z0-9_]*$/.test(parts[i]!) ? parts[i]! : null;
    if (name === null || (!RUNNER.has(name) && !PYTHON_STDLIB_MODULES.has(name))) continue;
    if (RUNNER.has(name) && l.pathDirs.has(dir)) return true;
    if (!isNew) continue;
    const sub = dir ? `${dir}/${name}` : name;
    if (!last && (l.initBase.has(sub) || !l.initAfter.has(sub))) continue; // not a new package
    if (searchFolder(dir, l)) return true;
  }
  return false;
}

/**
 * Whether `path` is in a runner module of a `pathDirs` folder other than the root (a vendored
 * runner, `pylib/_pytest/main.py` under `PYTHONPATH=pylib`): protected, but fingerprinted rather
 * than bound read-only for the run (test-lock.ts), as its size would take the test files' binds.
 */
export function inVendoredRunner(path: string, pathDirs: ReadonlySet<string>): boolean {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const name = i === parts.length - 1 ? moduleName(parts[i]!) : parts[i]!;
    if (name !== null && RUNNER.has(name) && pathDirs.has(parts.slice(0, i).join('/'))) return true;
  }
  return false;
}

/** Whether folder `dir` may be on sys.path: a `pathDirs` entry, or not a package. */
function searchFolder(dir: string, l: PythonLayout): boolean {
  if (l.pathDirs.has(dir)) return true;
  return !(l.initAfter.has(dir) && (l.initBase.has(dir) || !l.baseDirs.has(dir)));
}

/**
 * The folders `testCmd` puts first on sys.path, repository-relative ('' the root, always in):
 * every relative entry of a `PYTHONPATH=` assignment (`a:b`, quotes removed; entries with `$` or
 * absolute ones skipped) and every relative `cd <dir>` target. Best effort: folders it misses are
 * still covered for new modules when they are not packages.
 */
export function pythonPathDirs(testCmd: string): Set<string> {
  const out = new Set<string>(['']);
  const add = (raw: string): void => {
    const p = raw.replace(/^['"]|['"]$/g, '');
    if (p === '' || p.includes('$') || p.startsWith('/') || p.startsWith('~')) return;
    const parts = p.split('/').filter((c) => c !== '' && c !== '.');
    if (parts.some((c) => c === '..')) return;
    out.add(parts.join('/'));
  };
  for (const m of testCmd.matchAll(/(?:^|[\s;&|(])PYTHONPATH=("[^"]*"|'[^']*'|[^\s;&|)]*)/g)) for (const e of m[1]!.replace(/^['"]|['"]$/g, '').split(':')) add(e);
  for (const m of testCmd.matchAll(/(?:^|[\s;&|(])cd\s+("[^"]*"|'[^']*'|[^\s;&|)]+)/g)) add(m[1]!);
  return out;
}

/** `dir` → whether `dir/__init__.py` is a path in `paths` (the folders holding one; '' for the root). */
export function initDirs(paths: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const p of paths) if (p === '__init__.py' || p.endsWith('/__init__.py')) out.add(p.slice(0, -'__init__.py'.length).replace(/\/$/, ''));
  return out;
}
