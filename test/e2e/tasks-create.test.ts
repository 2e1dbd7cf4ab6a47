// `fixbench tasks create` on a small git repository built here: the lists it computes by running
// the tests before and after the fix equal the lists written by hand.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, patchFor, testGitEnv, type GitRepo } from '../helpers/git-repo.ts';
import { BASE_FILES, F2P, FIX_FILES, HIDDEN_TESTS, P2P, TEST_CMD } from '../helpers/tiny-task.ts';

let tmp: string;
let tasks: string;
let repo: GitRepo;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-create-e2e-'));
  tasks = path.join(tmp, 'tasks');
  // commit 0: the bug; commit 1: the fix and its tests; commit 2: a source-only change.
  repo = gitRepo(BASE_FILES, [{ ...FIX_FILES, ...HIDDEN_TESTS }, { 'src/add.js': 'exports.add = (a, b) => b + a;\n' }]);
});
afterAll(async () => {
  repo.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

const create = (...args: string[]) =>
  runCli(['tasks', 'create', '--repo', repo.dir, '--test-cmd', TEST_CMD, '--test-report', 'tap', '--tasks', tasks, '--sandbox', 'local', '--cache-dir', path.join(tmp, 'cache'), ...args]);
const yamlOf = async (id: string) => parse(await readFile(path.join(tasks, id, 'task.yaml'), 'utf8')) as Record<string, unknown>;

describe('fixbench tasks create', () => {
  it('from a fix commit: splits the fix, computes the lists by hand-written expectation, writes a bundle without the fix', async () => {
    const r = await create('--base', repo.commits[0]!, '--fix', repo.commits[1]!, '--id', 'tiny-1');
    expect(r.exitCode, r.stderr).toBe(0);
    // how well the canaries cover the task is judged by validate, not create: it says so (newcomer18 #5)
    expect(r.stderr).toMatch(/next: read FAIL_TO_PASS .* tasks validate tiny-1 .*\ntamper protection not judged yet: create ran the canaries, tasks validate says how well they cover this task/);
    const y = await yamlOf('tiny-1');
    expect(y.FAIL_TO_PASS).toEqual(F2P);
    expect([...(y.PASS_TO_PASS as string[])].sort()).toEqual([...P2P].sort());
    expect(y).toMatchObject({ instance_id: 'tiny-1', base_commit: repo.commits[0], test_cmd: TEST_CMD, test_report: 'tap', setup: '', language: 'javascript' });
    const gold = await readFile(path.join(tasks, 'tiny-1', 'gold.patch'), 'utf8');
    const test = await readFile(path.join(tasks, 'tiny-1', 'test.patch'), 'utf8');
    expect(gold).toMatch(/^diff --git a\/src\/add\.js b\/src\/add\.js\n/);
    expect(gold).not.toMatch(/test\//);
    expect(test).toMatch(/^diff --git a\/test\/add\.test\.js b\/test\/add\.test\.js\nnew file mode/);
    expect(await readFile(path.join(tasks, 'tiny-1', 'problem_statement.md'), 'utf8')).toBe('commit 1\n\n');
    // The bundle holds base_commit and never the fix.
    const bundle = path.join(tasks, 'repos', `${y.repo as string}.bundle`);
    expect(existsSync(bundle)).toBe(true);
    const clone = path.join(tmp, 'clone');
    execFileSync('git', ['clone', '-q', bundle, clone], { env: testGitEnv() });
    const commits = execFileSync('git', ['-C', clone, 'rev-list', '--all'], { env: testGitEnv(), encoding: 'utf8' }).trim().split('\n');
    expect(commits).toEqual([repo.commits[0]]);
    // A summary: counts and the FAIL_TO_PASS ids; PASS_TO_PASS ids only with --verbose.
    expect(r.stdout).toMatch(/FAIL_TO_PASS: 1 {2}PASS_TO_PASS: 2/);
    expect(r.stdout).toMatch(/ {2}FAIL_TO_PASS:\n {4}- add > adds two numbers\n/);
    expect(r.stdout).not.toMatch(/base > truth/);
    expect(r.stdout).toMatch(/warning: the problem statement is the fix commit's message/);
    expect(r.stdout).toMatch(/warning: no upstream repository is known/);
    expect(r.stdout).not.toMatch(/already has this base_commit and fix/);
    expect(y.created_at).toMatch(/^2024-01-01T01:00:00(?:Z|\+00:00)$/);
  });

  it('from a patch file with --issue and --no-bundle', async () => {
    const fix = path.join(tmp, 'fix.patch');
    await writeFile(fix, repo.git('diff', repo.commits[0]!, repo.commits[1]!));
    const issue = path.join(tmp, 'issue.md');
    await writeFile(issue, '# add subtracts\n\nadd(2, 3) is -1.\n');
    const args = ['--base', repo.commits[0]!, '--fix', fix, '--issue', issue, '--no-bundle', '--id', 'tiny-2', '--verbose', '--upstream', 'acme/tiny'];
    // the same base_commit and fix as tiny-1 (written by the test above): refused before any test runs, nothing written
    const dup = await create(...args);
    expect(dup.exitCode, dup.stderr).toBe(2);
    expect(dup.stderr).toMatch(/task tiny-1 in .* already has this base_commit and fix .*nothing was run or written: remove .*tiny-1 first, or pass --allow-duplicate to add tiny-2 beside it/);
    expect(dup.stderr).not.toMatch(/run 1 before the fix/);
    expect(existsSync(path.join(tasks, 'tiny-2'))).toBe(false);
    const r = await create(...args, '--allow-duplicate');
    expect(r.exitCode, r.stderr).toBe(0);
    const y = await yamlOf('tiny-2');
    expect(y.repo).toBe(repo.dir);
    expect(y.swe_bench).toEqual({ repo: 'acme/tiny' });
    expect(r.stdout).toMatch(/upstream acme\/tiny/);
    expect(r.stdout).toMatch(/PASS_TO_PASS:\n {4}- .*\n {4}- .*$/m);
    expect(r.stdout).toMatch(/- base > truth$/m);
    expect(r.stdout).not.toMatch(/commit's message/);
    // written on request, and still said so
    expect(r.stdout).toMatch(/warning: task tiny-1 in .* already has this base_commit and fix .*exists.*tiny-2 is a duplicate written by --allow-duplicate/);
    expect(y.FAIL_TO_PASS).toEqual(F2P);
    expect([...(y.PASS_TO_PASS as string[])].sort()).toEqual([...P2P].sort());
    expect(await readFile(path.join(tasks, 'tiny-2', 'problem_statement.md'), 'utf8')).toBe('# add subtracts\n\nadd(2, 3) is -1.\n');
  });

  it('refuses a fix without tests, an unknown commit and an existing task, with exit 2', async () => {
    const noTests = await create('--base', repo.commits[1]!, '--fix', repo.commits[2]!, '--id', 'tiny-3');
    expect(noTests.exitCode).toBe(2);
    expect(noTests.stderr).toMatch(/the fix changes no test file by the rules .*it changes src\/add\.js.*pass --test-files/);
    const unknown = await create('--base', 'f'.repeat(40), '--fix', repo.commits[1]!);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/--base f{40}: not a commit of/);
    const exists = await create('--base', repo.commits[0]!, '--fix', repo.commits[1]!, '--id', 'tiny-1');
    expect(exists.exitCode).toBe(2);
    expect(exists.stderr).toMatch(/tiny-1 already exists; .*--force/);
    // Refused before the tests run (no "run 1 before the fix" progress), so nothing was touched.
    expect(exists.stderr).not.toMatch(/run 1 before the fix/);
  });

  it('warns (and writes) when an existing task has the same base_commit and gold.patch, only the tests differing', async () => {
    // tiny-1 (the first test) holds this fix; these tests add a case to its test file
    const more = String(HIDDEN_TESTS['test/add.test.js']).replace("test('is a function'", "test('adds negatives', () => assert.equal(add(-2, -3), -5));\n  test('is a function'");
    const fix = path.join(tmp, 'same-gold.patch');
    await writeFile(fix, patchFor(repo, { ...FIX_FILES, 'test/add.test.js': more }));
    const r = await create('--base', repo.commits[0]!, '--fix', fix, '--issue', path.join(tmp, 'issue.md'), '--no-bundle', '--id', 'tiny-gold');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/warning: task tiny-1 in .* already has this base_commit and gold\.patch; only the tests differ, so the suite scores this fix twice: add these tests to tiny-1 instead/);
    expect(r.stdout).not.toMatch(/duplicate written by --allow-duplicate/);
    expect(existsSync(path.join(tasks, 'tiny-gold', 'task.yaml'))).toBe(true);
  });
});
