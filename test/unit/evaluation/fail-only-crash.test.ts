// eval_type fail_only with a wrong patch that makes one test file crash on load: its listed tests
// are missing from the results, and the file gives one file-level ERROR entry. They must count as
// failed (attack F2), while a listed test legitimately absent from a file that ran still passes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../../src/config/task.ts';
import { evaluate } from '../../../src/evaluation/evaluate.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { RepoCache } from '../../../src/workspace/repo-cache.ts';
import { gitRepo, patchFor, type GitRepo } from '../../helpers/git-repo.ts';

const BUG = 'exports.add = (a, b) => a - b;\nexports.mul = (a, b) => a * b;\n';
const FIXED = BUG.replace('a - b', 'a + b');
const head = "const assert = require('node:assert');\nconst { describe, it } = require('node:test');\nconst math = require('../src/math.js');\n";
const A = (extra: string): string => `${head}describe('math', () => {\n  it('mul works', () => assert.strictEqual(math.mul(2, 3), 6));\n${extra}});\n`;
const ADD = "  describe('add', () => {\n    it('adds', () => assert.strictEqual(math.add(2, 3), 5));\n    it('adds zero', () => assert.strictEqual(math.add(0, 3), 3));\n  });\n";
const B = (c: string): string => `${head}// ${c}\ndescribe('mul', () => {\n  it('mul one', () => assert.strictEqual(math.mul(1, 3), 3));\n  it('mul two', () => assert.strictEqual(math.mul(2, 3), 6));\n});\n`;

describe('fail_only: a test file that crashes on load', () => {
  let root: string;
  let repo: GitRepo;
  let task: TaskSpec;
  const sandbox = new LocalSandbox();
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'fixbench-failonly-'));
    const files = { 'package.json': '{ "name": "fixture", "private": true }\n', 'src/math.js': BUG, 'test/a.test.js': A(''), 'test/b.test.js': B('v1') };
    repo = gitRepo(files, [{ 'src/math.js': FIXED, 'test/a.test.js': A(ADD), 'test/b.test.js': B('v2') }]);
    task = {
      instance_id: 't1', repo: repo.dir, base_commit: repo.commits[0]!, setup: '', test_cmd: 'node --test', test_report: 'node-test',
      FAIL_TO_PASS: ['test/a.test.js > math > add > adds', 'test/a.test.js > math > add > adds zero'],
      PASS_TO_PASS: ['test/a.test.js > math > mul works', 'test/b.test.js > mul > mul one', 'test/b.test.js > mul > mul two'],
      timeout_s: 120, tags: [], dir: join(root, 'tasks', 't1'), problem_statement: 'add subtracts', eval_type: 'fail_only',
      patch: patchFor(repo, { 'src/math.js': FIXED }),
      test_patch: patchFor(repo, { 'test/a.test.js': A(ADD), 'test/b.test.js': B('v2') }),
    } as TaskSpec;
  });
  afterAll(async () => {
    await sandbox.cleanup();
    repo.cleanup();
    rmSync(root, { recursive: true, force: true });
  });
  const run = (modelPatch: string, over: Partial<TaskSpec> = {}) =>
    evaluate({ task: { ...task, ...over }, modelPatch, sandbox, repoCache: new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') }), workDir: join(root, 'work'), gradeEmptyPatch: true });

  it('grades the listed tests of the crashed file as failed, not as absent-and-passing', async () => {
    const crash = "if (module.parent && /a\\.test\\.js$/.test(module.parent.filename)) throw new Error('not today');\n";
    const res = await run(patchFor(repo, { 'src/math.js': BUG + crash }));
    expect(res.parsed).toMatchObject({ 'test/a.test.js': 'ERROR' });
    expect(res.outcome).toBe('unresolved');
    expect(res.tests_status?.FAIL_TO_PASS.failure).toEqual(task.FAIL_TO_PASS);
    expect(res.tests_status?.PASS_TO_PASS).toEqual({ success: ['test/b.test.js > mul > mul one', 'test/b.test.js > mul > mul two'], failure: ['test/a.test.js > math > mul works'] });
  });
  it('still resolves the gold patch with a listed test absent from a file that ran (SWE-bench fail_only)', async () => {
    const res = await run(task.patch, { PASS_TO_PASS: [...task.PASS_TO_PASS, 'test/b.test.js > mul > never reported'] });
    expect(res.outcome).toBe('resolved');
    expect(res.tests_status?.PASS_TO_PASS.success).toContain('test/b.test.js > mul > never reported');
  });
});
