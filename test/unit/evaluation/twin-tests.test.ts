// Duplicate ids from the runner adapters (entries.ts resultsOf: `X`, `X #2`, … in report order):
// a wrong patch that registers passing twins of the hidden tests before the real ones must not
// resolve (attack F3), and a test really titled `t #2` is never overwritten by a twin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../../src/config/task.ts';
import { evaluate } from '../../../src/evaluation/evaluate.ts';
import { grade } from '../../../src/evaluation/grade.ts';
import { resultsOf } from '../../../src/evaluation/runners/entries.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { RepoCache } from '../../../src/workspace/repo-cache.ts';
import { gitRepo, patchFor, type GitRepo } from '../../helpers/git-repo.ts';

describe('twins in grading', () => {
  it('resultsOf never overwrites an id taken by an earlier twin', () => {
    const { results, duplicates } = resultsOf([
      { parts: ['f.js', 't'], status: 'PASSED' },
      { parts: ['f.js', 't'], status: 'PASSED' },
      { parts: ['f.js', 't #2'], status: 'FAILED' },
    ]);
    expect(Object.fromEntries(results)).toEqual({ 'f.js > t': 'PASSED', 'f.js > t #2': 'PASSED', 'f.js > t #2 #2': 'FAILED' });
    expect(duplicates).toBe(2);
  });
  it('grades a listed id with the worst of its unlisted twins; listed `#n` ids keep their own status', () => {
    const parsed = new Map([['m > adds', 'PASSED'], ['m > adds #2', 'FAILED'], ['m > works', 'PASSED'], ['m > works #2', 'FAILED']] as const);
    const g = grade({ FAIL_TO_PASS: ['m > adds'], PASS_TO_PASS: ['m > works', 'm > works #2'] }, parsed, 1);
    expect(g.tests_status.FAIL_TO_PASS).toEqual({ success: [], failure: ['m > adds'] });
    expect(g.tests_status.PASS_TO_PASS).toEqual({ success: ['m > works'], failure: ['m > works #2'] });
    // fail_only: a failing twin fails the listed id too.
    expect(grade({ FAIL_TO_PASS: ['m > adds'], PASS_TO_PASS: [], eval_type: 'fail_only' }, parsed, 1).resolved).toBe(false);
    // Honest duplicates that are listed: unchanged.
    expect(grade({ FAIL_TO_PASS: ['m > adds', 'm > adds #2'], PASS_TO_PASS: [] }, new Map([['m > adds', 'PASSED'], ['m > adds #2', 'PASSED']] as const), 0).resolved).toBe(true);
  });
});

const BUG = 'exports.add = (a, b) => a - b;\nexports.mul = (a, b) => a * b;\nexports.two = 2; exports.three = 3; exports.five = 5; exports.six = 6;\n';
const FIXED = BUG.replace('a - b', 'a + b');
const head = "const assert = require('node:assert');\nconst { describe, it } = require('node:test');\nconst math = require('../src/math.js');\n";
const body = (extra: string): string => `${head}describe('math', () => {\n  it('mul works', () => assert.strictEqual(math.mul(math.two, math.three), math.six));\n  it('mul zero', () => assert.strictEqual(math.mul(math.three, math.two), math.six));\n${extra}});\n`;
const ADD = "  describe('add', () => {\n    it('adds', () => assert.strictEqual(math.add(math.two, math.three), math.five));\n    it('adds zero', () => assert.strictEqual(math.add(math.three, math.two), math.five));\n  });\n";
// Registered from src/math.js under the test file's name (vm filename), so the runner reports them as that file's tests, first.
const TWINS = "const { describe, it } = require('node:test');\nrequire('vm').runInThisContext(\"(function (describe, it) { describe('math', () => { describe('add', () => { it('adds', () => {}); it('adds zero', () => {}); }); }); })\", { filename: require('path').join(__dirname, '../test/math.test.js') })(describe, it);\n";

describe('a wrong patch registering passing twins of the hidden tests', () => {
  let root: string;
  let repo: GitRepo;
  let task: TaskSpec;
  const sandbox = new LocalSandbox();
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'fixbench-twins-'));
    repo = gitRepo({ 'package.json': '{ "name": "fixture", "private": true }\n', 'src/math.js': BUG, 'test/math.test.js': body('') }, [{ 'src/math.js': FIXED, 'test/math.test.js': body(ADD) }]);
    task = {
      instance_id: 't1', repo: repo.dir, base_commit: repo.commits[0]!, setup: '', test_cmd: 'node --test', test_report: 'node-test',
      FAIL_TO_PASS: ['test/math.test.js > math > add > adds', 'test/math.test.js > math > add > adds zero'],
      PASS_TO_PASS: ['test/math.test.js > math > mul works', 'test/math.test.js > math > mul zero'],
      timeout_s: 120, tags: [], dir: join(root, 'tasks', 't1'), problem_statement: 'add subtracts',
      patch: patchFor(repo, { 'src/math.js': FIXED }), test_patch: patchFor(repo, { 'test/math.test.js': body(ADD) }),
    } as TaskSpec;
  });
  afterAll(async () => {
    await sandbox.cleanup();
    repo.cleanup();
    rmSync(root, { recursive: true, force: true });
  });
  const run = (modelPatch: string) =>
    evaluate({ task, modelPatch, sandbox, repoCache: new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') }), workDir: join(root, 'work') });

  it('does not resolve: the real failing tests reported as `#2` fail the listed ids', async () => {
    const res = await run(patchFor(repo, { 'src/math.js': BUG + TWINS }));
    expect(res.parsed).toMatchObject({ 'test/math.test.js > math > add > adds': 'PASSED', 'test/math.test.js > math > add > adds #2': 'FAILED' });
    expect(res.outcome).toBe('unresolved');
    expect(res.tests_status?.FAIL_TO_PASS.failure).toEqual(task.FAIL_TO_PASS);
  });
  it('resolves the gold patch', async () => {
    expect((await run(task.patch)).outcome).toBe('resolved');
  });
});
