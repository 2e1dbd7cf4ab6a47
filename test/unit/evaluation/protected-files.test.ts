import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../../src/config/task.ts';
import { dropProtectedEntries, loadProtection, restoreProtected, splitEntries, testPatchFiles } from '../../../src/evaluation/protected-files.ts';
import { compileRule, DEFAULT_TEST_FILES, testScripts } from '../../../src/evaluation/protected-rule.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';

const TEST_PATCH = [
  'diff --git a/test/existing.test.js b/test/existing.test.js',
  '--- a/test/existing.test.js',
  '+++ b/test/existing.test.js',
  '@@ -1 +1,2 @@',
  ' original test',
  '+hidden assertion',
  'diff --git a/test/hidden.test.js b/test/hidden.test.js',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/test/hidden.test.js',
  '@@ -0,0 +1 @@',
  '+hidden test',
  '',
].join('\n');

const PKG = JSON.stringify({ name: 'x', scripts: { test: 'mocha', pretest: 'node check.js', build: 'tsc' }, mocha: { spec: 'test' } }, null, 2) + '\n';

const entry = (path: string, body = '+x\n'): string => `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1 @@\n${body}`;

function task(repo: GitRepo, extra: Partial<TaskSpec> = {}): TaskSpec {
  return { base_commit: repo.head, test_cmd: 'npm test', test_patch: TEST_PATCH, ...extra } as TaskSpec;
}

describe('the rule', () => {
  const rule = compileRule({ test_cmd: 'npm test' }, { testFiles: DEFAULT_TEST_FILES, testPatchPaths: ['test/hidden.test.js'], add: ['fixtures/**'], allow: ['vendor/patched/**'], ignored: new Set(['build']) });
  it.each([
    ['test/hidden.test.js', 'test'],
    ['test', 'test'],
    ['src/util.spec.ts', 'test'],
    ['.mocharc.js', 'runner'],
    ['vitest.config.ts', 'runner'],
    ['packages/a/jest.config.cjs', 'runner'],
    ['package-lock.json', 'runner'],
    ['.npmrc', 'runner'],
    ['node_modules/mocha/lib/runner.js', 'runner'],
    ['node_modules', 'runner'],
    ['fixtures/data.csv', 'task'],
    ['build/out.js', 'ignored'],
    ['vendor/patched/lib.js', null],
    ['src/parse.js', null],
    ['package.json', null],
  ])('%s → %s', (path, reason) => expect(rule.reason(path)).toBe(reason));

  // round 10 atk-repro/6: node --test's own discovery runs these, so a model's new one would run in the graded run.
  it.each(['a_test.cjs', 'b-test.js', 'test-c.mjs', 'test.js', 'src/test.cjs', 'lib/x_test.ts', 'pkg/test-y.mts'])('%s (node --test discovers it) → test', (path) => {
    expect(rule.reason(path)).toBe('test');
  });
  it.each(['latest.js', 'src/contest.js', 'src/test.py', 'src/testing.js', 'x_test.jsx'])('%s (not node --test discovery) → not test', (path) => {
    expect(rule.reason(path)).not.toBe('test');
  });
  // atkG10 1: `python -m pytest` finds a root-level `pytest/` (or pluggy.py, …) before the installed one.
  it.each(['pytest/__init__.py', 'pytest/__main__.py', 'pytest', 'pytest.py', '_pytest/main.py', 'pluggy.py', 'pluggy/__init__.py', 'iniconfig.py', 'unittest/__init__.py', 'py.py', 'packaging/version.py', 'pytest.cpython-311-x86_64-linux-gnu.so'])(
    '%s (shadows a Python runner module at the root) → runner',
    (path) => expect(rule.reason(path)).toBe('runner'),
  );
  it.each(['src/pytest/__init__.py', 'src/_pytest/main.py', 'lib/pluggy.py', 'pytests/a.py', 'mypy.py'])('%s (not on python -m\'s path) → not a runner file', (path) => {
    expect(rule.reason(path)).toBeNull();
  });
  it("protects node --test's discovery even when a task names its own test_files", () => {
    const own = compileRule({ test_cmd: 'node --test' }, { testFiles: ['spec/**'], testPatchPaths: [], add: [], allow: [], ignored: new Set() });
    expect(own.reason('a_test.cjs')).toBe('test');
    expect(own.reason('src/parse.js')).toBeNull();
  });

  it('protects the scripts test_cmd runs, their pre/post hooks and what they call', () => {
    expect(testScripts('npm test', { test: 'npm run lint && mocha', lint: 'eslint .' })).toEqual(['lint', 'postlint', 'posttest', 'prelint', 'pretest', 'test']);
    expect(testScripts('npx mocha --reporter json', {})).toEqual([]);
    expect(testScripts('yarn unit', {})).toEqual(['postunit', 'preunit', 'unit']);
  });
});

describe('dropProtectedEntries', () => {
  const rule = compileRule({ test_cmd: 'npx mocha' }, { testFiles: DEFAULT_TEST_FILES, testPatchPaths: [], add: [], allow: [], ignored: new Set() });
  it('drops the protected entries and keeps the others byte for byte', () => {
    const src = 'diff --git a/src/a.js b/src/a.js\n--- a/src/a.js\n+++ b/src/a.js\n@@ -1 +1 @@\n-a\n+b\n';
    const patch = src + entry('.mocharc.js') + entry('test/x.spec.js', '+--- not a header\n');
    expect(splitEntries(patch)).toHaveLength(3);
    expect(dropProtectedEntries(patch, rule)).toEqual({ patch: src, dropped: ['.mocharc.js', 'test/x.spec.js'] });
  });
  it('drops a link that points into a protected path', () => {
    const link = 'diff --git a/lib b/lib\nnew file mode 120000\n--- /dev/null\n+++ b/lib\n@@ -0,0 +1 @@\n+node_modules/mocha\n\\ No newline at end of file\n';
    expect(dropProtectedEntries(link, rule).dropped).toEqual(['lib']);
  });
  it('regression (atkD): drops a link into a protected path whose mode is on the index line only, or spelled with leading zeros', () => {
    for (const mode of ['index 0000000..1111111 120000', 'new file mode 0120000']) {
      const link = `diff --git a/m b/m\n${mode}\n--- /dev/null\n+++ b/m\n@@ -0,0 +1 @@\n+test\n\\ No newline at end of file\n`;
      expect(dropProtectedEntries(link, rule).dropped).toEqual(['m']);
    }
  });
  it('cuts plain ---/+++ diffs too', () => {
    const plain = '--- a/src/a.js\n+++ b/src/a.js\n@@ -1 +1 @@\n-a\n+b\n--- a/test/t.test.js\n+++ b/test/t.test.js\n@@ -1 +1 @@\n-a\n+b\n';
    expect(dropProtectedEntries(plain, rule).dropped).toEqual(['test/t.test.js']);
  });
});

describe('restoreProtected', () => {
  let repo: GitRepo;
  let host: string;
  beforeEach(() => {
    repo = gitRepo({ 'test/existing.test.js': 'original test\n', 'test/other.test.js': 'other\n', 'src/lib.js': 'lib\n', 'package.json': PKG });
    host = mkdtempSync(join(tmpdir(), 'fixbench-host-'));
    writeFileSync(join(host, 'existing.test.js'), 'host file\n');
  });
  afterEach(() => {
    repo.cleanup();
    rmSync(host, { recursive: true, force: true });
  });
  const read = (p: string): string => readFileSync(join(repo.dir, p), 'utf8');
  const restore = async (t = task(repo), named: string[] = []) => restoreProtected({ dir: repo.dir, gitDir: join(repo.dir, '.git') }, await loadProtection({ dir: repo.dir, gitDir: join(repo.dir, '.git') }, t, ''), named);

  it('restores every test file by the globs, not only test.patch ones; removes new protected files; keeps source edits', async () => {
    repo.write({ 'test/other.test.js': 'weakened\n', 'test/hidden.test.js': 'stand-in\n', '.mocharc.js': 'evil\n', 'src/lib.js': 'fixed\n' });
    expect(await restore(task(repo), ['.mocharc.js'])).toEqual(['.mocharc.js', 'test/hidden.test.js', 'test/other.test.js']);
    expect(read('test/other.test.js')).toBe('other\n');
    expect(existsSync(join(repo.dir, 'test/hidden.test.js'))).toBe(false);
    expect(existsSync(join(repo.dir, '.mocharc.js'))).toBe(false);
    expect(read('src/lib.js')).toBe('fixed\n');
  });

  it('restores a deleted test file, and judges against base_commit even when the model committed', async () => {
    const t = task(repo);
    repo.commit({ 'test/existing.test.js': null });
    expect(await restore(t)).toEqual(['test/existing.test.js']);
    expect(read('test/existing.test.js')).toBe('original test\n');
  });

  it('removes a test folder replaced by a link as a link: the host folder it points to stays intact', async () => {
    rmSync(join(repo.dir, 'test'), { recursive: true });
    symlinkSync(host, join(repo.dir, 'test'));
    expect(await restore()).toEqual(['test', 'test/existing.test.js', 'test/other.test.js']);
    expect(readFileSync(join(host, 'existing.test.js'), 'utf8')).toBe('host file\n');
    expect(lstatSync(join(repo.dir, 'test')).isDirectory()).toBe(true);
    expect(read('test/existing.test.js')).toBe('original test\n');
  });

  it('replaces a test file made a link to a host file, never writing through it', async () => {
    rmSync(join(repo.dir, 'test/existing.test.js'));
    symlinkSync(join(host, 'existing.test.js'), join(repo.dir, 'test/existing.test.js'));
    expect(await restore()).toEqual(['test/existing.test.js']);
    expect(readFileSync(join(host, 'existing.test.js'), 'utf8')).toBe('host file\n');
    expect(lstatSync(join(repo.dir, 'test/existing.test.js')).isFile()).toBe(true);
  });

  it('puts back the runner keys and test scripts of package.json, keeping the model\'s other edits', async () => {
    const edited = JSON.parse(PKG);
    edited.mocha = { require: './evil.js' };
    edited.scripts.pretest = 'true';
    edited.scripts.build = 'tsc -p .';
    edited.jest = {};
    edited.version = '2.0.0';
    repo.write({ 'package.json': JSON.stringify(edited, null, 2) });
    expect(await restore()).toEqual(['package.json#jest', 'package.json#mocha', 'package.json#scripts.pretest']);
    const now = JSON.parse(read('package.json'));
    expect(now).toEqual({ ...JSON.parse(PKG), version: '2.0.0', scripts: { test: 'mocha', pretest: 'node check.js', build: 'tsc -p .' } });
  });

  it('honours protected_files.allow and add', async () => {
    mkdirSync(join(repo.dir, 'data'));
    repo.write({ 'test/other.test.js': 'changed on purpose\n', 'data/x.csv': 'x\n' });
    const t = task(repo, { protected_files: { allow: ['test/other.test.js'], add: ['data/**'] } });
    expect(await restore(t, ['data/x.csv'])).toEqual(['data/x.csv']);
    expect(read('test/other.test.js')).toBe('changed on purpose\n');
  });

  it('reports nothing when the model left protected files alone', async () => {
    repo.write({ 'src/lib.js': 'fixed\n' });
    expect(await restore()).toEqual([]);
  });

  it('lists test.patch files', () => expect(testPatchFiles(TEST_PATCH)).toEqual(['test/existing.test.js', 'test/hidden.test.js']));
});
