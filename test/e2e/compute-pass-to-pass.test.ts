// `tasks import --compute-pass-to-pass`: a fail_only instance with an empty PASS_TO_PASS (nothing
// checks regressions) gets the tests gold passes as `strict_pass_to_pass`; grading reports
// `resolved_strict` beside the SWE-bench outcome, which it never changes: a patch that fixes the
// issue and breaks another test is resolved (SWE-bench's score) but not strictly resolved.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { TEST_CMD } from '../helpers/tiny-task.ts';

const HEAD = "const { describe, test } = require('node:test');\nconst assert = require('node:assert');\n";
const BASE = {
  'src/add.js': 'exports.add = (a, b) => a - b;\n',
  'src/mul.js': 'exports.mul = (a, b) => a * b;\n',
  'test/mul.test.js': `${HEAD}const { mul } = require('../src/mul.js');\ndescribe('mul', () => {\n  test('multiplies', () => assert.equal(mul(2, 3), 6));\n});\n`,
};
const HIDDEN = { 'test/add.test.js': `${HEAD}const { add } = require('../src/add.js');\ndescribe('add', () => {\n  test('adds', () => assert.equal(add(2, 3), 5));\n});\n` };

let tmp: string;
let repo: GitRepo;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-p2p-e2e-'));
  repo = gitRepo(BASE);
});
afterAll(async () => {
  repo.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

describe('tasks import --compute-pass-to-pass', () => {
  it('fills strict_pass_to_pass from one gold run; a regression is resolved for SWE-bench but not strictly', async () => {
    const gold = patchFor(repo, { 'src/add.js': 'exports.add = (a, b) => a + b;\n' });
    const regressing = patchFor(repo, { 'src/add.js': 'exports.add = (a, b) => a + b;\n', 'src/mul.js': 'exports.mul = (a, b) => a + b;\n' });
    const inst = {
      repo: 'acme/tiny', instance_id: 'acme__tiny-7', base_commit: repo.commits[0], patch: gold, test_patch: patchFor(repo, HIDDEN),
      problem_statement: 'add(2, 3) gives -1.\n', FAIL_TO_PASS: ['add > adds'], PASS_TO_PASS: [], eval_type: 'fail_only',
    };
    const file = path.join(tmp, 'swe.jsonl');
    await writeFile(file, `${JSON.stringify(inst)}\n`);
    const tasks = path.join(tmp, 'tasks');
    const imp = await runCli(['tasks', 'import', '--swe-bench', file, '--tasks', tasks, '--repo-dir', `acme/tiny=${repo.dir}`, '--test-cmd', TEST_CMD, '--test-report', 'tap', '--compute-pass-to-pass', '--sandbox', 'local']);
    expect(imp.exitCode, imp.stderr).toBe(0);
    expect(imp.stderr).toMatch(/acme__tiny-7: gold resolved; strict_pass_to_pass: 1 test/);
    const yaml = parse(await readFile(path.join(tasks, 'acme__tiny-7', 'task.yaml'), 'utf8'));
    // Every test gold passed beyond the lists; a describe is no test (node:test's TAP is read as its JUnit report names tests).
    expect(yaml.strict_pass_to_pass).toEqual(['mul > multiplies']);
    expect(yaml.PASS_TO_PASS).toEqual([]); // the SWE-bench lists stay as published

    const preds = path.join(tmp, 'preds.jsonl');
    await writeFile(preds, [
      { instance_id: 'acme__tiny-7', model_name_or_path: 'fixer', model_patch: gold },
      { instance_id: 'acme__tiny-7', model_name_or_path: 'regressor', model_patch: regressing },
    ].map((p) => JSON.stringify(p)).join('\n') + '\n');
    const ev = await runCli(['eval', '--predictions', preds, '--tasks', tasks, '--sandbox', 'local', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', 'p2p']);
    expect(ev.stderr).toMatch(/fixer: resolved 1\/1/);
    expect(ev.stderr).toMatch(/regressor: resolved 1\/1/); // SWE-bench's score: fail_only, nothing else listed
    expect(ev.stderr).toMatch(/fixer: strict 1\/1 .*not the SWE-bench score/);
    expect(ev.stderr).toMatch(/regressor: strict 0\/1/);
    const records = (await readFile(path.join(tmp, 'results', 'p2p', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(Object.fromEntries(records.map((r) => [r.contender, [r.outcome, r.resolved_strict]]))).toEqual({ fixer: ['resolved', true], regressor: ['resolved', false] });
  }, 120_000);

  it('a task gold does not resolve is imported without the list, and the import exits 3 naming it', async () => {
    const inst = {
      repo: 'acme/tiny', instance_id: 'acme__tiny-8', base_commit: repo.commits[0], patch: patchFor(repo, { 'src/add.js': 'exports.add = () => 0;\n' }),
      test_patch: patchFor(repo, HIDDEN), problem_statement: 'add is wrong.\n', FAIL_TO_PASS: ['add > adds'], PASS_TO_PASS: [],
    };
    const file = path.join(tmp, 'bad.jsonl');
    await writeFile(file, `${JSON.stringify(inst)}\n`);
    const tasks = path.join(tmp, 'tasks-bad');
    const imp = await runCli(['tasks', 'import', '--swe-bench', file, '--tasks', tasks, '--repo-dir', `acme/tiny=${repo.dir}`, '--test-cmd', TEST_CMD, '--test-report', 'tap', '--compute-pass-to-pass', '--sandbox', 'local']);
    expect(imp.exitCode).toBe(3);
    expect(imp.stderr).toMatch(/gold did not resolve 1 task\(s\) \(acme__tiny-8\)/);
    expect(parse(await readFile(path.join(tasks, 'acme__tiny-8', 'task.yaml'), 'utf8')).strict_pass_to_pass).toBeUndefined();
  }, 120_000);
});
