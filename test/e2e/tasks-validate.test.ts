// `fixbench tasks lint` and `tasks validate` on tasks built here from a tiny repository: a sound task
// passes; each deliberately broken one is rejected with its reason named.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationReport } from '../../src/tasks/validate.ts';
import { runCli } from '../helpers/cli.ts';
import { patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { F2P, FIX_FILES, HIDDEN_TESTS, P2P, tinyRepo, writeTinyTask } from '../helpers/tiny-task.ts';

let tmp: string;
let tasks: string;
let repo: GitRepo;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-validate-e2e-'));
  tasks = path.join(tmp, 'tasks');
  repo = tinyRepo();
  writeTinyTask(tasks, repo, 'good');
  writeTinyTask(tasks, repo, 'gold-does-not-fix', { gold: patchFor(repo, { 'src/add.js': '// adds\nexports.add = (a, b) => a - b;\n' }) });
  // A test whose result alternates with a counter kept outside the workspace (local sandbox).
  const counter = path.join(tmp, 'counter');
  const flaky =
    "const { describe, test } = require('node:test');\nconst assert = require('node:assert');\nconst fs = require('node:fs');\n" +
    `const f = ${JSON.stringify(counter)};\nconst n = (fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) : 0) + 1;\nfs.writeFileSync(f, String(n));\n` +
    "describe('flaky', () => {\n  test('sometimes', () => assert.ok(n % 4 < 2));\n});\n";
  writeTinyTask(tasks, repo, 'flaky', { test: patchFor(repo, { ...HIDDEN_TESTS, 'test/flaky.test.js': flaky }), yaml: { PASS_TO_PASS: [...P2P, 'flaky > sometimes'] } });
  writeTinyTask(tasks, repo, 'empty-f2p', { yaml: { FAIL_TO_PASS: [] } });
  writeTinyTask(tasks, repo, 'test-patch-does-not-apply', { test: patchFor(repo, HIDDEN_TESTS).replace(/^ (.*)$/m, ' $1 // changed context') + patchFor(repo, { 'test/base.test.js': `${BASE_TEST}// more\n` }).replace(/^ describe/m, ' describe-changed') });
  writeTinyTask(tasks, repo, 'already-passes', { yaml: { FAIL_TO_PASS: ['base > truth'], PASS_TO_PASS: ['add > is a function'] } });
});
afterAll(async () => {
  repo.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

const BASE_TEST = "const { describe, test } = require('node:test');\nconst assert = require('node:assert');\ndescribe('base', () => {\n  test('truth', () => assert.ok(true));\n});\n";

describe('fixbench tasks lint', () => {
  it('names every structural problem with file and field, and exits 2', async () => {
    const r = await runCli(['tasks', 'lint', '--tasks', tasks]);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/empty-f2p\/task\.yaml: FAIL_TO_PASS: list at least one test the fix makes pass/);
    expect(r.stdout).toMatch(/test-patch-does-not-apply\/test\.patch: does not apply at base_commit [0-9a-f]{12}: error: /);
    // no problem names the sound task (a weak-canary warning may: its hidden file holds two tests)
    expect(r.stdout.split('\n').filter((l) => !l.startsWith('warning:'))).not.toContainEqual(expect.stringMatching(/\/good\//));
    // the summary follows the problems on stdout (a newcomer piping the output keeps it)
    expect(r.stdout).toMatch(/\nlinted 6 task\(s\): 3 problem\(s\) in 2 task\(s\)(; \d+ warning\(s\) .*)?$/);
    expect(r.stderr).not.toMatch(/linted/);
  });

  it('checks repo and base_commit even when other fields of the task are wrong', async () => {
    const other = path.join(tmp, 'tasks-several');
    writeTinyTask(other, repo, 'several', { yaml: { FAIL_TO_PASS: [], base_commit: 'f'.repeat(40) } });
    const r = await runCli(['tasks', 'lint', '--tasks', other]);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/several\/task\.yaml: FAIL_TO_PASS: list at least one test/);
    expect(r.stdout).toMatch(/several\/task\.yaml: base_commit: f{40} is not in repository/);
    expect(r.stdout).toMatch(/\nlinted 1 task\(s\): 2 problem\(s\) in 1 task\(s\)$/);
  });

  it('exits 0 for sound tasks', async () => {
    const r = await runCli(['tasks', 'lint', '--tasks', tasks, 'good', 'flaky']);
    expect(r.exitCode, r.stderr).toBe(0);
    // warnings only (the tiny hidden file's two titles give weak canaries), then the summary
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, -1).every((l) => l.startsWith('warning:'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^linted 2 task\(s\): no problems(; \d+ warning\(s\) .*)?$/);
    expect(r.stderr).toBe('');
  });
});

describe('fixbench tasks validate', () => {
  it('accepts the sound task, rejects each broken one with its reason, writes the report and exits 3', async () => {
    const reportFile = path.join(tmp, 'out', 'validation.json');
    const r = await runCli(['tasks', 'validate', '--tasks', tasks, '--runs', '3', '--sandbox', 'local', '--report', reportFile]);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/validated 6 task\(s\) in \d+\.\d s: 5 invalid/);
    const report = ValidationReport.parse(JSON.parse(await readFile(reportFile, 'utf8')));
    const by = Object.fromEntries(report.tasks.map((t) => [t.instance_id, t]));
    expect(by.good).toMatchObject({ valid: true, reasons: [], flaky: [] });
    expect(by.good!.runs).toHaveLength(6);
    expect(by.good!.runs.filter((x) => x.phase === 'test_patch_only').map((x) => x.tests[F2P[0]!])).toEqual(['FAILED', 'FAILED', 'FAILED']);

    expect(by['gold-does-not-fix']!.reasons).toEqual([`gold does not fix it: 1 listed test(s) do not pass with gold.patch + test.patch (run 1): "add > adds two numbers" FAILED`]);
    expect(by.flaky!.reasons).toEqual([
      'flaky test "flaky > sometimes" with test.patch alone: run 1 PASSED, run 2 FAILED, run 3 PASSED',
      'flaky test "flaky > sometimes" with gold.patch + test.patch: run 1 FAILED, run 2 PASSED, run 3 FAILED',
      'gold does not fix it: 1 listed test(s) do not pass with gold.patch + test.patch (run 1): "flaky > sometimes" FAILED',
    ]);
    expect(by.flaky!.flaky.map((f) => [f.test, f.phase])).toEqual([['flaky > sometimes', 'test_patch_only'], ['flaky > sometimes', 'gold_and_test_patch']]);
    expect(by['empty-f2p']!.reasons).toEqual([expect.stringMatching(/empty-f2p\/task\.yaml: FAIL_TO_PASS: list at least one test the fix makes pass/)]);
    expect(by['test-patch-does-not-apply']!.reasons.join('\n')).toMatch(/test\.patch: does not apply at base_commit/);
    expect(by['already-passes']!.reasons).toContain('FAIL_TO_PASS test "base > truth" already passes at base_commit with test.patch alone (runs 1, 2, 3); it does not check the fix');
    expect(by['already-passes']!.reasons).toContain('noop resolves the task: every listed test passes with test.patch alone (runs 1, 2, 3)');

    const table = await readFile(reportFile.replace(/\.json$/, '.txt'), 'utf8');
    expect(table.trimEnd()).toBe(r.stdout.trimEnd());
    expect(table).toMatch(/^good\s+valid\s+3\s+0\s/m);
    expect(table).toMatch(/^flaky\s+INVALID\s+4\s+2\s/m);
  });

  it('exits 0 when every task is valid, and prints the time it took; --reports names the folder of the report', async () => {
    const reports = path.join(tmp, 'my-reports');
    const r = await runCli(['tasks', 'validate', 'good', '--tasks', tasks, '--runs', '1', '--reports', reports]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/validated 1 task\(s\) in \d+\.\d s: all valid; report: .*my-reports\/tasks-validation\.json/);
    expect(JSON.parse(await readFile(path.join(reports, 'tasks-validation.json'), 'utf8'))).toMatchObject({ valid: true });
    expect(existsSync(path.join(reports, 'tasks-validation.txt'))).toBe(true);
  });

  it('refuses a --reports folder it cannot write before validating anything', async () => {
    const file = path.join(tmp, 'a-file');
    await writeFile(file, '');
    const r = await runCli(['tasks', 'validate', 'good', '--tasks', tasks, '--runs', '1', '--reports', path.join(file, 'sub')]);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--reports .*a-file\/sub: not a writable folder/);
    expect(r.stderr).not.toMatch(/validating 1 task/);
  });

  it('refuses a folder with no task (exit 2) and leaves the last report alone', async () => {
    const empty = path.join(tmp, 'empty-tasks');
    await mkdir(empty, { recursive: true });
    const report = path.join(tmp, 'kept.json');
    await writeFile(report, 'the last real report\n');
    const r = await runCli(['tasks', 'validate', '--tasks', empty, '--runs', '1', '--report', report, '--sandbox', 'local']);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/no task in .*empty-tasks; nothing validated/);
    expect(r.stderr).not.toMatch(/all valid/);
    expect(await readFile(report, 'utf8')).toBe('the last real report\n');
  });

  it('refuses an unknown id and a bad --runs with exit 2', async () => {
    expect((await runCli(['tasks', 'validate', 'nope', '--tasks', tasks])).stderr).toMatch(/unknown task id\(s\): nope/);
    expect((await runCli(['tasks', 'validate', '--runs', '0', '--tasks', tasks])).exitCode).toBe(2);
  });

  it('an id not in the bundled tasks, without --tasks: lint and validate suggest --tasks (newcomer16 #9); with --tasks, no such line', async () => {
    for (const cmd of ['lint', 'validate']) {
      const r = await runCli(['tasks', cmd, 'mylib-1', ...(cmd === 'validate' ? ['--report', path.join(path.dirname(tasks), 'own-validation.json')] : [])]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`unknown task id\\(s\\): mylib-1; known tasks in \\S+tasks: .*\\n  fix: a task of your own folder\\? name it: \`.*fixbench(\\.mjs)? tasks ${cmd} mylib-1 --tasks <dir>\``));
    }
    expect((await runCli(['tasks', 'lint', 'mylib-1', '--tasks', tasks])).stderr).not.toMatch(/a task of your own folder/);
  });
});
void FIX_FILES;
