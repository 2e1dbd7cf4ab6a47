// The dry run's history: only runs that gave a model attempt count as runs of history (a run of the
// reference agents, gold and noop, gives none, so "0 stored attempt(s) in 1 run(s)" never precedes
// "from the prior (no history)").
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from '../../../src/cli/forecast.ts';
import { RunWriter } from '../../../src/store/store.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from '../analysis/fixtures.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-forecast-history-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('readHistory', () => {
  it('counts the runs that gave a model attempt, not a reference-only run', async () => {
    const ref = await RunWriter.create(path.join(tmp, 'refonly'), makeHeader({ run_id: 'refonly', started_at: '2026-04-01T02:00:00.000Z', suite: { hash: 'h', instance_ids: ['e1'] }, contenders: [referenceContender('gold'), referenceContender('noop')] }));
    await ref.appendAttempt(makeAttempt('gold', 'e1', 'resolved', null, { run_id: 'refonly', agent: 'gold' }));
    await ref.appendAttempt(makeAttempt('noop', 'e1', 'unresolved', null, { run_id: 'refonly', agent: 'noop' }));
    expect(await readHistory(tmp)).toMatchObject({ runs: 0, unreadable: [] });
    expect((await readHistory(tmp)).attempts).toHaveLength(0);
    const w = await RunWriter.create(path.join(tmp, 'models'), makeHeader({ run_id: 'models', started_at: '2026-04-02T02:00:00.000Z', suite: { hash: 'h', instance_ids: ['e1'] }, contenders: [modelContender('m1')] }));
    await w.appendAttempt(makeAttempt('m1', 'e1', 'resolved', 0.01, { run_id: 'models' }));
    const h = await readHistory(tmp);
    expect(h.runs).toBe(1);
    expect(h.attempts).toHaveLength(1);
  });

  it('counts a run merged from shards once: its shards are left out when the merged run is there, and counted when it is not', async () => {
    const dir = await mkdtemp(path.join(tmp, 'shards-'));
    const suite = { hash: 'h', instance_ids: ['e1', 'e2', 'e3'] };
    const write = async (id: string, tasks: string[], extra: Parameters<typeof makeHeader>[0] = {}) => {
      const w = await RunWriter.create(path.join(dir, id), makeHeader({ run_id: id, suite, contenders: [modelContender('m1')], ...extra }));
      for (const t of tasks) await w.appendAttempt(makeAttempt('m1', t, 'resolved', 0.01, { run_id: id }));
    };
    await write('n-s1', ['e1', 'e2'], { shard: { index: 1, count: 2 } });
    await write('n-s2', ['e3'], { shard: { index: 2, count: 2 } });
    expect(await readHistory(dir)).toMatchObject({ runs: 2, attempts: { length: 3 } }); // not merged yet: the shards are the history
    await write('n-merged', ['e1', 'e2', 'e3'], { merged_from: ['n-s1', 'n-s2'] });
    const h = await readHistory(dir);
    expect(h.runs).toBe(1);
    expect(h.attempts).toHaveLength(3);
    expect(h.unreadable).toEqual([]);
  });
});
