// `fixbench tasks create` checks every flag and the repository before any test runs, and writes
// nothing when it refuses: the test command here leaves a marker file when it runs, so a check that
// came after a test run would be caught.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, type GitRepo } from '../helpers/git-repo.ts';
import { BASE_FILES, FIX_FILES, HIDDEN_TESTS, TEST_CMD } from '../helpers/tiny-task.ts';

let tmp: string;
let tasks: string;
let marker: string;
let repo: GitRepo;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-create-checks-'));
  tasks = path.join(tmp, 'tasks');
  marker = path.join(tmp, 'tests-ran');
  // commit 1: the fix and its tests; commit 2: the bug again; commit 3: a fix that also changes a lock file (protected).
  const more = "const test = require('node:test');\nconst assert = require('node:assert');\ntest('more', () => assert.equal(require('../src/add.js').add(1, 1), 2));\n";
  repo = gitRepo(BASE_FILES, [{ ...FIX_FILES, ...HIDDEN_TESTS }, BASE_FILES, { ...FIX_FILES, 'package-lock.json': '{}\n', 'test/more.test.js': more }]);
});
afterAll(async () => {
  repo.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

const create = (...args: string[]) =>
  runCli([
    'tasks', 'create', '--repo', repo.dir, '--test-cmd', `touch ${marker} && ${TEST_CMD}`, '--test-report', 'tap', '--tasks', tasks,
    '--sandbox', 'local', '--no-env-cache', ...args,
  ]);
const nothingWritten = async () => {
  expect(existsSync(marker), 'a test ran before the refusal').toBe(false);
  expect(existsSync(tasks) ? await readdir(tasks) : []).toEqual([]);
};

describe('fixbench tasks create refuses before running any test', () => {
  const fix = () => ['--base', repo.commits[0]!, '--fix', repo.commits[1]!];
  it.each([
    ['--bundle-name with a slash', ['--bundle-name', 'acme/tiny'], /--bundle-name acme\/tiny: a file name under <tasks>\/repos\/.*pass --upstream acme\/tiny/],
    ['a malformed --upstream', ['--upstream', 'not a repo'], /--upstream not a repo: give the public repository as owner\/name/],
    ['a bad --id', ['--id', '../x'], /--id \.\.\/x: use letters, digits/],
    ['a bad --test-report', ['--test-report', 'xml'], /--test-report xml: must be/],
    ['an unreadable --issue', ['--issue', '/nonexistent/issue.md'], /--issue \/nonexistent\/issue\.md: cannot read the file/],
    ['a base commit not in the repository', ['--base', 'f'.repeat(40)], /--base f{40}: not a commit of/],
    ['a fix commit not in the repository', ['--fix', 'nope'], /--fix nope: not a commit of/],
    ['a repository that does not exist', ['--repo', '/nonexistent/repo'], /--repo \/nonexistent\/repo: no such path/],
  ])('%s', async (_name, extra, message) => {
    const r = await create(...fix(), ...extra);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    await nothingWritten();
  });

  it('no --tasks: refused before anything runs (the bundled tasks/ is never the default destination)', async () => {
    const r = await runCli(['tasks', 'create', '--repo', repo.dir, ...fix(), '--test-cmd', `touch ${marker} && ${TEST_CMD}`, '--test-report', 'tap', '--sandbox', 'local', '--no-env-cache']);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/tasks create needs --tasks <dir>: the folder to write tasks into/);
    expect(existsSync(marker)).toBe(false);
  });

  it('a --tasks path that is a file', async () => {
    const file = path.join(tmp, 'a-file');
    await writeFile(file, '');
    const r = await create(...fix(), '--tasks', file);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--tasks .*a-file: not a folder/);
    expect(existsSync(marker)).toBe(false);
  });

  it('a failing --setup: the refusal quotes the setup failure without an error class name (newcomer16 #9)', async () => {
    const r = await runCli(['tasks', 'create', '--repo', repo.dir, '--base', repo.commits[0]!, '--fix', repo.commits[1]!, '--test-cmd', TEST_CMD, '--test-report', 'tap', '--setup', 'echo no-such-dependency >&2; exit 3', '--tasks', tasks, '--sandbox', 'local', '--no-env-cache']);
    expect(r.exitCode, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/setup failed before the fix \(test\.patch alone\), run 1: setup of \S+ /);
    expect(r.stderr).not.toMatch(/InfraError/);
    expect(existsSync(tasks) ? await readdir(tasks) : []).toEqual([]);
  });

  it("a test command whose Python module the sandbox's python3 lacks: the refusal says where python3 comes from and how to install it", async () => {
    const r = await runCli(['tasks', 'create', '--repo', repo.dir, '--base', repo.commits[0]!, '--fix', repo.commits[1]!, '--test-cmd', 'python3 -m fixbench_no_such_runner --junitxml=report.xml', '--test-report', 'junit:report.xml', '--tasks', tasks, '--sandbox', 'local', '--no-env-cache']);
    expect(r.exitCode, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/check --setup, --test-cmd and --test-report; the sandbox runs \/usr's python3, which has no module fixbench_no_such_runner: install it system-wide \(apt-get install python3-fixbench_no_such_runner\) or in --setup/);
    expect(existsSync(tasks) ? await readdir(tasks) : []).toEqual([]);
  });

  it('--base and --fix given the wrong way round: the refusal says --fix comes before --base and to swap them (newcomer23 #6)', async () => {
    const r = await create('--base', repo.commits[1]!, '--fix', repo.commits[0]!);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain(`--fix ${repo.commits[0]} is an ancestor of --base ${repo.commits[1]} (it comes before it): --base is the commit before the fix and --fix the one with it, so swap them`);
    expect(existsSync(tasks) ? await readdir(tasks) : []).toEqual([]);
    await rm(marker, { force: true });
  });

  it('a task that would fail its own lint is refused after the tests, with nothing written', async () => {
    const r = await create('--base', repo.commits[2]!, '--fix', repo.commits[3]!, '--test-files', 'test/**', '--id', 'locked');
    // The tests ran (the lists are computed), but the gold patch changes a protected lock file.
    expect(existsSync(marker)).toBe(true);
    await rm(marker);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/the task would fail its own lint, so nothing was written:\n {2}<tasks>\/locked\/gold\.patch: protected_files: the fix changes protected file\(s\) package-lock\.json/);
    expect(existsSync(tasks) ? await readdir(tasks) : []).toEqual([]);
  });
});
