// A run's status as listed has one owner (runStatusLabel): `fixbench history` and the site index
// show a shard alike (newcomer14 #9).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { historyCommand } from '../../../src/cli/compare.ts';
import { runPoint } from '../../../src/report/site.ts';
import { runStatusLabel } from '../../../src/store/run-label.ts';
import { RunWriter } from '../../../src/store/store.ts';
import { makeHeader, referenceContender } from '../analysis/fixtures.ts';

let results: string;
const shardHeader = makeHeader({ run_id: 'night-s2', contenders: [referenceContender('gold')], shard: { index: 2, count: 3 }, status: 'finished' });
const wholeHeader = makeHeader({ run_id: 'night', contenders: [referenceContender('gold')], status: 'interrupted' });

beforeAll(async () => {
  results = await mkdtemp(path.join(os.tmpdir(), 'fixbench-run-label-'));
  await RunWriter.create(path.join(results, 'night-s2'), shardHeader);
  await RunWriter.create(path.join(results, 'night'), wholeHeader);
});
afterAll(async () => {
  await rm(results, { recursive: true, force: true });
});

async function history(): Promise<string> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  try {
    await historyCommand({ results });
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}

describe('runStatusLabel', () => {
  it('is the status, with the shard in parentheses for a shard run', () => {
    expect(runStatusLabel(shardHeader)).toBe('finished (shard 2/3)');
    expect(runStatusLabel(wholeHeader)).toBe('interrupted');
  });

  it('history and the site show the same label', async () => {
    const text = await history();
    const row = (id: string) => text.split('\n').find((l) => l.startsWith(`${id} `))!;
    expect(row('night-s2')).toMatch(/^night-s2 +\S+ +finished \(shard 2\/3\) /);
    expect(row('night')).toMatch(/^night +\S+ +interrupted /);
    expect(runPoint({ header: shardHeader, attempts: [] }).status).toBe('finished (shard 2/3)');
    expect(runPoint({ header: wholeHeader, attempts: [] }).status).toBe('interrupted');
  });
});
