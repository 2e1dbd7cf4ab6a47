// SWE-bench JSONL through `tasks import` and `tasks export`: a round trip gives the same lines back;
// missing run specs and unreachable repositories are refused, naming what to do.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { F2P, FIX_FILES, HIDDEN_TESTS, P2P, TEST_CMD, tinyRepo } from '../helpers/tiny-task.ts';

let tmp: string;
let repo: GitRepo;
let file: string;
let lines: string[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-swe-e2e-'));
  repo = tinyRepo();
  const common = {
    repo: 'acme/tiny',
    base_commit: repo.commits[0],
    patch: patchFor(repo, FIX_FILES),
    test_patch: patchFor(repo, HIDDEN_TESTS),
  };
  // Field order and list format as in the Hugging Face dataset.
  lines = [
    JSON.stringify({
      ...{ repo: common.repo, instance_id: 'acme__tiny-1', base_commit: common.base_commit, patch: common.patch, test_patch: common.test_patch },
      problem_statement: 'add(2, 3) gives -1.\r\nIt should give 5 — «always».\n',
      hints_text: 'Look at the sign.',
      created_at: '2023-05-01T12:00:00Z',
      version: '0.1',
      FAIL_TO_PASS: JSON.stringify(F2P),
      PASS_TO_PASS: `[${P2P.map((t) => JSON.stringify(t)).join(', ')}]`,
      environment_setup_commit: repo.commits[0],
    }),
    JSON.stringify({
      ...{ repo: common.repo, instance_id: 'acme__tiny-2', base_commit: common.base_commit, patch: common.patch, test_patch: common.test_patch },
      problem_statement: 'Same bug, reported twice.\n',
      hints_text: '',
      created_at: '2023-06-01',
      version: '0.2',
      FAIL_TO_PASS: F2P,
      PASS_TO_PASS: P2P,
      environment_setup_commit: repo.commits[0],
      custom_field: { kept: [1, 2] },
    }),
  ];
  file = path.join(tmp, 'swe.jsonl');
  await writeFile(file, lines.join('\n') + '\n');
});
afterAll(async () => {
  repo.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

describe('fixbench tasks import --swe-bench / tasks export', () => {
  it('round-trips SWE-bench instances without loss', async () => {
    const tasks = path.join(tmp, 'tasks');
    const imp = await runCli(['tasks', 'import', '--swe-bench', file, '--tasks', tasks, '--repo-dir', `acme/tiny=${repo.dir}`, '--test-cmd', TEST_CMD, '--test-report', 'tap']);
    expect(imp.exitCode, imp.stderr).toBe(0);
    expect(imp.stderr).toMatch(/imported 2 task\(s\)/);
    const y = parse(await readFile(path.join(tasks, 'acme__tiny-1', 'task.yaml'), 'utf8'));
    expect(y).toMatchObject({ repo: repo.dir, FAIL_TO_PASS: F2P, PASS_TO_PASS: P2P, test_cmd: TEST_CMD, swe_bench: { repo: 'acme/tiny', hints_text: 'Look at the sign.', version: '0.1' } });
    expect(await readFile(path.join(tasks, 'acme__tiny-1', 'problem_statement.md'), 'utf8')).toBe('add(2, 3) gives -1.\r\nIt should give 5 — «always».\n');

    // The imported tasks are sound: repo, base_commit and both patches check out.
    const lint = await runCli(['tasks', 'lint', '--tasks', tasks]);
    expect(lint.exitCode, lint.stdout + lint.stderr).toBe(0);

    const out = path.join(tmp, 'out.jsonl');
    const exp = await runCli(['tasks', 'export', '--tasks', tasks, '--no-run-spec', '--out', out]);
    expect(exp.exitCode, exp.stderr).toBe(0);
    const back = (await readFile(out, 'utf8')).trimEnd().split('\n');
    // Line 1 uses the dataset's own field order and list format (Python-style JSON strings): byte for byte.
    expect(JSON.parse(back[0]!)).toEqual(JSON.parse(lines[0]!));
    expect(back[0]).toBe(lines[0]);
    const arrays = await runCli(['tasks', 'export', 'acme__tiny-2', '--tasks', tasks, '--no-run-spec', '--lists', 'array']);
    expect(JSON.parse(arrays.stdout)).toEqual(JSON.parse(lines[1]!));

    // With the run spec, an export imports again with no flags at all.
    const withSpec = path.join(tmp, 'with-spec.jsonl');
    expect((await runCli(['tasks', 'export', '--tasks', tasks, '--out', withSpec])).exitCode).toBe(0);
    const again = await runCli(['tasks', 'import', '--swe-bench', withSpec, '--tasks', path.join(tmp, 'tasks2'), '--repo-dir', repo.dir]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(await readFile(path.join(tmp, 'tasks2', 'acme__tiny-2', 'task.yaml'), 'utf8')).toBe(await readFile(path.join(tasks, 'acme__tiny-2', 'task.yaml'), 'utf8'));
  });

  it('says what is missing to run the instances, and writes nothing', async () => {
    const tasks = path.join(tmp, 'tasks-missing');
    const r = await runCli(['tasks', 'import', '--swe-bench', file, '--tasks', tasks, '--repo-dir', `acme/tiny=${repo.dir}`]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/swe\.jsonl:1: acme__tiny-1: no test_cmd, test_report for repo "acme\/tiny" .*pass --test-cmd and --test-report, or give them for "acme\/tiny" in a --spec file/);
    expect(r.stderr).toMatch(/swe\.jsonl:2: acme__tiny-2: no test_cmd/);
    expect(await readdir(tasks).catch(() => [])).toEqual([]);
  });

  it('names an unreachable repository and how to point at a local clone', async () => {
    const tasks = path.join(tmp, 'tasks-offline');
    const r = await runCli(['tasks', 'import', '--swe-bench', file, '--tasks', tasks, '--test-cmd', TEST_CMD, '--test-report', 'tap']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/repo "acme\/tiny" \(https:\/\/github\.com\/acme\/tiny, used by 2 instance\(s\)\) cannot be cloned: .*; clone it where you have access and pass --repo-dir acme\/tiny=<path/);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(await readdir(tasks).catch(() => [])).toEqual([]);
  });

  it('refuses a malformed file naming line and field', async () => {
    const bad = path.join(tmp, 'bad.jsonl');
    await writeFile(bad, `${lines[0]}\n{"repo": "a/b", "instance_id": "x"}\n`);
    const r = await runCli(['tasks', 'import', '--swe-bench', bad, '--tasks', path.join(tmp, 'tasks-bad'), '--test-cmd', 'x', '--test-report', 'tap']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl:2: base_commit: missing required field/);
    expect(r.stderr).toMatch(/bad\.jsonl:2: FAIL_TO_PASS: must be a list of test ids/);
  });
});
