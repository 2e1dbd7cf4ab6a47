// A results folder may be shared or downloaded: a symbolic link inside it must never make resume or
// merge read or write outside it (attack: logs/<c>/<t>/<a>/test_output.txt -> a victim file, clobbered on --resume).
import { mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunWriter } from '../../../src/store/store.ts';
import type { AttemptRecord, RunHeader } from '../../../src/store/records.ts';
import { UserInputError } from '../../../src/core/errors.ts';
import { LedgerWriter } from '../../../src/store/ledger.ts';
import { mergeCommand } from '../../../src/cli/merge.ts';
import { makeAttempt, makeHeader } from '../analysis/fixtures.ts';
import { COMMAND_TRAJECTORY_FORMAT, type Trajectory } from '../../../src/core/trajectory.ts';

const header: RunHeader = makeHeader({ run_id: 'r1', status: 'running', suite: { hash: 'abc', instance_ids: ['t-1'] } });
const record = (attempt: number): AttemptRecord => makeAttempt('gold', 't-1', 'resolved', 0, { run_id: 'r1', agent: 'gold', attempt, key: `k${attempt}` });
const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-links-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh run folder and a victim file outside it. */
async function setup(): Promise<{ dir: string; victim: string; outside: string }> {
  const base = await mkdtemp(path.join(root, 'case-'));
  const outside = path.join(base, 'outside');
  await mkdir(outside);
  const victim = path.join(outside, 'victim.txt');
  await writeFile(victim, 'victim content\n');
  return { dir: path.join(base, 'r1'), victim, outside };
}

describe('run folder never written through a symbolic link', () => {
  it('resume (RunWriter.open) refuses a run folder holding a link, naming it', async () => {
    const { dir, victim } = await setup();
    await RunWriter.create(dir, header);
    await mkdir(path.join(dir, 'logs/gold/t-1/0'), { recursive: true });
    const link = path.join(dir, 'logs/gold/t-1/0/test_output.txt');
    await symlink(victim, link);
    const err = await RunWriter.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect((err as Error).message).toContain(link);
    expect((err as Error).message).toContain('symbolic link');
  });

  it('logs, records, superseded records and trajectories refuse a link put in after opening; the target is untouched', async () => {
    const { dir, victim, outside } = await setup();
    const w = await RunWriter.create(dir, header);
    await mkdir(path.join(dir, 'logs/gold/t-1/0'), { recursive: true });
    await symlink(victim, path.join(dir, 'logs/gold/t-1/0/test_output.txt'));
    await expect(w.writeAttemptLogs(record(0), { test_output: 'PWNED' })).rejects.toThrow(/symbolic link/);
    await symlink(outside, path.join(dir, 'logs/gold/t-1/1'));
    await expect(w.writeAttemptLogs(record(1), { test_output: 'PWNED' })).rejects.toThrow(/symbolic link/);
    await symlink(victim, path.join(dir, 'attempts.jsonl'));
    await expect(w.appendAttempt(record(2))).rejects.toThrow(/symbolic link/);
    await symlink(outside, path.join(dir, 'trajectories'));
    const sink = w.trajectorySink({ contender: 'gold', instance_id: 't-1', attempt: 0 });
    const doc = {
      format: COMMAND_TRAJECTORY_FORMAT, agent: 'a', model: 'm', instance_id: 't-1', command: 'x', wall_limit_ms: 1, cost_limit_usd: null,
      exit_status: null, error: null, process: null, calls: [], refusals: null, upstream_errors: null, output: null,
    } as Trajectory;
    await expect(sink(doc)).rejects.toThrow(/trajectories: is a symbolic link/);
    expect(await readFile(victim, 'utf8')).toBe('victim content\n');
    expect((await readdir(outside)).sort()).toEqual(['victim.txt']);
  });

  it('a ledger is never appended through a link', async () => {
    const { dir, victim } = await setup();
    await mkdir(path.join(dir, 'ledgers'), { recursive: true });
    await symlink(victim, path.join(dir, 'ledgers', 'k0.jsonl'));
    const lw = new LedgerWriter(path.join(dir, 'ledgers', 'k0.jsonl'));
    const usage = { input_uncached: 1, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 1, reasoning: 0 };
    expect(() => lw.append({ format_version: 1, key: 'k0', model: 'm', instance_id: 't-1', attempt: 0, at: '2026-12-05T00:00:00Z', usage, list_usd: 0.1, billed_usd: null, ms: 1 })).toThrow(/ELOOP|symbolic link/);
    expect(await readFile(victim, 'utf8')).toBe('victim content\n');
  });

  it('merge refuses a shard holding a link, and copies nothing through it', async () => {
    const { dir, victim } = await setup();
    const shardHeader = { ...header, shard: { index: 1, count: 1 }, status: 'finished' as const };
    const w = await RunWriter.create(dir, shardHeader);
    await w.appendAttempt(record(0));
    await mkdir(path.join(dir, 'logs/gold/t-1/0'), { recursive: true });
    await symlink(victim, path.join(dir, 'logs/gold/t-1/0/patch.diff'));
    const out = path.join(path.dirname(dir), 'merged');
    await expect(mergeCommand(out, [dir], { json: true })).rejects.toThrow(/patch\.diff: is a symbolic link/);
    // copying itself (the step after the checks) refuses links too
    const w2 = await RunWriter.create(path.join(path.dirname(dir), 'other'), header);
    await expect(w2.copyAttemptFilesFrom(dir)).rejects.toThrow(/symbolic link/);
  });
});
