// `fixbench tasks fetch` on a suite file whose recipes point at a repository built here: the task
// it builds equals the one `tasks create` builds from the same commits, a URL is served from a
// --mirror, and a recipe that fails does not stop the others.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, type GitRepo } from '../helpers/git-repo.ts';
import { BASE_FILES, F2P, FIX_FILES, HIDDEN_TESTS, P2P, TEST_CMD } from '../helpers/tiny-task.ts';

let tmp: string;
let repo: GitRepo;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'fixbench-fetch-e2e-'));
  repo = gitRepo(BASE_FILES, [{ ...FIX_FILES, ...HIDDEN_TESTS }, { 'README.md': 'docs only\n' }]);
});
afterAll(async () => {
  repo.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

const recipe = (id: string, o: Record<string, unknown> = {}) => ({
  instance_id: id, repo: 'https://github.com/acme/tiny', license: 'MIT', base_commit: repo.commits[0], fix_commit: repo.commits[1],
  setup: '', test_cmd: TEST_CMD, test_report: 'tap', timeout_s: 60, ...o,
});

describe('fixbench tasks fetch', () => {
  it('says 0 of N built and names no next step when no recipe could be cloned (exit 3)', async () => {
    const suite = path.join(tmp, 'offline.yaml');
    await writeFile(suite, stringify({ format_version: 1, tasks: [recipe('off-1'), recipe('off-2')] }));
    const r = await runCli(['tasks', 'fetch', suite, '--tasks', path.join(tmp, 'offline-tasks'), '--mirror', `acme/tiny=${path.join(tmp, 'no-such-mirror')}`, '--sandbox', 'local', '--no-env-cache']);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/off-1: failed/);
    expect(r.stdout).toMatch(/0 of 2 built, 2 failed: no task in .* to validate/);
    expect(r.stdout).not.toMatch(/next:/);
  });

  it('builds each recipe from a mirror of its URL with create\'s code; a failing recipe is reported and the others are built', async () => {
    const suite = path.join(tmp, 'suite.yaml');
    await writeFile(suite, stringify({ format_version: 1, tasks: [recipe('tiny-fix'), recipe('tiny-docs', { base_commit: repo.commits[1], fix_commit: repo.commits[2] })] }));
    const tasks = path.join(tmp, 'tasks');
    const r = await runCli(['tasks', 'fetch', suite, '--tasks', tasks, '--mirror', `acme/tiny=${repo.dir}`, '--sandbox', 'local', '--no-env-cache']);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/tiny-fix: created/);
    expect(r.stderr).toMatch(/tiny-docs: failed: the fix changes no test file/);
    expect(r.stdout).toMatch(/1 of 2 built, 1 failed; tasks in .*; next: .* tasks validate --tasks /);
    const y = parse(await readFile(path.join(tasks, 'tiny-fix', 'task.yaml'), 'utf8')) as Record<string, unknown>;
    expect(y).toMatchObject({ repo: 'tiny', base_commit: repo.commits[0], FAIL_TO_PASS: F2P, swe_bench: { repo: 'acme/tiny' } });
    expect([...(y.PASS_TO_PASS as string[])].sort()).toEqual([...P2P].sort());
    expect(await readFile(path.join(tasks, 'tiny-fix', 'problem_statement.md'), 'utf8')).toBe('commit 1\n\n');
    // The built task is sound: lint passes.
    const lint = await runCli(['tasks', 'lint', '--tasks', tasks]);
    expect(lint.exitCode, lint.stdout + lint.stderr).toBe(0);
    // SWE-bench export names the upstream repository, and created_at is the fix commit's date.
    const exported = await runCli(['tasks', 'export', '--tasks', tasks]);
    expect(exported.exitCode, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout.trim().split('\n')[0]!)).toMatchObject({ repo: 'acme/tiny', instance_id: 'tiny-fix', created_at: expect.stringMatching(/^2024-01-01T01:00:00/) });
    // Fetched again: the existing task is kept, not rebuilt.
    const again = await runCli(['tasks', 'fetch', suite, 'tiny-fix', '--tasks', tasks, '--mirror', `acme/tiny=${repo.dir}`, '--sandbox', 'local', '--no-env-cache']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/tiny-fix: exists/);
    // A statement holding the gold patch's added lines hands agents the answer: lint warns.
    const gold = await readFile(path.join(tasks, 'tiny-fix', 'gold.patch'), 'utf8');
    await writeFile(path.join(tasks, 'tiny-fix', 'problem_statement.md'), `Fix the bug.\n\n${gold}`);
    const leaky = await runCli(['tasks', 'lint', '--tasks', tasks]);
    expect(leaky.stdout + leaky.stderr).toMatch(/problem_statement\.md: the problem statement contains \d+ of the gold patch's \d+ added line\(s\) verbatim/);
  });

  it('refuses a recipe whose fix commit message holds the diff (the statement would hand agents the fix)', async () => {
    const leak = gitRepo(BASE_FILES);
    try {
      leak.write({ ...FIX_FILES, ...HIDDEN_TESTS });
      leak.git('add', '-A');
      const diff = leak.git('diff', '--cached');
      leak.git('commit', '-q', '-m', `Fix the parser\n\n${diff}`);
      const head = leak.git('rev-parse', 'HEAD').trim();
      const suite = path.join(tmp, 'leak-suite.yaml');
      await writeFile(suite, stringify({ format_version: 1, tasks: [recipe('tiny-leak', { base_commit: leak.commits[0], fix_commit: head, repo: 'https://github.com/acme/leak' })] }));
      const r = await runCli(['tasks', 'fetch', suite, '--tasks', path.join(tmp, 'leak-tasks'), '--mirror', `acme/leak=${leak.dir}`, '--sandbox', 'local', '--no-env-cache']);
      expect(r.exitCode, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/tiny-leak: failed: .*problem statement contains \d+ of the gold patch's \d+ added line\(s\) verbatim/);
    } finally {
      leak.cleanup();
    }
  });

  it('refuses a suite file that carries code or patch text, naming the field', async () => {
    const suite = path.join(tmp, 'bad.yaml');
    await writeFile(suite, stringify({ format_version: 1, tasks: [{ ...recipe('x'), patch: 'diff --git a/x b/x\n' }] }));
    const r = await runCli(['tasks', 'fetch', suite, '--tasks', path.join(tmp, 'none'), '--sandbox', 'local']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml.*tasks\.0.*patch/s);
  });
});
