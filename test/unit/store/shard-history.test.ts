// A shard run holds only its share of the suite: `fixbench history` and the site count what it
// ran, never the other shards' tasks as unresolved (newcomer19 #3).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { summariseListed } from '../../../src/analysis/leaderboard.ts';
import { historyCommand } from '../../../src/cli/compare.ts';
import { runPoint, siteView } from '../../../src/report/site.ts';
import { RunWriter } from '../../../src/store/store.ts';
import { makeAttempt, makeHeader, modelContender } from '../analysis/fixtures.ts';

let results: string;
// 4 tasks in the suite; this shard ran 2 of them for model m: one resolved, one not
const shardHeader = makeHeader({ run_id: 'night-s1', contenders: [modelContender('m')], shard: { index: 1, count: 2 }, status: 'finished' });
const shardRecords = [makeAttempt('m', 't1', 'resolved', 0.1, { run_id: 'night-s1' }), makeAttempt('m', 't3', 'unresolved', 0.1, { run_id: 'night-s1' })];
const wholeHeader = makeHeader({ run_id: 'whole', started_at: '2026-03-01T00:00:00.000Z', contenders: [modelContender('m')], status: 'finished' });
const wholeRecords = [makeAttempt('m', 't1', 'resolved', 0.1, { run_id: 'whole' })];

beforeAll(async () => {
  results = await mkdtemp(path.join(os.tmpdir(), 'fixbench-shard-history-'));
  for (const [header, records] of [[shardHeader, shardRecords], [wholeHeader, wholeRecords]] as const) {
    const w = await RunWriter.create(path.join(results, header.run_id), header);
    for (const r of records) await w.appendAttempt(r);
  }
});
afterAll(async () => {
  await rm(results, { recursive: true, force: true });
});

async function history(json = false): Promise<string> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  try {
    await historyCommand({ results, json });
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}

describe('a shard run as history and the site list it (newcomer19 #3)', () => {
  it('history counts the attempts the shard ran, and says so', async () => {
    const row = (await history()).split('\n').find((l) => l.startsWith('night-s1 '))!;
    expect(row).toMatch(/finished \(shard 1\/2\) +m 1\/2 \(\$0\.20\) \(this shard's attempts\)/);
  });
  it('history --json gives the shard\'s own trials and graded', async () => {
    const runs = JSON.parse(await history(true)) as { run_id: string; contenders: { resolved: number; trials: number; graded: number }[] }[];
    expect(runs.find((r) => r.run_id === 'night-s1')!.contenders[0]).toMatchObject({ resolved: 1, trials: 2, graded: 2 });
  });
  it('a run that is no shard still counts a task with no record as unresolved', async () => {
    expect((await history()).split('\n').find((l) => l.startsWith('whole '))).toMatch(/ m 1\/4 /);
    expect(summariseListed(wholeHeader, wholeRecords)[0]).toMatchObject({ trials: 4, graded: 4, missing: 3, resolvedRate: 0.25 });
  });
  it('the site\'s best figure for the shard is over its own attempts, and it stays out of the trend', () => {
    const point = runPoint({ header: shardHeader, attempts: shardRecords });
    expect(point.models[0]!.rate).toBe(0.5);
    const { vm, series } = siteView([point]);
    expect(vm.groups[0]!.runs[0]!.best).toBe('m (50.0%)');
    expect(series.size).toBe(0);
  });
});
