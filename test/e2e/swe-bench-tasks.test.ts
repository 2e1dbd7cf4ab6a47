// SWE-bench task folders in the layout SWE-bench Multimodal publishes (original fixtures built
// here): a `fail_only` task with a listed test the runner never reports, and a task whose listed
// name ends in a blank (as SWE-bench's log parsers keep it), plus a list-valued JSONL instance.
// Import, lint, validate, gold 100% / noop 0%, and export gives the folders back byte for byte.
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { BASE_FILES, FIX_FILES, TEST_CMD } from '../helpers/tiny-task.ts';

const HEAD = "const { describe, test } = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/add.js');\n";
// The second title ends in a blank: node:test reports it so, fixbench's TAP parser trims it.
const HIDDEN = {
  'test/add.test.js': `${HEAD}describe('add', () => {\n  test('adds two numbers', () => assert.equal(add(2, 3), 5));\n  test('adds negatives ', () => assert.equal(add(-2, -3), -5));\n});\n`,
};

const IMAGE_ENTRY = 'diff --git a/test/fixtures/expected.png b/test/fixtures/expected.png\nnew file mode 100644\nindex 0000000..0a1b2c3\nBinary files /dev/null and b/test/fixtures/expected.png differ\n';

let tmp: string;
let repo: GitRepo;
let published: string;

/** task.yaml as the task repository writes it (PyYAML's safe_dump: keys sorted, lists flush with their key). */
function taskYaml(id: string, base: string, evalType: string): string {
  return [
    `base_commit: ${base}`,
    "created_at: '2024-02-03T04:05:06Z'",
    'datasets:',
    '- acme/tiny-bench',
    `eval_type: ${evalType}`,
    `image: example.invalid/tiny.${id}:latest`,
    'image_assets:',
    '  patch: []',
    '  problem_statement:',
    '  - https://example.invalid/shot.png',
    '  test_patch: []',
    `instance_id: ${id}`,
    'log_parser: parse_log_tap',
    'repo: acme/tiny',
    'split: dev',
    "version: '1.0'",
    '',
  ].join('\n');
}

function writePublished(id: string, evalType: string, lists: { FAIL_TO_PASS: string[]; PASS_TO_PASS: string[] }, hints: string | null, root = published): void {
  const dir = path.join(root, id);
  mkdirSync(path.join(dir, 'problem_assets'), { recursive: true });
  mkdirSync(path.join(dir, 'test_assets', 'fixtures'), { recursive: true });
  writeFileSync(path.join(dir, 'task.yaml'), taskYaml(id, repo.commits[0]!, evalType));
  writeFileSync(path.join(dir, 'tests.json'), `${JSON.stringify(lists, null, 2)}\n`);
  writeFileSync(path.join(dir, 'gold.patch'), patchFor(repo, FIX_FILES));
  // An image-only binary entry, as git diff writes it without --binary: dropped at grading.
  writeFileSync(path.join(dir, 'test.patch'), `${patchFor(repo, HIDDEN)}${IMAGE_ENTRY}`);
  writeFileSync(path.join(dir, 'problem_statement.md'), `add(2, 3) gives -1 (${id}).\n\n![shot](https://example.invalid/shot.png)\n`);
  if (hints !== null) writeFileSync(path.join(dir, 'hints.md'), hints);
  writeFileSync(path.join(dir, 'eval.sh'), `#!/bin/bash\nset -uxo pipefail\ncd /testbed\n: '>>>>> Start Test Output'\n${TEST_CMD}\n: '>>>>> End Test Output'\n`);
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM example.invalid/base:1\nWORKDIR /testbed\n');
  writeFileSync(path.join(dir, 'problem_assets', '0-shot.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]));
  writeFileSync(path.join(dir, 'test_assets', 'fixtures', 'sum.txt'), '5\n');
}

/** Every file under `dir` (relative path → bytes). */
async function tree(dir: string, prefix = ''): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(path.join(dir, prefix))) {
    const rel = path.join(prefix, e);
    if ((await stat(path.join(dir, rel))).isDirectory()) for (const [k, v] of await tree(dir, rel)) out.set(k, v);
    else out.set(rel, await readFile(path.join(dir, rel)));
  }
  return out;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-swe-tasks-'));
  repo = gitRepo(BASE_FILES);
  published = path.join(tmp, 'published');
  // fail_only: the second name is one the runner never reports; SWE-bench counts it as passing.
  writePublished('acme__tiny-10', 'fail_only', { FAIL_TO_PASS: ['add > adds two numbers', 'add > is never reported'], PASS_TO_PASS: [] }, 'Look at the sign.\n');
  // A listed name ending in a blank, as SWE-bench's parser writes it.
  writePublished('acme__tiny-11', 'pass_and_fail', { FAIL_TO_PASS: ['add > adds negatives ', 'add > adds two numbers'], PASS_TO_PASS: ['base > truth'] }, null);
}, 60_000);
afterAll(async () => {
  repo.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

describe('tasks import --swe-bench-tasks', () => {
  it('imports, lints, validates, grades gold 100% / noop 0%, and exports the folders byte for byte', async () => {
    const tasks = path.join(tmp, 'tasks');
    const imp = await runCli(['tasks', 'import', '--swe-bench-tasks', published, '--tasks', tasks, '--repo-dir', `acme/tiny=${repo.dir}`, '--test-report', 'tap']);
    expect(imp.exitCode, imp.stderr).toBe(0);
    const y10 = parse(await readFile(path.join(tasks, 'acme__tiny-10', 'task.yaml'), 'utf8'));
    // test_cmd from eval.sh; eval_type and the SWE-bench names kept as such.
    expect(y10).toMatchObject({ test_cmd: TEST_CMD, eval_type: 'fail_only', ids: 'swe-bench', swe_bench: { repo: 'acme/tiny', log_parser: 'parse_log_tap', hints_text: 'Look at the sign.\n' } });
    const y11 = parse(await readFile(path.join(tasks, 'acme__tiny-11', 'task.yaml'), 'utf8'));
    expect(y11.FAIL_TO_PASS).toEqual(['add > adds negatives ', 'add > adds two numbers']);
    expect(await readFile(path.join(tasks, 'acme__tiny-11', 'problem_assets', '0-shot.png'))).toEqual(await readFile(path.join(published, 'acme__tiny-11', 'problem_assets', '0-shot.png')));

    const lint = await runCli(['tasks', 'lint', '--tasks', tasks]);
    expect(lint.exitCode, lint.stdout + lint.stderr).toBe(0);

    const report = path.join(tmp, 'validate.json');
    const val = await runCli(['tasks', 'validate', '--tasks', tasks, '--runs', '1', '--sandbox', 'local', '--report', report]);
    expect(val.exitCode, val.stdout + val.stderr).toBe(0);
    const vr = JSON.parse(await readFile(report, 'utf8'));
    expect(JSON.stringify(vr)).toMatch(/acme__tiny-10/);

    const run = await runCli(['run', '--tasks', tasks, '--no-models', '--sandbox', 'local', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports')]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/gold: resolved 2\/2 \(100\.0%\)/);
    expect(run.stderr).toMatch(/noop: resolved 0\/2 \(0\.0%\)/);
    for (const id of ['acme__tiny-10', 'acme__tiny-11']) {
      expect(run.stderr).toMatch(new RegExp(`gold ${id}#0: resolved`));
      expect(run.stderr).toMatch(new RegExp(`noop ${id}#0: unresolved`));
    }

    const out = path.join(tmp, 'exported');
    const exp = await runCli(['tasks', 'export', '--tasks', tasks, '--as', 'swe-bench-tasks', '--out', out]);
    expect(exp.exitCode, exp.stderr).toBe(0);
    const want = await tree(published);
    const got = await tree(out);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, v] of want) expect(got.get(k)?.equals(v), k).toBe(true);
  }, 240_000);

  it('lint refuses a trailing blank when the task does not declare ids: swe-bench', async () => {
    const tasks = path.join(tmp, 'tasks-clean');
    const imp = await runCli(['tasks', 'import', '--swe-bench-tasks', path.join(published, 'acme__tiny-11'), '--tasks', tasks, '--repo-dir', `acme/tiny=${repo.dir}`, '--test-report', 'tap']);
    expect(imp.exitCode, imp.stderr).toBe(0);
    const file = path.join(tasks, 'acme__tiny-11', 'task.yaml');
    writeFileSync(file, (await readFile(file, 'utf8')).replace(/^ids: swe-bench\n/m, ''));
    const lint = await runCli(['tasks', 'lint', '--tasks', tasks]);
    expect(lint.exitCode).not.toBe(0);
    expect(lint.stdout + lint.stderr).toMatch(/adds negatives .*blank at its start or end/);
  }, 60_000);

  it('a JSONL instance with list-valued FAIL_TO_PASS / PASS_TO_PASS imports, exports unchanged and grades gold 100% / noop 0%', async () => {
    const line = JSON.stringify({
      repo: 'acme/tiny', instance_id: 'acme__tiny-12', base_commit: repo.commits[0], patch: patchFor(repo, FIX_FILES), test_patch: patchFor(repo, HIDDEN),
      problem_statement: 'add is wrong.\n', hints_text: '', created_at: '2024-03-01T00:00:00Z', version: '1.0',
      FAIL_TO_PASS: ['add > adds negatives ', 'add > adds two numbers'], PASS_TO_PASS: ['base > truth'],
    });
    const file = path.join(tmp, 'lists.jsonl');
    writeFileSync(file, `${line}\n`);
    const tasks = path.join(tmp, 'tasks-jsonl');
    const imp = await runCli(['tasks', 'import', '--swe-bench', file, '--tasks', tasks, '--repo-dir', `acme/tiny=${repo.dir}`, '--test-cmd', TEST_CMD, '--test-report', 'tap']);
    expect(imp.exitCode, imp.stderr).toBe(0);
    const exp = await runCli(['tasks', 'export', '--tasks', tasks, '--no-run-spec', '--lists', 'array']);
    expect(exp.stdout.trimEnd()).toBe(line);
    const run = await runCli(['run', '--tasks', tasks, '--no-models', '--sandbox', 'local', '--results', path.join(tmp, 'results-jsonl'), '--reports', path.join(tmp, 'reports-jsonl')]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/gold: resolved 1\/1 \(100\.0%\)/);
    expect(run.stderr).toMatch(/noop: resolved 0\/1 \(0\.0%\)/);
  }, 120_000);
  it('refuses symbolic links in a published folder (problem_statement.md, problem_assets/), naming them; no host file reaches the task', async () => {
    const secret = path.join(tmp, 'host-secret.env');
    writeFileSync(secret, 'OPENAI_API_KEY=sk-host-secret-123\n');
    const root = path.join(tmp, 'published-links');
    const lists = { FAIL_TO_PASS: ['add > adds two numbers'], PASS_TO_PASS: [] };
    writePublished('acme__tiny-13', 'pass_and_fail', lists, null, root);
    const dir = path.join(root, 'acme__tiny-13');
    rmSync(path.join(dir, 'problem_statement.md'));
    symlinkSync(secret, path.join(dir, 'problem_statement.md'));
    symlinkSync(secret, path.join(dir, 'problem_assets', 'shot.png'));
    const tasks = path.join(tmp, 'tasks-links');
    const imp = await runCli(['tasks', 'import', '--swe-bench-tasks', root, '--tasks', tasks, '--repo-dir', `acme/tiny=${repo.dir}`, '--test-report', 'tap']);
    expect(imp.exitCode).not.toBe(0);
    expect(imp.stderr).toContain(`${path.join(dir, 'problem_statement.md')}: is a symbolic link`);
    expect(imp.stderr).toContain(`${path.join(dir, 'problem_assets', 'shot.png')}: is a symbolic link`);
    expect(imp.stderr).not.toContain('sk-host-secret');
    expect(existsSync(path.join(tasks, 'acme__tiny-13'))).toBe(false);
    // An asset link alone is refused too (it would be copied as a link to the host file).
    rmSync(path.join(dir, 'problem_statement.md'));
    writeFileSync(path.join(dir, 'problem_statement.md'), 'add is wrong.\n');
    const imp2 = await runCli(['tasks', 'import', '--swe-bench-tasks', root, '--tasks', tasks, '--repo-dir', `acme/tiny=${repo.dir}`, '--test-report', 'tap']);
    expect(imp2.exitCode).not.toBe(0);
    expect(imp2.stderr).toContain(`${path.join(dir, 'problem_assets', 'shot.png')}: is a symbolic link`);
    expect(existsSync(path.join(tasks, 'acme__tiny-13'))).toBe(false);
  }, 60_000);
});
