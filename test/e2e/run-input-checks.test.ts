// `fixbench run` input checks before any work: `--resume` with flags that differ from the stored run is refused (exit 2)
// naming each run.json field, stored → now, and the flag; a --cache-dir that is not a writable folder is refused; so is resuming a folder whose name is not its run_id.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { makeHeader } from '../unit/analysis/fixtures.ts';

let tmp: string;
const reference = (id: 'gold' | 'noop') => ({ id, agent: id, model: null, upstream: null, name: null, vendor: null, region: null, provider: null, price: null });
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-resume-flags-'));
  const dir = path.join(tmp, 'results', 'r1');
  await mkdir(dir, { recursive: true });
  const header = makeHeader({ run_id: 'r1', status: 'interrupted', contenders: [reference('gold'), reference('noop')], suite: { hash: 'c0ffee', instance_ids: ['js-ini-1', 'js-ini-2'] } });
  await writeFile(path.join(dir, 'run.json'), JSON.stringify(header));
  await writeFile(path.join(dir, 'attempts.jsonl'), '');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('run --resume with other flags', () => {
  it('refuses flags that differ from the run, naming each and the run.json field, and changes nothing', async () => {
    const before = await readFile(path.join(tmp, 'results', 'r1', 'run.json'), 'utf8');
    const r = await runCli(['run', '--resume', 'r1', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--attempts', '3', '--task', 'js-ini-1', '--steps', '50', '--budget-usd', 'none', '--shard', '1/2']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--resume r1: cannot resume');
    expect(r.stderr).toContain('attempts_per_task: 1 → 3 (--attempts)');
    expect(r.stderr).toContain('suite.instance_ids: ["js-ini-1","js-ini-2"] → ["js-ini-1"] (--task)');
    expect(r.stderr).toContain('limits.run_budget_usd: 2 → null (--budget-usd)');
    expect(r.stderr).toContain('shard: null → {"count":2,"index":1} (--shard)');
    expect(r.stderr).not.toContain('--steps'); // 50 is the stored value
    expect(r.stderr).toContain('(run r1 predates RunConfig: compared on contenders, limits, attempts and price sheet file only)');
    expect(r.stderr).toContain('fix: resume with the tasks');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await readFile(path.join(tmp, 'results', 'r1', 'run.json'), 'utf8')).toBe(before);
  });

  it('a run whose tasks are not in the tasks folder given (run.json names tasks by id): the error says to give --tasks again', async () => {
    const dir = path.join(tmp, 'results', 'r2');
    await mkdir(dir, { recursive: true });
    const header = makeHeader({ run_id: 'r2', status: 'interrupted', contenders: [reference('gold'), reference('noop')], suite: { hash: 'c0ffee', instance_ids: ['mine-1'] } });
    await writeFile(path.join(dir, 'run.json'), JSON.stringify(header));
    await writeFile(path.join(dir, 'attempts.jsonl'), '');
    const r = await runCli(['run', '--resume', 'r2', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unknown task id(s): mine-1');
    expect(r.stderr).toContain('fix: run r2 was made from another tasks folder (its run.json is older than tasks_dir and names its tasks, not their folder): add --tasks <that folder>');
    const given = await runCli(['run', '--retry-errors', 'r2', '--tasks', path.join(tmp, 'no-such-tasks'), '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports')]);
    expect(given.exitCode).toBe(2);
    expect(given.stderr).not.toContain('add --tasks');
  });

  it('refuses --no-reference on --retry-errors of a run with the reference agents', async () => {
    const r = await runCli(['run', '--retry-errors', 'r1', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--no-reference']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--retry-errors r1: cannot resume');
    expect(r.stderr).toMatch(/contenders\[gold\]: \{.*\} → \(absent\) \(--no-reference\)/);
  });
});

describe('run --cache-dir', () => {
  it('refuses a cache folder that is a file before any attempt runs (exit 2), writing no run', async () => {
    const file = path.join(tmp, 'cache-is-a-file');
    await writeFile(file, 'x');
    const r = await runCli(['run', '--no-models', '--task', 'js-ini-1', '--cache-dir', file, '--run-id', 'cf', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`--cache-dir ${file}: not a writable folder`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    await expect(readFile(path.join(tmp, 'results', 'cf', 'run.json'), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});

describe('run --resume of a renamed folder', () => {
  it('refuses a folder whose name is not its run_id (it would resume into the other folder)', async () => {
    const dir = path.join(tmp, 'results', 'renamed');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'run.json'), await readFile(path.join(tmp, 'results', 'r1', 'run.json'), 'utf8'));
    const r = await runCli(['run', '--resume', 'renamed', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, 'run.json')}: run_id is "r1" but the folder is named "renamed"`);
    expect(r.stderr).toContain('rename the folder back to r1');
  });
});
