// Broken fixtures and flags found by attacking the CLI: each is refused with exit code 2 before any
// work starts, naming the file and field (regression tests, one per fault found).
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';

const ID = 'js-duration-1';
let tmp: string;
let tasks: string;
let taskDir: string;

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-badfix-'));
  tasks = path.join(tmp, 'tasks');
  taskDir = path.join(tasks, ID);
  await cp(path.join(ROOT, 'tasks', 'repos'), path.join(tasks, 'repos'), { recursive: true });
  await cp(path.join(ROOT, 'tasks', ID), taskDir, { recursive: true });
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const edit = async (file: string, f: (s: string) => string) => writeFile(path.join(taskDir, file), f(await readFile(path.join(taskDir, file), 'utf8')));
const run = (...extra: string[]) =>
  runCli(['run', '--tasks', tasks, '--no-models', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), ...extra]);
async function expectRefused(r: { exitCode: number; stderr: string }, pattern: RegExp): Promise<void> {
  expect(r.exitCode, r.stderr).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(await readdir(path.join(tmp, 'results')).catch(() => [])).toEqual([]);
}

describe('broken fixtures are refused before any work', () => {
  it('a base_commit that is not in the repository', async () => {
    await edit('task.yaml', (s) => s.replace(/^base_commit: .*$/m, `base_commit: ${'de'.repeat(20)}`));
    await expectRefused(await run(), /js-duration-1\/task\.yaml: base_commit: (de){20} is not in repository "js-duration"/);
  });

  it('an empty gold.patch (0 bytes)', async () => {
    await writeFile(path.join(taskDir, 'gold.patch'), '');
    await expectRefused(await run(), /gold\.patch: empty; write the diff/);
  });

  it('an empty problem statement (0 bytes)', async () => {
    await writeFile(path.join(taskDir, 'problem_statement.md'), '');
    await expectRefused(await run(), /problem_statement\.md: empty/);
  });

  it('a gold.patch that does not apply at base_commit', async () => {
    await edit('gold.patch', (s) => s.replace(/^ (.*)$/m, ' $1 changed context'));
    await expectRefused(await run(), /gold\.patch: does not apply at base_commit [0-9a-f]{12}: error: /);
  });

  it("pre-flight's refusal comes before the sandbox made beside it: no local-sandbox warning, and a bwrap sandbox's folder is removed", async () => {
    await edit('gold.patch', (s) => s.replace(/^ (.*)$/m, ' $1 changed context'));
    const local = await run('--sandbox', 'local');
    await expectRefused(local, /gold\.patch: does not apply at base_commit/);
    expect(local.stderr).not.toMatch(/NOT isolated/);
    const ownTmp = path.join(tmp, 'own-tmp');
    await mkdir(ownTmp);
    const isolated = await runCli(['run', '--tasks', tasks, '--no-models', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports')], { env: { TMPDIR: ownTmp } });
    await expectRefused(isolated, /gold\.patch: does not apply at base_commit/);
    expect((await readdir(ownTmp)).filter((f) => f.startsWith('fixbench-bwrap-'))).toEqual([]);
  });

  it('a test.patch that does not apply', async () => {
    await edit('test.patch', (s) => s.replace(/^ (.*)$/m, ' $1 changed context'));
    await expectRefused(await run(), /test\.patch: does not apply/);
  });

  it('a junit report path outside the repository', async () => {
    await edit('task.yaml', (s) => s.replace(/^test_report: .*$/m, 'test_report: junit:../../etc/report.xml'));
    await expectRefused(await run(), /test_report: the junit report path must be relative to the repository root and stay inside it/);
  });

  it('a test listed in both FAIL_TO_PASS and PASS_TO_PASS', async () => {
    const yaml = await readFile(path.join(taskDir, 'task.yaml'), 'utf8');
    const first = /^FAIL_TO_PASS:\n\s+- (.*)$/m.exec(yaml)![1]!;
    await edit('task.yaml', (s) => s.replace(/^PASS_TO_PASS:\n/m, `PASS_TO_PASS:\n  - ${first}\n`));
    await expectRefused(await run(), /PASS_TO_PASS\.0: .* is also in FAIL_TO_PASS/);
  });

  it('a YAML alias to a missing anchor', async () => {
    await edit('task.yaml', (s) => s.replace(/^tags: .*$/m, 'tags: *nope'));
    await expectRefused(await run(), /task\.yaml: not valid YAML/);
  });

  it('a broken symbolic link among the task folders', async () => {
    await symlink(path.join(tmp, 'nowhere'), path.join(tasks, 'old-task'));
    await expectRefused(await run(), /old-task: cannot be read \(a broken link\?\)/);
  });
});

describe('broken catalogs, price sheets and flags are refused before any work', () => {
  const priced = async (sheet: string, models = 'deepseek-v3.2', extra: string[] = []) => {
    const file = path.join(tmp, '2026-05-01.yaml');
    await writeFile(file, `as_of: "2026-05-01"\nsource: test\nmodels:\n${sheet}`);
    return runCli(['run', '--tasks', tasks, '--models', models, '--prices', file, '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), ...extra], {
      env: { OPENROUTER_API_KEY: 'sk-or-v1-not-a-real-key-000000' },
    });
  };

  it('a price in USD per token rather than per million tokens', async () => {
    await expectRefused(await priced('  deepseek-v3.2: { input: "0.00000028", output: "0.00000042" }\n'), /input: is implausibly small .* looks like USD per token/);
  });

  it('a model with no row in the price sheet (a typo would lift its USD caps)', async () => {
    await expectRefused(await priced('  deepseek-v3.3: { input: "0.28", output: "0.42" }\n'), /models: no row "deepseek-v3\.2" for model deepseek-v3\.2; add the row, or "deepseek-v3\.2: null"/);
  });

  it('a USD budget that cannot count a model (no price, and no priced row to bound it at) is refused before any call', async () => {
    await expectRefused(await priced('  deepseek-v3.2: null\n'), /--budget-usd 2 cannot count the calls of deepseek-v3\.2: .* add a price row for them, or pass --budget-usd none and --attempt-usd none/);
  });

  it('regression: so is an --attempt-usd cap without a run budget (it was lifted silently)', async () => {
    await expectRefused(await priced('  deepseek-v3.2: null\n', 'deepseek-v3.2', ['--budget-usd', 'none']), /--attempt-usd 0\.5 cannot count the calls of deepseek-v3\.2: .* or pass --attempt-usd none/);
  });

  it('a base_url that is not http(s)', async () => {
    const models = path.join(tmp, 'models.yaml');
    await writeFile(models, 'models:\n  - { id: m, provider: p, api: openai-chat, base_url: "ftp://127.0.0.1/v1", api_key_env: M_KEY, model: m, vendor: v, region: US }\n');
    await expectRefused(await run('--models-file', models), /models\.0\.base_url: must be an http:\/\/ or https:\/\/ URL/);
  });

  it('--models after --no-models, and --no-models after --models', async () => {
    await expectRefused(await run('--models', 'deepseek-v3.2'), /--models.*cannot be combined with --no-models/);
    const r = await runCli(['run', '--tasks', tasks, '--models', 'deepseek-v3.2', '--no-models', '--results', path.join(tmp, 'results')]);
    await expectRefused(r, /--models and --no-models contradict each other/);
  });

  it('a model named twice', async () => {
    const r = await runCli(['run', '--tasks', tasks, '--models', 'deepseek-v3.2,deepseek-v3.2', '--results', path.join(tmp, 'results')], {
      env: { OPENROUTER_API_KEY: 'sk-or-v1-not-a-real-key-000000' },
    });
    await expectRefused(r, /--models lists deepseek-v3\.2 more than once/);
  });

  it('out-of-range and non-decimal numbers', async () => {
    await expectRefused(await run('--attempt-timeout', '1e308'), /--attempt-timeout.*must be a number of seconds from 10 to 86400/);
    await expectRefused(await run('--budget-usd', '0x10'), /--budget-usd.*must be an amount in USD/);
    await expectRefused(await run('--task', ','), /--task.*needs at least one id/);
  });

  it('a --results path that is a file, and an overlong run id', async () => {
    const file = path.join(tmp, 'a-file');
    await writeFile(file, '');
    const r = await runCli(['run', '--tasks', tasks, '--no-models', '--results', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--results .*a-file: not a writable folder/);
    await expectRefused(await run('--run-id', 'x'.repeat(300)), /--run-id .*100 characters at most/);
  });
});
