// Must-show of issue 15 (runner adapters, one id rule): for each test runner, an original fixture
// repository (nested suites, duplicate titles, a title with a tab and one with a NUL, a new test
// file in the fix): `tasks create` from the plain test command gives exactly the expected
// FAIL_TO_PASS and PASS_TO_PASS; lint and validate accept the task; grading resolves gold and not
// noop. Runners come from the npm registry, installed once per pinned version set
// (test/helpers/runner-install.ts) and linked or copied into each workspace by `setup`.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluation/evaluate.ts';
import { loadTask } from '../../src/tasks/load.ts';
import { createSandbox } from '../../src/sandbox/index.ts';
import { RepoCache } from '../../src/workspace/repo-cache.ts';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, type FileTree } from '../helpers/git-repo.ts';
import { installedRunner } from '../helpers/runner-install.ts';

const BUG = 'exports.add = (a, b) => a - b;\nexports.mul = (a, b) => a * b;\n';
const FIXED = 'exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a * b;\n';
const T = 'tab\\there'; // the printable id of a title holding a tab
const N = 'nul\\0here'; // … and of one holding a NUL

interface Case {
  runner: string;
  specs: string[];
  /** `setup` copies node_modules (the adapter reads the runner's version) or links it. */
  copy?: boolean;
  cmd: string;
  report: string;
  base: FileTree;
  fix: FileTree;
  f2p: string[];
  p2p: string[];
  pkg?: Record<string, unknown>;
}

/** describe/it test files (vitest, jest, mocha): nested suites, a duplicate title, a tab and a NUL title; the fix adds a nested test and a new file. */
function bdd(head: string, ext: string, math: string): { base: FileTree; fix: FileTree } {
  const body = (extra: string) =>
    `${head}\ndescribe('math', () => {\n  describe('mul', () => {\n    it('works', () => assert.strictEqual(${math}.mul(2, 3), 6));\n    it('works', () => assert.strictEqual(${math}.mul(0, 3), 0));\n  });\n` +
    `  it('tab\\there', () => assert.ok(true));\n  it('nul\\0here', () => assert.ok(true));\n${extra}});\n`;
  return {
    base: { 'src/math.js': BUG, [`test/math.test.${ext}`]: body('') },
    fix: {
      'src/math.js': FIXED,
      [`test/math.test.${ext}`]: body(`  describe('add', () => {\n    it('adds', () => assert.strictEqual(${math}.add(2, 3), 5));\n  });\n`),
      [`test/extra.test.${ext}`]: `${head}\ndescribe('extra', () => {\n  it('adds negatives', () => assert.strictEqual(${math}.add(-1, -1), -2));\n});\n`,
    },
  };
}
const CJS = "const assert = require('node:assert');\nconst math = require('../src/math.js');";
const bddIds = (f: string, e: string, sep: string) => ({
  f2p: [`${f}/math.test.${e} > math${sep}add > adds`, `${f}/extra.test.${e} > extra > adds negatives`],
  p2p: [`${f}/math.test.${e} > math${sep}mul > works`, `${f}/math.test.${e} > math${sep}mul > works #2`, `${f}/math.test.${e} > math > ${T}`, `${f}/math.test.${e} > math > ${N}`],
});

const vitest = bdd("import assert from 'node:assert';\nimport { describe, it } from 'vitest';\nimport math from '../src/math.js';", 'mjs', 'math');
const jest = bdd(CJS, 'js', 'math');
const JASMINE_JSON = `${JSON.stringify({ spec_dir: 'test', spec_files: ['**/*.test.js'] })}\n`;
const jasmineBdd = bdd(CJS, 'js', 'math');
const jasmineCase = { base: { ...jasmineBdd.base, 'jasmine.json': JASMINE_JSON }, fix: jasmineBdd.fix };
const mocha = bdd(CJS, 'js', 'math');
const mochaIds = bddIds('test', 'js', ' ');

const nodeTest = bdd(`${CJS}\nconst { describe, it, test } = require('node:test');\ntest('parent', async (t) => {\n  await t.test('child', () => assert.strictEqual(math.mul(1, 1), 1));\n});`, 'js', 'math');

const tapeFile = (extra: string) =>
  "const test = require('tape');\nconst math = require('../src/math.js');\n" +
  "test('mul', (t) => {\n  t.test('works', (st) => { st.equal(math.mul(2, 3), 6, 'should be equal'); st.end(); });\n  t.test('works', (st) => { st.equal(math.mul(0, 3), 0, 'should be equal'); st.end(); });\n  t.end();\n});\n" +
  "test('tab\\there', (t) => { t.ok(true, 'should be equal'); t.end(); });\ntest('nul\\0here', (t) => { t.ok(true); t.end(); });\n" + extra;
const uvuFile = (extra: string) =>
  "const { suite } = require('uvu');\nconst assert = require('uvu/assert');\nconst math = require('../src/math.js');\n" +
  "const mul = suite('mul');\nmul('works', () => assert.is(math.mul(2, 3), 6));\nmul('works', () => assert.is(math.mul(0, 3), 0));\nmul.run();\n" +
  "const odd = suite('odd');\nodd('tab\\there', () => assert.ok(true));\nodd('nul\\0here', () => assert.ok(true));\nodd.run();\n" + extra;
const avaFile = (extra: string) =>
  "const test = require('ava');\nconst math = require('../src/math.js');\ntest('mul works', (t) => t.is(math.mul(2, 3), 6));\n" +
  "test('tab\\there', (t) => t.pass());\ntest('nul\\0here', (t) => t.pass());\n" + extra;
const nodeTapFile = (extra: string) =>
  "const t = require('tap');\nconst math = require('../src/math.js');\n" +
  "t.test('mul', async (t) => {\n  t.test('works', async (t) => { t.equal(math.mul(2, 3), 6); });\n  t.test('works', async (t) => { t.equal(math.mul(0, 3), 0); });\n});\n" +
  "t.test('tab\\there', async (t) => { t.ok(true); });\nt.test('nul\\0here', async (t) => { t.ok(true); });\n" + extra;

const CASES: Case[] = [
  { runner: 'vitest', specs: ['vitest@3.2.4'], cmd: 'npx vitest run test/', report: 'vitest', ...vitest, ...bddIds('test', 'mjs', ' > ') },
  { runner: 'jest', specs: ['jest@29.7.0'], cmd: 'npx jest', report: 'jest', ...jest, ...bddIds('test', 'js', ' > ') },
  { runner: 'mocha 10', specs: ['mocha@10.8.2'], copy: true, cmd: './node_modules/.bin/_mocha test/', report: 'mocha', ...mocha, ...mochaIds },
  {
    runner: 'mocha 1', specs: ['mocha@1.21.5'], copy: true, cmd: './node_modules/.bin/_mocha test/', report: 'mocha', ...mocha,
    // mocha before 6 names no file in its report.
    f2p: mochaIds.f2p.map((id) => id.replace(/^test\/\w+\.test\.js > /, '')),
    p2p: mochaIds.p2p.map((id) => id.replace(/^test\/\w+\.test\.js > /, '')),
  },
  // jasmine: describe titles are parts of their own; the file is named from jasmine-core 4 on.
  { runner: 'jasmine 5', specs: ['jasmine@5.12.0'], cmd: 'jasmine --config=jasmine.json', report: 'jasmine', ...jasmineCase, ...bddIds('test', 'js', ' > ') },
  // jasmine 4.1 (marked's pin): its CLI crashes on --helper, so the reporter goes in with --require.
  { runner: 'jasmine 4.1', specs: ['jasmine@4.1.0'], copy: true, cmd: 'jasmine --config=jasmine.json', report: 'jasmine', ...jasmineCase, ...bddIds('test', 'js', ' > ') },
  {
    // jasmine 2 has no --require: the reporter goes in with --helper (the version is read, hence the copy).
    runner: 'jasmine 2', specs: ['jasmine@2.99.0'], copy: true, cmd: 'jasmine --config=jasmine.json', report: 'jasmine', ...jasmineCase,
    f2p: bddIds('test', 'js', ' > ').f2p.map((id) => id.replace(/^test\/\w+\.test\.js > /, '')),
    p2p: bddIds('test', 'js', ' > ').p2p.map((id) => id.replace(/^test\/\w+\.test\.js > /, '')),
  },
  {
    runner: 'jasmine 3', specs: ['jasmine@3.99.0'], cmd: 'jasmine --config=jasmine.json', report: 'jasmine', ...jasmineCase,
    f2p: bddIds('test', 'js', ' > ').f2p.map((id) => id.replace(/^test\/\w+\.test\.js > /, '')),
    p2p: bddIds('test', 'js', ' > ').p2p.map((id) => id.replace(/^test\/\w+\.test\.js > /, '')),
  },
  {
    runner: 'node:test', specs: [], cmd: 'node --test', report: 'node-test', ...nodeTest,
    // Parent tests are tests (each file has one, with a subtest).
    f2p: bddIds('test', 'js', ' > ').f2p,
    p2p: ['test/math.test.js > parent', 'test/math.test.js > parent > child', 'test/extra.test.js > parent', 'test/extra.test.js > parent > child', ...bddIds('test', 'js', ' > ').p2p],
  },
  {
    runner: 'tape 5', specs: ['tape@5.9.0'], cmd: 'npx tape test/*.js', report: 'tape',
    base: { 'src/math.js': BUG, 'test/math.js': tapeFile('') },
    fix: { 'src/math.js': FIXED, 'test/math.js': tapeFile("test('add', (t) => { t.equal(math.add(2, 3), 5, 'should be equal'); t.end(); });\n"), 'test/extra.js': "const test = require('tape');\nconst math = require('../src/math.js');\ntest('adds negatives', (t) => { t.equal(math.add(-1, -1), -2, 'should be equal'); t.end(); });\n" },
    f2p: ['test/math.js > add', 'test/extra.js > adds negatives'],
    p2p: ['test/math.js > mul', 'test/math.js > mul > works', 'test/math.js > mul > works #2', `test/math.js > ${T}`, `test/math.js > ${N}`],
  },
  {
    runner: 'tape 4', specs: ['tape@4.17.0'], cmd: 'npx tape test/*.js', report: 'tape',
    base: { 'src/math.js': BUG, 'test/math.js': tapeFile('') },
    fix: { 'src/math.js': FIXED, 'test/math.js': tapeFile("test('add', (t) => { t.equal(math.add(2, 3), 5, 'should be equal'); t.end(); });\n"), 'test/extra.js': "const test = require('tape');\nconst math = require('../src/math.js');\ntest('adds negatives', (t) => { t.equal(math.add(-1, -1), -2, 'should be equal'); t.end(); });\n" },
    f2p: ['test/math.js > add', 'test/extra.js > adds negatives'],
    p2p: ['test/math.js > mul', 'test/math.js > mul > works', 'test/math.js > mul > works #2', `test/math.js > ${T}`, `test/math.js > ${N}`],
  },
  {
    runner: 'uvu', specs: ['uvu@0.5.6'], cmd: 'npx uvu test', report: 'uvu',
    base: { 'src/math.js': BUG, 'test/math.js': uvuFile('') },
    fix: { 'src/math.js': FIXED, 'test/math.js': uvuFile("const add = suite('add');\nadd('adds', () => assert.is(math.add(2, 3), 5));\nadd.run();\n"), 'test/extra.js': "const { suite } = require('uvu');\nconst assert = require('uvu/assert');\nconst math = require('../src/math.js');\nconst extra = suite('extra');\nextra('adds negatives', () => assert.is(math.add(-1, -1), -2));\nextra.run();\n" },
    // uvu names passing tests nowhere: its ids are suites (and failed tests).
    f2p: ['math.js > add', 'extra.js > extra'],
    p2p: ['math.js > mul', 'math.js > odd'],
  },
  {
    runner: 'ava', specs: ['ava@6.2.0'], cmd: 'npx ava', report: 'ava',
    base: { 'src/math.js': BUG, 'test/math.js': avaFile('') },
    fix: { 'src/math.js': FIXED, 'test/math.js': avaFile("test('adds', (t) => t.is(math.add(2, 3), 5));\n"), 'test/extra.js': "const test = require('ava');\nconst math = require('../src/math.js');\ntest('adds negatives', (t) => t.is(math.add(-1, -1), -2));\n" },
    // AVA forbids duplicate titles in a file; its TAP prints a tab in a title as a space.
    f2p: ['math > adds', 'extra > adds negatives'],
    p2p: ['math > mul works', 'math > tab here', `math > ${N}`],
  },
  {
    runner: 'node-tap', specs: ['tap@16.3.10'], cmd: 'npx tap --no-coverage test/', report: 'node-tap',
    base: { 'src/math.js': BUG, 'test/math.js': nodeTapFile('') },
    fix: { 'src/math.js': FIXED, 'test/math.js': nodeTapFile("t.test('add', async (t) => { t.equal(math.add(2, 3), 5); });\n"), 'test/extra.js': "const t = require('tap');\nconst math = require('../src/math.js');\nt.test('adds negatives', async (t) => { t.equal(math.add(-1, -1), -2); });\n" },
    // node-tap's TAP prints a tab in a title as a space.
    f2p: ['test/math.js > add', 'test/extra.js > adds negatives'],
    p2p: ['test/math.js > mul', 'test/math.js > mul > works', 'test/math.js > mul > works #2', 'test/math.js > tab here', `test/math.js > ${N}`],
  },
];

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-runners-e2e-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const only = process.env.FIXBENCH_RUNNER_CASES?.split(',');

describe.each(CASES.filter((c) => !only || only.includes(c.runner)))('$runner', (c) => {
  it('tasks create from the plain command gives the exact lists; lint, validate and grading agree', { timeout: 600_000 }, async () => {
    const cache = c.specs.length ? installedRunner(c.specs) : null;
    const setup = cache ? (c.copy ? `cp -R ${cache}/node_modules node_modules` : `ln -s ${cache}/node_modules node_modules`) : '';
    const pkg = { name: 'fixture', version: '1.0.0', private: true, scripts: { test: c.cmd }, ...c.pkg };
    const repo = gitRepo({ 'package.json': `${JSON.stringify(pkg, null, 2)}\n`, '.gitignore': 'node_modules\n', ...c.base }, [c.fix]);
    const tasks = path.join(tmp, c.runner.replace(/\W/g, '-'));
    try {
      const id = 'fixture-1';
      // No --test-cmd, no --test-report: both come from package.json.
      const created = await runCli(['tasks', 'create', '--repo', repo.dir, '--base', repo.commits[0]!, '--fix', repo.commits[1]!, '--setup', setup, '--id', id, '--tasks', tasks, '--sandbox', 'local']);
      expect(created.exitCode, created.stderr + created.stdout).toBe(0);
      const y = parse(await readFile(path.join(tasks, id, 'task.yaml'), 'utf8')) as Record<string, unknown>;
      expect(y).toMatchObject({ test_cmd: c.runner === 'node:test' ? c.cmd : 'npm test', test_report: c.report });
      expect([...(y.FAIL_TO_PASS as string[])].sort()).toEqual([...c.f2p].sort());
      expect([...(y.PASS_TO_PASS as string[])].sort()).toEqual([...c.p2p].sort());

      const lint = await runCli(['tasks', 'lint', '--tasks', tasks, id]);
      expect(lint.exitCode, lint.stderr).toBe(0);
      const validate = await runCli(['tasks', 'validate', id, '--tasks', tasks, '--runs', '1', '--sandbox', 'local', '--report', path.join(tasks, 'validation.json')]);
      expect(validate.exitCode, validate.stderr + validate.stdout).toBe(0);

      const task = await loadTask(path.join(tasks, id));
      const sandbox = await createSandbox('local', { quiet: true });
      const repoCache = new RepoCache({ tasksDir: tasks, cacheDir: path.join(tasks, '.cache') });
      try {
        const grade = (modelPatch: string) => evaluate({ task, modelPatch, sandbox, repoCache, workDir: tmp, gradeEmptyPatch: true });
        const gold = await grade(task.patch);
        expect(gold.outcome, gold.error ?? '').toBe('resolved');
        const noop = await grade('');
        expect(noop.outcome).toBe('unresolved');
        expect(noop.tests_status?.FAIL_TO_PASS.failure.sort()).toEqual([...c.f2p].sort());
      } finally {
        await sandbox.cleanup();
      }
    } finally {
      repo.cleanup();
    }
  });
});
