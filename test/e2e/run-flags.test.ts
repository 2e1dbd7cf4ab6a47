// `fixbench run` behaviours around its flags and gates, through the real CLI on a bundled JS task.
import { cp, mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-flags-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const out = () => ['--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports')];

describe('fixbench run flags and gates', () => {
  it('fails the reference gate with exit 3 when gold does not resolve a task, naming the task', async () => {
    const tasks = path.join(tmp, 'tasks');
    await cp(path.join(ROOT, 'tasks'), tasks, { recursive: true });
    const yamlFile = path.join(tasks, 'js-duration-1', 'task.yaml');
    const yaml = await readFile(yamlFile, 'utf8');
    await writeFile(yamlFile, yaml.replace(/^FAIL_TO_PASS:\n/m, "FAIL_TO_PASS:\n  - 'parse > a test nobody wrote'\n"));
    const r = await runCli(['run', '--tasks', tasks, '--task', 'js-duration-1', '--no-models', '--run-id', 'gate', ...out()]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/reference gate failed: gold did not resolve js-duration-1 \(unresolved: 1 listed test\(s\) not in the test results: "parse > a test nobody wrote"\)/);
    const header = JSON.parse(await readFile(path.join(tmp, 'results', 'gate', 'run.json'), 'utf8'));
    expect(header.note).toMatch(/reference gate failed/);
    const html = await readFile(path.join(tmp, 'reports', 'gate', 'index.html'), 'utf8');
    expect(html).toMatch(/reference gate failed: gold did not resolve js-duration-1/);
  });

  it('refuses a run id that already names a run, so two runs never mix', async () => {
    const first = await runCli(['run', '--task', 'js-duration-1', '--no-models', '--run-id', 'same', ...out()]);
    expect(first.exitCode, first.stderr).toBe(0);
    const before = await readFile(path.join(tmp, 'results', 'same', 'attempts.jsonl'), 'utf8');
    const again = await runCli(['run', '--task', 'js-duration-1', '--no-models', '--run-id', 'same', ...out()]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/results\/same already exists: a run id names one run/);
    expect(await readFile(path.join(tmp, 'results', 'same', 'attempts.jsonl'), 'utf8')).toBe(before);
  });

  it('refuses models asked for by name whose API-key variable is unset', async () => {
    const r = await runCli(['run', '--task', 'js-duration-1', '--models', 'deepseek-v3.2', ...out()]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--models asks for deepseek-v3\.2, but OPENROUTER_API_KEY is not set/);
    expect(await readdir(path.join(tmp, 'results')).catch(() => [])).toEqual([]);
  });

  it('accepts "none" as a budget and a per-attempt cap, recording no cap', async () => {
    const r = await runCli(['run', '--task', 'js-duration-1', '--no-models', '--budget-usd', 'none', '--attempt-usd', 'none', '--run-id', 'nocap', '--json', ...out()]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'summary', run_id: 'nocap', status: 'finished' });
    const header = JSON.parse(await readFile(path.join(tmp, 'results', 'nocap', 'run.json'), 'utf8'));
    expect(header.limits).toMatchObject({ run_budget_usd: null, attempt_usd: null });
    expect(r.stderr).not.toMatch(/budget/); // no model runs: no budget to announce
  });
});
