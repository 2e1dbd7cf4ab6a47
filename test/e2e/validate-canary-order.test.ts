// `tasks validate` on a task whose tests depend on each other's order (a counter shared across
// tests): gold resolves it, but a canary copy run between the tests moves the counter, so a listed
// test fails with the canaries in. The refusal names that test, the likely cause and the fix.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationReport } from '../../src/tasks/validate.ts';
import { runCli } from '../helpers/cli.ts';
import { patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { tinyRepo, writeTinyTask } from '../helpers/tiny-task.ts';

let tmp: string;
let tasks: string;
let repo: GitRepo;

const ORDERED =
  "const { describe, test } = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/add.js');\nlet ran = 0;\n" +
  "describe('add', () => {\n" +
  "  test('adds two numbers', () => {\n    ran++;\n    assert.equal(add(2, 3), 5);\n  });\n" +
  "  test('adds two zeros', () => {\n    ran++;\n    assert.equal(add(0, 0), 0);\n  });\n" +
  "  test('counts the tests before it', () => {\n    assert.equal(ran, 2);\n  });\n" +
  '});\n';

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-validate-order-'));
  tasks = path.join(tmp, 'tasks');
  repo = tinyRepo();
  writeTinyTask(tasks, repo, 'ordered', {
    test: patchFor(repo, { 'test/add.test.js': ORDERED }),
    yaml: { FAIL_TO_PASS: ['add > adds two numbers'], PASS_TO_PASS: ['add > adds two zeros', 'add > counts the tests before it', 'base > truth'] },
  });
});
afterAll(async () => {
  repo.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

describe('fixbench tasks validate: tests sharing state across the canaries', () => {
  it('says gold fails only with the canaries in, names the test, the likely cause and the fix', async () => {
    const reportFile = path.join(tmp, 'out', 'validation.json');
    const r = await runCli(['tasks', 'validate', '--tasks', tasks, '--runs', '1', '--sandbox', 'local', '--report', reportFile]);
    expect(r.exitCode, r.stderr).toBe(3);
    const [t] = ValidationReport.parse(JSON.parse(await readFile(reportFile, 'utf8'))).tasks;
    expect(t!.gold_without_canaries).toMatchObject({ outcome: 'resolved' });
    expect(t!.reasons[0]).toMatch(/^gold fails only with the canary tests in: without them gold is resolved \(run 2, a diagnosis with no canaries\), but with them listed test\(s\) fail: "add > counts the tests before it" FAILED \(run 1\)\. /);
    expect(t!.reasons[0]).toMatch(/Likely cause: the tests share state or depend on their order/);
    expect(t!.reasons[0]).toMatch(/Fix: make each test independent/);
    expect(r.stdout).toContain('gold fails only with the canary tests in');
  }, 300_000);
});
