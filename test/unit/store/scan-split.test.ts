// The two-thread scan of attempts.jsonl (src/store/scan.ts, scan-share.ts, scan-worker.ts): forced on
// small files (`splitFrom: 0`, ranges of a few lines), it reads the same records at the same places
// as the one-thread scan, checks duplicate keys across ranges, and any bad line in a range gives the
// one-thread scan's message (the main thread reads that range again in order). `workerOnly` makes
// the worker read every range, so its path is taken whatever the timing.
import { appendFile, mkdtemp, open, readFile, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunWriter } from '../../../src/store/store.ts';
import { INDEX_FIELDS, scanAttempts, type LineAt, type ScanOptions } from '../../../src/store/scan.ts';
import { rangeStarts } from '../../../src/store/scan-share.ts';
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
async function scan(dir: string, o: ScanOptions): Promise<{ records: unknown[]; at: LineAt[]; splits: Array<{ ranges: number; byWorker: number }> }> {
  const records: unknown[] = [];
  const at: LineAt[] = [];
  const splits: Array<{ ranges: number; byWorker: number }> = [];
  await scanAttempts(dir, header, INDEX_FIELDS, (r, a) => void (records.push(r), at.push(a)), undefined, { ...o, onSplit: (s) => void splits.push(s) });
  return { records, at, splits };
}

const twelve = ['t-1', 't-2'].flatMap((t) => [0, 1, 2, 3, 4, 5].map((a) => record(t, a)));

/** Ranges of about two records of `twelve` (each line is 1–1.4 KB). */
const SMALL = 2500;

describe('scanAttempts shared with a worker thread, range by range', () => {
  it('reads the same records at the same lines and offsets as one thread, blank lines and a torn last line included', async () => {
    const dir = await runWith(twelve);
    const file = path.join(dir, 'attempts.jsonl');
    // blank lines throughout (a range may start among them) and a torn write at the end
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    await writeFile(file, lines.map((l, i) => (i % 3 === 1 ? `${l}\n  \n` : `${l}\n`)).join('') + '{"format_version":2,"ru');
    const one = await scan(dir, { splitFrom: Infinity });
    expect(one.splits).toEqual([{ ranges: 1, byWorker: 0 }]);
    expect(one.records).toHaveLength(12);
    const worker = await scan(dir, { splitFrom: 0, rangeBytes: SMALL, workerOnly: true });
    expect(worker.splits[0]!.ranges).toBeGreaterThan(3);
    // every range from the worker but the last (its torn line: read again here, as one thread does)
    expect(worker.splits[0]!.byWorker).toBe(worker.splits[0]!.ranges - 1);
    expect(worker.records).toEqual(one.records);
    expect(worker.at).toEqual(one.at);
    for (const rangeBytes of [1, SMALL, 1 << 20]) {
      const both = await scan(dir, { splitFrom: 0, rangeBytes });
      expect(both.records).toEqual(one.records);
      expect(both.at).toEqual(one.at);
    }
  });

  it("sends the worker's records as zod output them: same keys in the same order, non-ASCII text and every number as read", async () => {
    // kept columns with multi-byte UTF-8 (the worker's buffer holds them as UTF-8), nested objects and nulls
    const odd = twelve.map((r, i) => ({ ...r, error: i % 2 ? { stage: 'agent' as const, kind: 'api_error' as const, message: `naïve ☃ 𝄞 "q" \\ ${i}` } : null, list_usd: i % 3 ? 1 / 3 + i * 1e-17 : null, wall_ms: 2 ** 52 + i, test_files_edited: i % 4 ? [] : ['tests/ü.py'] }));
    const dir = await runWith(odd);
    const one = await scan(dir, { splitFrom: Infinity });
    const two = await scan(dir, { splitFrom: 0, rangeBytes: SMALL, workerOnly: true });
    expect(two.splits[0]!.byWorker).toBe(two.splits[0]!.ranges);
    expect(two.records).toEqual(one.records);
    // key order too (toEqual ignores it), nested objects included
    expect(two.records.map((r) => JSON.stringify(r))).toEqual(one.records.map((r) => JSON.stringify(r)));
    expect(two.records.map((r) => JSON.stringify(Object.keys((r as { usage: object }).usage)))).toEqual(one.records.map((r) => JSON.stringify(Object.keys((r as { usage: object }).usage))));
  });

  it('reads a range holding -0 itself (JSON would carry it back as 0), so the records are the one-thread ones', async () => {
    const dir = await runWith(twelve);
    const file = path.join(dir, 'attempts.jsonl');
    // the -0 in the middle of the file: the ranges after it still come from the worker
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    lines[5] = lines[5]!.replace(/"list_usd":[^,]*/, '"list_usd":-0');
    await writeFile(file, lines.join('\n') + '\n');
    const one = await scan(dir, { splitFrom: Infinity });
    const two = await scan(dir, { splitFrom: 0, rangeBytes: 1, workerOnly: true });
    expect(two.splits).toEqual([{ ranges: 12, byWorker: 11 }]);
    const negZero = (rs: unknown[]) => rs.map((r) => Object.is((r as { list_usd: unknown }).list_usd, -0));
    expect(negZero(one.records)[5]).toBe(true);
    expect(negZero(two.records)).toEqual(negZero(one.records));
    expect(two.records).toEqual(one.records);
    expect(two.at).toEqual(one.at);
  });

  it('calls onWorkerStart once before any record and onWorkerWait once when no range is left for it and the worker is not done, neither on one thread', async () => {
    const dir = await runWith(twelve);
    const calls: string[] = [];
    const records: unknown[] = [];
    await scanAttempts(dir, header, INDEX_FIELDS, (r) => void records.push(r), undefined, { splitFrom: 0, rangeBytes: SMALL, workerOnly: true, onWorkerStart: () => void calls.push(`start ${records.length}`), onWorkerWait: () => void calls.push(`wait ${records.length}`) });
    expect(calls).toEqual(['start 0', 'wait 0']);
    expect(records).toEqual((await scan(dir, { splitFrom: Infinity })).records);
    const oneThread: number[] = [];
    await scanAttempts(dir, header, INDEX_FIELDS, () => {}, undefined, { splitFrom: Infinity, onWorkerStart: () => void oneThread.push(1), onWorkerWait: () => void oneThread.push(2) });
    expect(oneThread).toEqual([]);
  });

  it('finds a key recorded twice when the two lines fall in different ranges', async () => {
    const dir = await runWith(twelve);
    await appendFile(path.join(dir, 'attempts.jsonl'), JSON.stringify(twelve[0]) + '\n');
    for (const o of [{ workerOnly: true }, {}]) {
      const splits: Array<{ ranges: number; byWorker: number }> = [];
      await expect(scanAttempts(dir, header, INDEX_FIELDS, () => {}, undefined, { splitFrom: 0, rangeBytes: 1, ...o, onSplit: (s) => void splits.push(s) })).rejects.toThrow(/attempts\.jsonl:13: attempt key k-t-1-0 is already recorded on line 1;/);
      expect(splits[0]!.ranges).toBe(13);
    }
  });

  it('gives the one-thread messages for bad lines in any range (read again in order), with the right line numbers', async () => {
    const dir = await runWith(twelve);
    const file = path.join(dir, 'attempts.jsonl');
    // bad lines in the middle and at the end, valid records between and after them
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    lines.splice(4, 0, 'not json');
    lines.splice(9, 0, JSON.stringify({ ...record('t-2', 7), list_usd: 'lots' }));
    await writeFile(file, lines.join('\n') + '\n' + JSON.stringify(record('t-2', 8)) + '\n{"torn');
    const message = async (o: ScanOptions): Promise<string> => {
      try {
        await scanAttempts(dir, header, INDEX_FIELDS, () => {}, undefined, o);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('the scan did not fail');
    };
    const one = await message({ splitFrom: Infinity });
    expect(one).toMatch(/attempts\.jsonl:5: not valid JSON .*this one has records after it/);
    expect(one).toMatch(/attempts\.jsonl:10: invalid record: list_usd: /);
    for (const o of [{ workerOnly: true, rangeBytes: 1 }, { workerOnly: true, rangeBytes: SMALL }, { rangeBytes: 1 }, { rangeBytes: SMALL }]) expect(await message({ splitFrom: 0, ...o })).toBe(one);
    // an unknown format version stops the scan at once, naming its line
    lines.splice(4, 1);
    lines.splice(8, 1, JSON.stringify({ ...record('t-2', 9), format_version: 99 }));
    await writeFile(file, lines.join('\n') + '\n');
    const version = await message({ splitFrom: Infinity });
    expect(version).toMatch(/attempts\.jsonl:9/);
    for (const o of [{ workerOnly: true, rangeBytes: 1 }, { rangeBytes: 1 }]) expect(await message({ splitFrom: 0, ...o })).toBe(version);
  });
});

describe('rangeStarts', () => {
  it('cuts a file at line starts, ascending from 0, a line longer than a range in one range', async () => {
    const dir = await mkdtemp(path.join(root, 'ranges-'));
    const file = path.join(dir, 'f');
    const lines = ['a'.repeat(10), 'b'.repeat(100), 'c'.repeat(3), '', 'd'.repeat(40), 'e'];
    const text = lines.map((l) => l + '\n').join('');
    await writeFile(file, text);
    const lineStarts = lines.map((_, i) => lines.slice(0, i).reduce((n, l) => n + l.length + 1, 0));
    const fh = await open(file, 'r');
    try {
      for (const size of [1, 7, 20, 50, 1000]) {
        const starts = await rangeStarts(fh, text.length, size);
        expect(starts[0]).toBe(0);
        for (let i = 1; i < starts.length; i++) {
          expect(starts[i]!).toBeGreaterThan(starts[i - 1]!);
          expect(lineStarts).toContain(starts[i]);
        }
        if (size === 1) expect(starts).toEqual(lineStarts);
        if (size === 1000) expect(starts).toEqual([0]);
      }
    } finally {
      await fh.close();
    }
  });
});
