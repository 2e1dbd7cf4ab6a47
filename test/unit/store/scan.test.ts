// The streaming, projecting reader of attempts.jsonl (src/store/scan.ts): a projection reads the
// same records as the whole reader on the fields it keeps, checks what it keeps, names bad lines,
// skips a torn last line, reads version 1, and reads records back by their line.
import { appendFile, cp, mkdtemp, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunWriter, readRun, readRunHeader } from '../../../src/store/store.ts';
import { INDEX_FIELDS, RESUME_FIELDS, openAttemptsAt, projection, readResumeScan, readRunIndex, scanAttempts, type LineAt } from '../../../src/store/scan.ts';
import { NameSet, projectLine } from '../../../src/store/project-line.ts';
import type { AttemptRecord, RunHeader } from '../../../src/store/records.ts';
import { makeAttempt, makeHeader } from '../analysis/fixtures.ts';

const header: RunHeader = makeHeader({ run_id: 'r1', status: 'running', suite: { hash: 'abc', instance_ids: ['t-1', 't-2'] } });
const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-scan-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A record whose patch and test names hold quotes, backslashes, braces and non-ASCII text: what a byte walk can get wrong. */
const record = (task: string, attempt: number): AttemptRecord => ({
  ...makeAttempt('gold', task, attempt % 2 ? 'unresolved' : 'resolved', 0.25 * attempt, { run_id: 'r1', agent: 'gold', attempt, key: `k-${task}-${attempt}` }),
  model_patch: `diff --git a/x b/x\n+ "quoted \\" } ] {\\\\" naïve ☃ ${'x'.repeat(attempt * 40)}\n`,
  tests_status: { FAIL_TO_PASS: { success: ['a "b" \\ }'], failure: [] }, PASS_TO_PASS: { success: [], failure: ['{[x]}'] } },
});

async function runWith(records: AttemptRecord[]): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
  const w = await RunWriter.create(dir, header);
  for (const r of records) await w.appendAttempt(r);
  return dir;
}

const pick = <T extends object>(o: T, keys: readonly string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));

describe('scanAttempts (projection)', () => {
  it('reads exactly the fields asked for, equal to the whole reader on them (index and resume)', async () => {
    const records = ['t-1', 't-2'].flatMap((t) => [0, 1, 2, 3].map((a) => record(t, a)));
    const dir = await runWith(records);
    const full = (await readRun(dir)).attempts;
    const { records: index, lines } = await readRunIndex(dir, header);
    expect(index).toEqual(full.map((r) => pick(r, INDEX_FIELDS.fields!)));
    expect(index.every((r) => !('model_patch' in r) && !('tests_status' in r))).toBe(true);
    const resume = await readResumeScan(dir, header);
    expect(resume).toEqual(full.map((r) => pick(r, RESUME_FIELDS.fields!)));
    // read back by line: the whole records again
    const reader = await openAttemptsAt(dir, header);
    expect(await reader.read(full.map((r) => lines.get(r.key)!))).toEqual(full);
    await reader.close();
  });

  it('regression: the resume scan keeps budget_usd, what the run budget counted (unknown-cost calls at their ceiling)', async () => {
    const dir = await runWith([{ ...record('t-1', 0), list_usd: null, budget_usd: 0.7 }]);
    expect((await readResumeScan(dir, header))[0]).toMatchObject({ list_usd: null, budget_usd: 0.7 });
  });

  it('validates the fields it keeps, naming file and line', async () => {
    const dir = await runWith([record('t-1', 0)]);
    await appendFile(path.join(dir, 'attempts.jsonl'), JSON.stringify({ ...record('t-1', 1), list_usd: 'lots' }) + '\n');
    await expect(readResumeScan(dir, header)).rejects.toThrow(/attempts\.jsonl:2: invalid record: list_usd: /);
  });

  it('names a line that is not JSON, with the fix, and skips only a torn last line', async () => {
    const dir = await runWith([record('t-1', 0)]);
    const file = path.join(dir, 'attempts.jsonl');
    await appendFile(file, '{"format_version":2,"key":"x", garbage}\n');
    await appendFile(file, JSON.stringify(record('t-1', 1)) + '\n');
    await expect(readRunIndex(dir, header)).rejects.toThrow(/attempts\.jsonl:2: not valid JSON .*this one has records after it — repair the line, or delete it/);
    // a torn last line (kill -9 mid-append: no newline after it) is skipped, as readRun does
    const dir2 = await runWith([record('t-1', 0), record('t-2', 0)]);
    const line = JSON.stringify(record('t-2', 1));
    await appendFile(path.join(dir2, 'attempts.jsonl'), line.slice(0, line.indexOf('"model_patch"') + 20));
    expect((await readResumeScan(dir2, header)).map((r) => r.key)).toEqual(['k-t-1-0', 'k-t-2-0']);
    expect((await readRun(dir2)).attempts).toHaveLength(2);
  });

  it('refuses a duplicate key and a stray record as readRun does', async () => {
    const dir = await runWith([record('t-1', 0)]);
    await appendFile(path.join(dir, 'attempts.jsonl'), JSON.stringify(record('t-1', 0)) + '\n' + JSON.stringify({ ...record('t-1', 2), instance_id: 't-9' }) + '\n');
    const err = await readResumeScan(dir, header).then(() => null, (e: Error) => e.message);
    expect(err).toMatch(/attempts\.jsonl:2: attempt key k-t-1-0 is already recorded on line 1/);
    expect(err).toMatch(/attempts\.jsonl:3: task "t-9" is not in the run's suite/);
  });

  it('reads a version-1 run through a projection (upgraded, then projected)', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'v1-')), 'v1-run');
    await cp(path.join(import.meta.dirname, '../../fixtures/results-v1/v1-run'), dir, { recursive: true });
    const h = await readRunHeader(dir);
    const full = (await readRun(dir)).attempts;
    expect(full.length).toBeGreaterThan(0);
    expect(await readResumeScan(dir, h)).toEqual(full.map((r) => pick(r, RESUME_FIELDS.fields!)));
    expect((await readRunIndex(dir, h)).records).toEqual(full.map((r) => pick(r, INDEX_FIELDS.fields!)));
  });

  it('reports where each record is (line, byte offset, length) and reads across block boundaries', async () => {
    // records larger than the 1 MiB read block, so lines span blocks
    const big = [0, 1, 2].map((a) => ({ ...record('t-1', a), model_patch: `+${'y'.repeat(700_000)}\n` }));
    const dir = await runWith(big);
    const at: LineAt[] = [];
    await scanAttempts(dir, header, projection(['outcome']), (_r, where) => void at.push(where));
    expect(at.map((a) => a.line)).toEqual([1, 2, 3]);
    expect(at[1]!.offset).toBe(at[0]!.bytes + 1);
    const reader = await openAttemptsAt(dir, header);
    expect((await reader.read([at[2]!]))[0]!.model_patch).toBe(big[2]!.model_patch);
    await reader.close();
  });
});

describe('projectLine', () => {
  const want = new NameSet(new Set(['a', 'c']));
  const run = (s: string) => {
    const b = Buffer.from(s);
    return projectLine(b, 0, b.length, want);
  };
  it('keeps the named members and skips the rest without decoding them', () => {
    expect(JSON.parse(run('{"a":1,"b":"x\\"}{","c":[{"d":"]"}],"e":null}')!)).toEqual({ a: 1, c: [{ d: ']' }] });
    expect(JSON.parse(run(' { "b" : {"x":[1,2]} , "a" : "☃" } ')!)).toEqual({ a: '☃' });
    expect(JSON.parse(run('{"\\u0061":true}')!)).toEqual({ a: true }); // an escaped name is decoded
  });
  it('finds the end of strings inside skipped and kept containers: escaped quotes, a backslash before the closing quote, brackets, long strings', () => {
    const tricky = ['ends with a backslash\\', 'a quote " then ] } [ {', '\\"', 'x'.repeat(100) + '\\" ] "', '☃'.repeat(40) + '"', ''];
    const line = JSON.stringify({ b: { FAIL: { success: tricky, failure: [] }, e: [[tricky]] }, a: 1, c: [{ d: tricky }, tricky.join('')], z: tricky });
    expect(JSON.parse(run(line)!)).toEqual({ a: 1, c: [{ d: tricky }, tricky.join('')] });
    expect(run('{"b":["' + 'x'.repeat(60) + '\\"],"a":1}')).toBeNull(); // a string left open inside a skipped array (its quote escaped)
  });
  it('gives up (null: the caller parses the whole line) on what is not a plain object', () => {
    for (const bad of ['[1]', '{"a":1', '{"a":1}x', '{"b":tru,"a":1}', '{"a" 1}', '{"b":"unterminated}']) expect(run(bad)).toBeNull();
  });
});
