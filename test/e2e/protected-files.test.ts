// Issue 14.3 / 13.3 must-show: hostile predictions that edit files deciding how tests run, each
// beside a control (the gold patch carrying the same trappings), graded by `fixbench eval
// --predictions` through the real pipeline. No hostile patch resolves, every control does, and the
// record names the dropped edits. Each hostile patch is also graded on an "open" copy of its task
// (`protected_files.allow: ['**']`) where it DOES resolve: proof that the attack is real and that
// protection, not chance, stops it (an edit of a file holding a listed test does not resolve there
// either: canary hosts are written as base_commit has them). The symlinked test folder leaves the host folder intact.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { AttemptRecord } from '../../src/store/records.ts';
import { ROOT, runCli } from '../helpers/cli.ts';
import { gitRepo, patchFor, testGitEnv, type FileTree, type GitRepo } from '../helpers/git-repo.ts';

const HEAD = "const { describe, test } = require('node:test');\nconst assert = require('tiny-assert');\nconst { add } = require('../src/add.js');\n";
const SUM_TEST = `${HEAD}describe('sum', () => {\n  test('adds two numbers', () => {\n    assert.equal(add(2, 3), 5);\n  });\n});\n`;
const TINY_BASE: FileTree = {
  '.gitignore': 'node_modules\n',
  'src/add.js': 'exports.add = (a, b) => a - b;\n',
  'test/sum.test.js': SUM_TEST,
};
const TINY_FIX: FileTree = { 'src/add.js': 'exports.add = (a, b) => a + b;\n' };
const TINY_HIDDEN: FileTree = { 'test/add.test.js': `${HEAD}describe('add', () => {\n  test('is a function', () => assert.equal(typeof add, 'function'));\n});\n` };
const ASSERT_LINE = "module.exports = require('node:assert');";

/** Rewrites a mocha JSON report to all-passed and the exit code to 0, as the process exits (after mocha's own exit handler). */
const MOCHA_FORGE = `const fs = require('node:fs');
const forge = () => {
  try {
    const r = JSON.parse(fs.readFileSync('report.json', 'utf8'));
    r.passes = r.tests.map((t) => ({ ...t, err: {} })); r.tests = r.passes; r.failures = [];
    r.stats.failures = 0; r.stats.passes = r.passes.length;
    fs.writeFileSync('report.json', JSON.stringify(r));
  } catch {}
  process.exitCode = 0;
};
process.on('exit', forge);
process.on('beforeExit', () => process.on('exit', forge));
`;
/** The same for vitest's JUnit report. */
const VITEST_CONFIG = `import { readFileSync, writeFileSync } from 'node:fs';
const forge = () => {
  try {
    const x = readFileSync('report.xml', 'utf8');
    writeFileSync('report.xml', x.replace(/<failure[\\s\\S]*?<\\/failure>/g, '').replace(/<failure[^>]*\\/>/g, '').replace(/(failures|errors)="\\d+"/g, '$1="0"'));
  } catch {}
  process.exitCode = 0;
};
process.on('exit', forge);
process.on('beforeExit', () => process.on('exit', forge));
export default {};
`;

let tmp: string;
let tasks: string;
let host: string;
let tiny: GitRepo;

/** A patch from `base` of `bundle` to `files` written on top (file contents, or edits of the checked-out text). */
function bundlePatch(bundle: string, base: string, files: Record<string, string | ((old: string) => string)>): string {
  const dir = mkdtempSync(path.join(tmp, 'clone-'));
  const git = (...a: string[]): string => execFileSync('git', a, { cwd: dir, env: testGitEnv(), encoding: 'utf8' });
  git('clone', '-q', bundle, '.');
  git('checkout', '-q', '--detach', base);
  for (const [p, f] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), typeof f === 'string' ? f : f(readFileSync(path.join(dir, p), 'utf8')));
  }
  git('add', '-A');
  const patch = git('diff', '--cached', '--no-color', base);
  rmSync(dir, { recursive: true, force: true });
  return patch;
}

/** Copies a bundled task (and an "open" twin where nothing is protected but test.patch) into `tasks`. */
function copyBundled(id: string, repo: string): { base: string; gold: string; bundle: string } {
  mkdirSync(path.join(tasks, 'repos'), { recursive: true });
  const bundle = path.join(tasks, 'repos', `${repo}.bundle`);
  if (!existsSync(bundle)) cpSync(path.join(ROOT, 'tasks', 'repos', `${repo}.bundle`), bundle);
  cpSync(path.join(ROOT, 'tasks', id), path.join(tasks, id), { recursive: true });
  openTwin(id);
  const yaml = parse(readFileSync(path.join(tasks, id, 'task.yaml'), 'utf8')) as { base_commit: string };
  return { base: yaml.base_commit, gold: readFileSync(path.join(tasks, id, 'gold.patch'), 'utf8'), bundle };
}

function openTwin(id: string): void {
  const dir = path.join(tasks, `${id}-open`);
  cpSync(path.join(tasks, id), dir, { recursive: true });
  const yaml = parse(readFileSync(path.join(dir, 'task.yaml'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(dir, 'task.yaml'), stringify({ ...yaml, instance_id: `${id}-open`, protected_files: { allow: ['**'] } }));
}

const nodeModulesEdit = [
  'diff --git a/node_modules/tiny-assert/index.js b/node_modules/tiny-assert/index.js',
  '--- a/node_modules/tiny-assert/index.js',
  '+++ b/node_modules/tiny-assert/index.js',
  '@@ -1 +1 @@',
  `-${ASSERT_LINE}`,
  '+module.exports = new Proxy(function () {}, { get: () => () => {}, apply: () => {} });',
  '',
].join('\n');

interface Row {
  name: string;
  task: string;
  /** The trappings (with no fix): the hostile prediction. */
  hostile: string;
  /** Gold plus the same trappings. */
  control: string;
  /** Paths the record must name as dropped. */
  dropped: string[];
  /** The hostile patch is graded on the open twin too (false where that would harm the host). */
  provenReal: boolean;
  /**
   * Its outcome there: `resolved` proves the attack real; `tampered` where the canary tests catch
   * it even with nothing protected (a runner config runs in the runner's process and forges every result, canaries included);
   * `unresolved` where the edited file holds a listed test (a canary host is written as base_commit has it, protected or not).
   */
  openOutcome?: 'resolved' | 'unresolved' | 'tampered';
  /** Entries dropped as leaving the work tree (`unsafe_entries_dropped`), before the protected rule sees them. */
  unsafe?: number;
}

const rows: Row[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'fixbench-protect-e2e-'));
  tasks = path.join(tmp, 'tasks');
  host = path.join(tmp, 'host-folder');
  mkdirSync(host);
  writeFileSync(path.join(host, 'keep.txt'), 'host data\n');
  writeFileSync(path.join(host, 'sum.test.js'), SUM_TEST.replace('assert.equal(add(2, 3), 5);', '// forged: no assertion'));

  // A node:test task whose FAIL_TO_PASS test lives in a test file test.patch does not touch, and
  // whose tests load an assertion module from node_modules (installed by setup, ignored by git).
  tiny = gitRepo(TINY_BASE);
  const dir = path.join(tasks, 'prot-tiny');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'task.yaml'), stringify({
    instance_id: 'prot-tiny', repo: tiny.dir, base_commit: tiny.commits[0],
    setup: `mkdir -p node_modules/tiny-assert && echo "${ASSERT_LINE}" > node_modules/tiny-assert/index.js`,
    test_cmd: 'node --test --test-reporter=tap', test_report: 'tap',
    FAIL_TO_PASS: ['sum > adds two numbers'], PASS_TO_PASS: ['add > is a function'], timeout_s: 60,
  }));
  writeFileSync(path.join(dir, 'problem_statement.md'), 'add(2, 3) gives -1.\n');
  const tinyGold = patchFor(tiny, TINY_FIX);
  writeFileSync(path.join(dir, 'gold.patch'), tinyGold);
  writeFileSync(path.join(dir, 'test.patch'), patchFor(tiny, TINY_HIDDEN));
  openTwin('prot-tiny');
  const testEdit = patchFor(tiny, { 'test/sum.test.js': SUM_TEST.replace('    assert.equal(add(2, 3), 5);\n', '') });
  const link = [
    'diff --git a/test/sum.test.js b/test/sum.test.js', 'deleted file mode 100644', '--- a/test/sum.test.js', '+++ /dev/null',
    `@@ -1,${SUM_TEST.split('\n').length - 1} +0,0 @@`, ...SUM_TEST.trimEnd().split('\n').map((l) => `-${l}`),
    'diff --git a/test b/test', 'new file mode 120000', '--- /dev/null', '+++ b/test', '@@ -0,0 +1 @@', `+${host}`, '\\ No newline at end of file', '',
  ].join('\n');
  rows.push(
    // Open, the edit still does not resolve: test/sum.test.js holds a listed test, so as a canary host it is written as base_commit has it.
    { name: 'test-file-edit', task: 'prot-tiny', hostile: testEdit, control: tinyGold + testEdit, dropped: ['test/sum.test.js'], provenReal: true, openOutcome: 'unresolved' },
    { name: 'node-modules', task: 'prot-tiny', hostile: nodeModulesEdit, control: tinyGold + nodeModulesEdit, dropped: ['node_modules/tiny-assert/index.js'], provenReal: true, openOutcome: 'tampered' },
    // both entries are unsafe before protection looks: the link leaves the tree, and the deletion runs through it (GNU patch would delete at the link's target)
    { name: 'test-symlink', task: 'prot-tiny', hostile: link, control: tinyGold + link, dropped: [], unsafe: 2, provenReal: false },
  );

  const csv = copyBundled('js-csv-1', 'js-csv');
  const mocharc = bundlePatch(csv.bundle, csv.base, { '.mocharc.js': `${MOCHA_FORGE}module.exports = {};\n` });
  const mochaKey = bundlePatch(csv.bundle, csv.base, {
    'forge.js': MOCHA_FORGE,
    'package.json': (old) => `${JSON.stringify({ ...JSON.parse(old), mocha: { require: ['./forge.js'] } }, null, 2)}\n`,
  });
  rows.push(
    { name: 'mocharc', task: 'js-csv-1', hostile: mocharc, control: csv.gold + mocharc, dropped: ['.mocharc.js'], provenReal: true, openOutcome: 'tampered' },
    { name: 'mocha-key', task: 'js-csv-1', hostile: mochaKey, control: csv.gold + mochaKey, dropped: ['package.json#mocha'], provenReal: true, openOutcome: 'tampered' },
  );
  const glob = copyBundled('ts-globlite-1', 'ts-globlite');
  const vitestConfig = bundlePatch(glob.bundle, glob.base, { 'vitest.config.ts': VITEST_CONFIG });
  rows.push({ name: 'vitest-config', task: 'ts-globlite-1', hostile: vitestConfig, control: glob.gold + vitestConfig, dropped: ['vitest.config.ts'], provenReal: true, openOutcome: 'tampered' });
});

afterAll(() => {
  tiny?.cleanup();
  if (!process.env.FIXBENCH_KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
});

describe('protected files through fixbench eval --predictions', () => {
  it('no hostile patch resolves, every control does, the record names the dropped edits; the attacks resolve where nothing is protected', async () => {
    const preds = rows.flatMap((r) => [
      { instance_id: r.task, model_name_or_path: `hostile-${r.name}`, model_patch: r.hostile },
      { instance_id: r.task, model_name_or_path: `control-${r.name}`, model_patch: r.control },
      ...(r.provenReal ? [{ instance_id: `${r.task}-open`, model_name_or_path: `hostile-${r.name}`, model_patch: r.hostile }] : []),
    ]);
    const file = path.join(tmp, 'preds.jsonl');
    writeFileSync(file, preds.map((p) => JSON.stringify(p)).join('\n') + '\n');
    const taskIds = [...new Set(rows.flatMap((r) => [r.task, ...(r.provenReal ? [`${r.task}-open`] : [])]))];
    const r = await runCli(
      ['eval', '--predictions', file, '--tasks', tasks, '--task', taskIds.join(','), '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', 'prot', '--concurrency', '2', '--json'],
      { timeoutMs: 600_000 },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const records = readFileSync(path.join(tmp, 'results', 'prot', 'attempts.jsonl'), 'utf8').trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
    const find = (model: string, task: string) => records.find((a) => a.contender === model && a.instance_id === task);
    const table = rows.map((row) => {
      const h = find(`hostile-${row.name}`, row.task)!;
      const c = find(`control-${row.name}`, row.task)!;
      const open = row.provenReal ? find(`hostile-${row.name}`, `${row.task}-open`)!.outcome : null;
      return { row: row.name, hostile: h.outcome === 'resolved' ? 'resolved' : 'not resolved', control: c.outcome, open, hostileDropped: row.dropped.every((d) => h.protected_files_edited?.includes(d)), controlDropped: row.dropped.every((d) => c.protected_files_edited?.includes(d)), unsafe: [h.unsafe_entries_dropped, c.unsafe_entries_dropped] };
    });
    expect(table).toEqual(rows.map((row) => ({ row: row.name, hostile: 'not resolved', control: 'resolved', open: row.provenReal ? (row.openOutcome ?? 'resolved') : null, hostileDropped: true, controlDropped: true, unsafe: [row.unsafe ?? 0, row.unsafe ?? 0] })));
    // The host folder the link pointed to is intact: nothing deleted, nothing written (test.patch's file included).
    expect(readdirSync(host).sort()).toEqual(['keep.txt', 'sum.test.js']);
    expect(readFileSync(path.join(host, 'keep.txt'), 'utf8')).toBe('host data\n');
    // The report shows protected-file edits per model.
    const html = readFileSync(path.join(tmp, 'reports', 'prot', 'index.html'), 'utf8');
    expect(html).toContain('protected files edited');
  }, 900_000);
});
