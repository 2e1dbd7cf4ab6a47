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

  it("sends the worker's records as zod output them: same keys in the same order, non-ASCII text and every number as read", async () => {
    // kept columns with multi-byte UTF-8 (the worker's buffer holds them as UTF-8), nested objects and nulls
    const odd = twelve.map((r, i) => ({ ...r, error: i % 2 ? { stage: 'agent' as const, kind: 'api_error' as const, message: `naïve ☃ 𝄞 "q" \\ ${i}` } : null, list_usd: i % 3 ? 1 / 3 + i * 1e-17 : null, wall_ms: 2 ** 52 + i, test_files_edited: i % 4 ? [] : ['tests/ü.py'] }));
    const dir = await runWith(odd);
    const one = await scan(dir, { splitFrom: Infinity });
    const two = await scan(dir, { splitFrom: 0 });
    expect(two.splits).toEqual([{ at: two.splits[0]!.at, worker: true }]);
    expect(two.records).toEqual(one.records);
    // key order too (toEqual ignores it), nested objects included
    expect(two.records.map((r) => JSON.stringify(r))).toEqual(one.records.map((r) => JSON.stringify(r)));
    expect(two.records.map((r) => JSON.stringify(Object.keys((r as { usage: object }).usage)))).toEqual(one.records.map((r) => JSON.stringify(Object.keys((r as { usage: object }).usage))));
  });

  it('reads the worker half itself when a record holds -0 (JSON would carry it back as 0), so the records are the one-thread ones', async () => {
    const dir = await runWith(twelve);
    const file = path.join(dir, 'attempts.jsonl');
    await appendFile(file, JSON.stringify(record('t-2', 7)).replace(/"list_usd":[^,]*/, '"list_usd":-0') + '\n');
    const one = await scan(dir, { splitFrom: Infinity });
    const two = await scan(dir, { splitFrom: 0 });
    expect(two.splits).toEqual([{ at: two.splits[0]!.at, worker: false }]);
    const negZero = (rs: unknown[]) => rs.map((r) => Object.is((r as { list_usd: unknown }).list_usd, -0));
    expect(negZero(one.records).at(-1)).toBe(true);
    expect(negZero(two.records)).toEqual(negZero(one.records));
    expect(two.records).toEqual(one.records);
    // the worker's chunks before the -0 record are dropped, not accepted twice
    const chunked = await scan(dir, { splitFrom: 0, workerChunk: 1 });
    expect(chunked.splits[0]!.worker).toBe(false);
    expect(chunked.records).toEqual(one.records);
    expect(chunked.at).toEqual(one.at);
  });

  it('calls onWorkerWait once when its half is done before the worker (records as without it), never on one thread', async () => {
    const dir = await runWith(twelve);
    const seenAtWait: number[] = [];
    const records: unknown[] = [];
    await scanAttempts(dir, header, INDEX_FIELDS, (r) => void records.push(r), undefined, { splitFrom: 0, onWorkerWait: () => void seenAtWait.push(records.length) });
    // (the worker starts a thread and loads modules: this thread's one read of six lines is done long before)
    expect(seenAtWait).toHaveLength(1);
    expect(seenAtWait[0]).toBeGreaterThan(0);
    expect(seenAtWait[0]).toBeLessThan(12);
    expect(records).toEqual((await scan(dir, { splitFrom: Infinity })).records);
    const oneThread: number[] = [];
    await scanAttempts(dir, header, INDEX_FIELDS, () => {}, undefined, { splitFrom: Infinity, onWorkerWait: () => void oneThread.push(1) });
    expect(oneThread).toEqual([]);
  });

  it('reads the same records in chunks of the worker as small as one or two records', async () => {
    const dir = await runWith(twelve);
    const one = await scan(dir, { splitFrom: Infinity });
    for (const workerChunk of [1, 2]) {
      const split = await scan(dir, { splitFrom: 0, workerChunk });
      expect(split.splits[0]!.worker).toBe(true);
      expect(split.records).toEqual(one.records);
      expect(split.at).toEqual(one.at);
    }
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
    // chunks the worker posted before its bad line are dropped: the same message
    expect(await message({ splitFrom: 0, workerChunk: 1 })).toBe(two);
  });
});
