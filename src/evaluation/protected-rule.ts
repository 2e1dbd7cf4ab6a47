// The one written rule of which files decide how tests run (DESIGN.md §6 step 2, issue 14.3).
// A model's edits to them are dropped before grading and counted (`protected_files_edited`).
// Pure: paths in, verdicts out. The file operations live in protected-files.ts.
import picomatch from 'picomatch';
import type { TaskSpec } from '../config/task.ts';
import { PYTHON_RUNNER_MODULES, shadowsModule, type PythonLayout } from './python-shadow.ts';

/**
 * The file names `node --test` runs when given no file (its default discovery: Node 20's
 * `test`, `test-*`, `*.test`, `*-test`, `*_test` and `test/**`; Node 22's glob
 * `**\/{test,test/**\/*,test-*,*[._-]test}.{js,mjs,cjs}`, with `ts,mts,cts` when it strips types,
 * the default from Node 23.6). `test/**` and `*.test.*` are in {@link DEFAULT_TEST_FILES} already.
 */
export const NODE_TEST_FILES = ['**/test.{js,mjs,cjs,ts,mts,cts}', '**/test-*.{js,mjs,cjs,ts,mts,cts}', '**/*-test.{js,mjs,cjs,ts,mts,cts}', '**/*_test.{js,mjs,cjs,ts,mts,cts}'] as const;

/**
 * Default test-file globs (picomatch, repository-relative, dot files included): test folders and
 * the usual test file names of JavaScript/TypeScript, Python and Go, and every file `node --test`
 * discovers by itself ({@link NODE_TEST_FILES}: a new `a_test.cjs` would run in the graded run).
 * A task replaces them with its own `test_files`; `tasks create --test-files` uses the same
 * defaults to split a fix.
 */
export const DEFAULT_TEST_FILES = [
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/spec/**',
  '**/*.test.*',
  '**/*.spec.*',
  ...NODE_TEST_FILES,
  '**/test_*.py',
  '**/*_test.py',
  '**/conftest.py',
  '**/*_test.go',
] as const;

export { PYTHON_RUNNER_MODULES } from './python-shadow.ts';

/**
 * Files that configure how tests run, at any depth: runner and coverage configurations, the
 * compiler/transpiler configurations a runner loads, lock files and package-manager settings,
 * ignore rules, and the installed dependencies. A new file by one of these names counts too.
 */
export const RUNNER_FILES = [
  // runners
  '**/vitest.config.*', '**/vitest.workspace.*', '**/vitest.projects.*', '**/vite.config.*',
  '**/jest.config.*', '**/jest.preset.*',
  '**/.mocharc', '**/.mocharc.*',
  '**/ava.config.*',
  '**/.taprc', '**/.taprc.*',
  '**/karma.conf.*', '**/playwright.config.*', '**/cypress.config.*', '**/uvu.config.*',
  '**/.c8rc', '**/.c8rc.*', '**/.nycrc', '**/.nycrc.*', '**/nyc.config.*',
  // pytest: its own files (with the hidden `.pytest.ini` and pytest 9's `pytest.toml`), conftest.py whatever
  // `test_files` says, the packaging metadata it finds `pytest11` plugin entry points in (sys.path
  // holds the working folder), and what Python itself runs from a PYTHONPATH folder at start-up.
  // setup.cfg's `[tool:pytest]` and pyproject.toml's `[tool.pytest…]`: pytest-config.ts.
  '**/pytest.ini', '**/.pytest.ini', '**/pytest.toml', '**/.pytest.toml', '**/tox.ini', '**/.coveragerc', '**/conftest.py',
  '**/*.dist-info', '**/*.dist-info/**', '**/*.egg-info', '**/*.egg-info/**', '**/*.egg-link',
  '**/sitecustomize.py', '**/usercustomize.py', '**/*.pth',
  // `python -m pytest` puts the working folder (the checkout's root) first on sys.path: a root-level
  // module or package named like pytest or a module it imports at start would replace the real one
  // (atkG10 1). Root level here, whatever the base tree holds: a repository's own `src/pytest/`
  // (pytest's) is not on that path. New modules named like the standard library or the runner in
  // other folders, and the runner in the test command's PYTHONPATH folders: python-shadow.ts.
  ...PYTHON_RUNNER_MODULES.flatMap((m) => [`${m}.*`, m, `${m}/**`]),
  // loaders and transpilers a runner reads
  '**/babel.config.*', '**/.babelrc', '**/.babelrc.*', '**/.swcrc',
  '**/tsconfig.json', '**/tsconfig.*.json', '**/jsconfig.json',
  // package manager and installed code
  '**/package-lock.json', '**/npm-shrinkwrap.json', '**/yarn.lock', '**/pnpm-lock.yaml', '**/bun.lock', '**/bun.lockb',
  '**/.npmrc', '**/.yarnrc', '**/.yarnrc.yml', '**/.pnpmfile.cjs', '**/pnpm-workspace.yaml', '**/.nvmrc', '**/.node-version',
  '**/node_modules', '**/node_modules/**', '**/.yarn/**', '**/.pnp.cjs', '**/.pnp.loader.mjs',
  '**/vendor/**', '**/third_party/**',
  // what git ignores decides what "the model's patch" is
  '**/.gitignore', '**/.gitattributes',
] as const;

/** Keys of the root `package.json` that configure a test runner or how code loads. */
export const RUNNER_PACKAGE_KEYS = ['mocha', 'jest', 'ava', 'c8', 'nyc', 'tap', 'vitest', 'babel', 'xo', 'uvu', 'jasmine'] as const;

/** Why a path is protected. */
export type ProtectedReason = 'test' | 'runner' | 'ignored' | 'task';

export interface ProtectedRuleOptions {
  /** Test-file globs (`task.test_files`, default {@link DEFAULT_TEST_FILES}); {@link NODE_TEST_FILES} are always added. */
  testFiles: readonly string[];
  /** Paths test.patch touches: protected whatever the globs say. */
  testPatchPaths: readonly string[];
  /** `protected_files.add`: more globs to protect. */
  add: readonly string[];
  /**
   * `protected_files.allow`: globs a fix may change although the rule protects them (wins over
   * everything but test.patch paths); `package.json#<key>` allows a package.json key.
   */
  allow: readonly string[];
  /** Paths git ignores at base (checked by the caller against the base commit's ignore rules). */
  ignored: ReadonlySet<string>;
  /** The workspace's Python layout: modules that shadow the standard library or the runner are runner files (python-shadow.ts); none when absent. */
  python?: PythonLayout;
}

/** A compiled rule: `reason(path)` says why a repository-relative path is protected, or null. */
export interface ProtectedRule {
  reason(path: string): ProtectedReason | null;
  /**
   * package.json keys to keep at base: {@link RUNNER_PACKAGE_KEYS} plus the scripts `test_cmd` runs
   * (`scripts.<name>`), less those `allow` names as `package.json#<key>`.
   */
  packageKeys(baseScripts: Readonly<Record<string, unknown>>): string[];
  /** Whether `protected_files.allow` names `path` (its pytest part may then change: pytest-config.ts). */
  allowed(path: string): boolean;
}

/** How many compiled glob lists `globMatcher` remembers (a run's tasks use a handful: their test_files, add, allow). */
export const GLOB_MATCHER_CACHE_SIZE = 256;
const matchers = new Map<string, (path: string) => boolean>();

/**
 * picomatch's matcher (`dot: true`) for the glob list `globs`: true when a path matches any. A pure
 * function of the list, so it is compiled once per list (the last `GLOB_MATCHER_CACHE_SIZE` lists)
 * and shared by every attempt that grades with it.
 */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const key = JSON.stringify(globs);
  let m = matchers.get(key);
  if (m === undefined) {
    m = picomatch([...globs], { dot: true });
    if (matchers.size >= GLOB_MATCHER_CACHE_SIZE) matchers.delete(matchers.keys().next().value!);
    matchers.set(key, m);
  }
  return m;
}

/** Compiles the rule for `task` (test_cmd decides which package.json scripts are protected). */
export function compileRule(task: Pick<TaskSpec, 'test_cmd'>, o: ProtectedRuleOptions): ProtectedRule {
  // node --test's own discovery whatever the task's globs: its files run in the graded run.
  const isTest = globMatcher([...new Set([...o.testFiles, ...NODE_TEST_FILES])]);
  const isRunner = globMatcher(RUNNER_FILES);
  const isAdded = o.add.length ? globMatcher(o.add) : () => false;
  const isAllowed = o.allow.length ? globMatcher(o.allow) : () => false;
  const testPatch = new Set(o.testPatchPaths);
  // A folder above a protected path is protected as a whole: replacing `test/` by a link or a file
  // would take every test file with it.
  const testPatchDirs = new Set(o.testPatchPaths.flatMap(ancestors));
  return {
    reason(path) {
      if (testPatch.has(path) || testPatchDirs.has(path)) return 'test';
      if (isAllowed(path)) return null;
      if (isTest(path) || isTest(`${path}/x`)) return 'test';
      if (isRunner(path) || isRunner(`${path}/x`)) return 'runner';
      if (o.python && shadowsModule(path, o.python)) return 'runner';
      if (isAdded(path) || isAdded(`${path}/x`)) return 'task';
      if (o.ignored.has(path) || ancestors(path).some((a) => o.ignored.has(a))) return 'ignored';
      return null;
    },
    packageKeys(baseScripts) {
      const keys = [...RUNNER_PACKAGE_KEYS, ...testScripts(task.test_cmd, baseScripts).map((s) => `scripts.${s}`)];
      return keys.filter((k) => !isAllowed(`package.json#${k}`));
    },
    allowed: (path) => isAllowed(path),
  };
}

/** `a/b/c` → [`a`, `a/b`]. */
export function ancestors(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * The package.json scripts `cmd` runs (with their `pre`/`post` hooks), following `npm run x`
 * inside those scripts through `scripts` (the base commit's). Recognises `npm test|t|start`,
 * `npm run|run-script <x>`, `yarn [run] <x>`, `pnpm [run] <x>`, `bun run <x>`.
 */
export function testScripts(cmd: string, scripts: Readonly<Record<string, unknown>>): string[] {
  const found = new Set<string>();
  const queue = [cmd];
  while (queue.length) {
    for (const name of scriptNames(queue.shift()!)) {
      for (const s of [name, `pre${name}`, `post${name}`]) {
        if (found.has(s)) continue;
        found.add(s);
        const body = scripts[s];
        if (typeof body === 'string') queue.push(body);
      }
    }
  }
  return [...found].sort();
}

function scriptNames(cmd: string): string[] {
  const names: string[] = [];
  for (const part of cmd.split(/&&|\|\||;|\|/)) {
    const w = part.trim().split(/\s+/);
    const i = w.findIndex((t) => /^(npm|yarn|pnpm|bun)$/.test(t));
    if (i < 0) continue;
    const tool = w[i]!;
    const args = w.slice(i + 1).filter((t) => !t.startsWith('-'));
    const verb = args[0];
    if (verb === undefined) continue;
    if (verb === 'test' || verb === 't' || verb === 'tst') names.push('test');
    else if (verb === 'start') names.push('start');
    else if ((verb === 'run' || verb === 'run-script') && args[1]) names.push(args[1]);
    else if (tool !== 'npm' && !['install', 'ci', 'add', 'exec', 'dlx', 'x'].includes(verb)) names.push(verb);
  }
  return names;
}
