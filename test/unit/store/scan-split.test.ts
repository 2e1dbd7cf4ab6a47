// The two-thread scan of attempts.jsonl (src/store/scan.ts with src/store/scan-worker.ts): forced on
// small files (`splitFrom: 0`), it reads the same records at the same places as the one-thread scan,
// checks duplicate keys across the split, and any bad line in the worker's half gives the one-thread
// scan's message (the main thread reads that half itself).
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunWriter } from '../../../src/store/store.ts';
import { INDEX_FIELDS, scanAttempts, type LineAt, type ScanOptions } from '../../../src/store/scan.ts';
import type { AttemptRecord, RunHeader } from '../../../src/store/records.ts';
import { makeAttempt, makeHeader } from '../analysis/fixtures.ts';

const header: RunHeader = makeHeader({ run_id: 'r1', status: 'running', suite: { hash: 'abc', instance_ids: ['t-1', 't-2'] } });
const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-scan-split-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const record = (task: string, attempt: number): AttemptRecord => ({
  ...makeAttempt('gold', task, attempt % 3 ? 'unresolved' : 'resolved', 0.25 * attempt, { run_id: 'r1', agent: 'gold', attempt, key: `k-${task}-${attempt}` }),
  model_patch: `diff --git a/x b/x\n+ "quoted \\" } ] {\\\\" naïve ☃ ${'x'.repeat(attempt * 40)}\n`,
  tests_status: { FAIL_TO_PASS: { success: ['a "b" \\ }'], failure: [] }, PASS_TO_PASS: { success: [], failure: ['{[x]}'] } },
});

async function runWith(records: AttemptRecord[]): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
  const w = await RunWriter.create(dir, header);
  for (const r of records) await w.appendAttempt(r);
  return dir;
}

/** The scan's records and places, and how it split (`splits`: what onSplit was told). */
async function scan(dir: string, o: ScanOptions): Promise<{ records: unknown[]; at: LineAt[]; splits: Array<{ at: number | null; worker: boolean }> }> {
  const records: unknown[] = [];
  const at: LineAt[] = [];
  const splits: Array<{ at: number | null; worker: boolean }> = [];
  await scanAttempts(dir, header, INDEX_FIELDS, (r, a) => void (records.push(r), at.push(a)), undefined, { ...o, onSplit: (s) => void splits.push(s) });
  return { records, at, splits };
}

const twelve = ['t-1', 't-2'].flatMap((t) => [0, 1, 2, 3, 4, 5].map((a) => record(t, a)));

describe('scanAttempts split across a worker thread', () => {
  it('reads the same records at the same lines and offsets as one thread, blank lines and a torn last line included', async () => {
    const dir = await runWith(twelve);
    const file = path.join(dir, 'attempts.jsonl');
    // blank lines throughout (the split may fall among them) and a torn write at the end
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    await writeFile(file, lines.map((l, i) => (i % 3 === 1 ? `${l}\n  \n` : `${l}\n`)).join('') + '{"format_version":2,"ru');
    const one = await scan(dir, { splitFrom: Infinity });
    expect(one.splits).toEqual([{ at: null, worker: false }]);
    expect(one.records).toHaveLength(12);
    const two = await scan(dir, { splitFrom: 0 });
    expect(two.splits).toHaveLength(1);
    expect(two.splits[0]!.at).toBeGreaterThan(0);
    expect(two.splits[0]!.worker).toBe(true);
    expect(two.records).toEqual(one.records);
    expect(two.at).toEqual(one.at);
  });

  it('finds a key recorded twice when the two lines fall on either side of the split', async () => {
    const dir = await runWith(twelve);
    await appendFile(path.join(dir, 'attempts.jsonl'), JSON.stringify(twelve[0]) + '\n');
    const splits: boolean[] = [];
    await expect(scanAttempts(dir, header, INDEX_FIELDS, () => {}, undefined, { splitFrom: 0, onSplit: (s) => void splits.push(s.worker) })).rejects.toThrow(/attempts\.jsonl:13: attempt key k-t-1-0 is already recorded on line 1;/);
    expect(splits).toEqual([true]);
  });

  it('gives the one-thread messages for bad lines in the worker half (the main thread reads it again)', async () => {
    const dir = await runWith(twelve);
    const file = path.join(dir, 'attempts.jsonl');
    await appendFile(file, 'not json\n' + JSON.stringify({ ...record('t-2', 7), list_usd: 'lots' }) + '\n' + JSON.stringify(record('t-2', 8)) + '\n');
    const message = async (o: ScanOptions): Promise<string> => {
      try {
        await scanAttempts(dir, header, INDEX_FIELDS, () => {}, undefined, o);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('the scan did not fail');
    };
    const splits: boolean[] = [];
    const two = await message({ splitFrom: 0, onSplit: (s) => void splits.push(s.worker) });
    expect(splits).toEqual([false]);
    expect(two).toBe(await message({ splitFrom: Infinity }));
    expect(two).toMatch(/attempts\.jsonl:13: not valid JSON .*this one has records after it/);
    expect(two).toMatch(/attempts\.jsonl:14: invalid record: list_usd: /);
  });
});
