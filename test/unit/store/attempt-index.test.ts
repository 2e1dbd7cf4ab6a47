// The sidecar index attempts.index.jsonl (src/store/attempt-index.ts): a resume reads it and gets what
// a full read of attempts.jsonl gives; a kill between the record's append and the entry's leaves a
// short sidecar that is completed from attempts.jsonl's tail; a sidecar that disagrees with
// attempts.jsonl (hand edits of either file, offsets past the end, a gap, a torn line) is rebuilt
// from attempts.jsonl, never trusted; a run without one (older fixbench, version 1) is scanned.
import { appendFile, cp, mkdtemp, readFile, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunWriter, readRun, readRunHeader } from '../../../src/store/store.ts';
import { readRunIndex } from '../../../src/store/scan.ts';
import { ATTEMPT_INDEX_FILE, AttemptIndexLine, indexEntryOf, isIndexLine, readAttemptIndex } from '../../../src/store/attempt-index.ts';
import type { AttemptRecord, RunHeader } from '../../../src/store/records.ts';
import { makeAttempt, makeHeader } from '../analysis/fixtures.ts';

const tasks = ['t-1', 't-2', 't-3'];
const header: RunHeader = makeHeader({ run_id: 'r1', status: 'running', suite: { hash: 'abc', instance_ids: tasks } });
const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-aidx-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const outcomes = ['resolved', 'unresolved', 'infra_error', 'empty_patch'] as const;
const record = (i: number): AttemptRecord => ({
  ...makeAttempt('gold', tasks[i % 3]!, outcomes[i % 4]!, 0.01 * i, { run_id: 'r1', agent: 'gold', attempt: Math.floor(i / 3), key: `k${i}` }),
  ...(i % 2 ? { budget_usd: 0.02 * i } : {}),
  model_patch: `diff --git a/x b/x\n+ "q\\" ☃ ${'x'.repeat(i * 7)}\n`,
});

async function runWith(n: number): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
  const w = await RunWriter.create(dir, header);
  for (let i = 0; i < n; i++) await w.appendAttempt(record(i));
  return dir;
}

/** What the sidecar must say: every record read whole, with its line's place as the streaming scan finds it. */
async function fromFullRead(dir: string) {
  const h = await readRunHeader(dir);
  const { lines } = await readRunIndex(dir, h);
  return (await readRun(dir)).attempts.map((r) => indexEntryOf(r, lines.get(r.key)!));
}

const sidecar = (dir: string) => path.join(dir, ATTEMPT_INDEX_FILE);
const attempts = (dir: string) => path.join(dir, 'attempts.jsonl');
/** Makes attempts.jsonl older than the sidecar, as after the writer's two appends. */
async function sidecarNewer(dir: string): Promise<void> {
  await utimes(attempts(dir), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
}

describe('attempts.index.jsonl', () => {
  it('is written by RunWriter as it appends; a resume reads it and gets exactly what a full read gives', async () => {
    const dir = await runWith(40);
    const { entries, source } = await readAttemptIndex(dir, header, { repair: false });
    expect(source).toEqual({ kind: 'sidecar' });
    expect(entries).toEqual(await fromFullRead(dir));
    const { done } = await RunWriter.open(dir);
    expect(done).toEqual(entries);
    const lines = (await readFile(sidecar(dir), 'utf8')).split('\n');
    expect(lines[0]).toBe('{"attempts_index":2}');
    expect(lines).toHaveLength(42); // version line, 40 entries, the final newline
  });

  it('after a kill between the record append and its entry (sidecar short), completes the sidecar from the tail of attempts.jsonl', async () => {
    const dir = await runWith(30);
    const whole = await readFile(sidecar(dir), 'utf8');
    const kept = whole.split('\n').slice(0, 1 + 27).join('\n') + '\n'; // the last 3 entries never written
    await writeFile(sidecar(dir), kept);
    await utimes(sidecar(dir), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000)); // attempts.jsonl written after it
    expect((await readAttemptIndex(dir, header, { repair: false })).source).toEqual({ kind: 'completed', added: 3 });
    expect(await readFile(sidecar(dir), 'utf8')).toBe(kept); // read-only: nothing written
    const { done, writer } = await RunWriter.open(dir);
    expect(done).toEqual(await fromFullRead(dir));
    expect(await readFile(sidecar(dir), 'utf8')).toBe(whole); // completed as the writer would have left it
    await writer.appendAttempt(record(30));
    const again = await readAttemptIndex(dir, header, { repair: false });
    expect(again.source).toEqual({ kind: 'sidecar' });
    expect(again.entries).toEqual(await fromFullRead(dir));
  });

  it('after a kill mid-append of a record (torn line cut), keeps reading the sidecar, and the next record lands on its own line', async () => {
    const dir = await runWith(5);
    await appendFile(attempts(dir), JSON.stringify(record(5)).slice(0, 60));
    const { writer, done } = await RunWriter.open(dir);
    expect(done.map((e) => e.key)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect((await readAttemptIndex(dir, header, { repair: false })).source).toEqual({ kind: 'sidecar' });
    await writer.appendAttempt(record(5));
    expect((await readAttemptIndex(dir, header, { repair: false })).entries).toEqual(await fromFullRead(dir));
  });

  it('a duplicate key appended by hand after the sidecar is named as the scan names it', async () => {
    const dir = await runWith(4);
    await appendFile(attempts(dir), JSON.stringify(record(1)) + '\n');
    await expect(RunWriter.open(dir)).rejects.toThrow(/attempts\.jsonl:5: attempt key k1 is already recorded on line 2/);
  });

  const rebuilt = async (dir: string, why: RegExp): Promise<void> => {
    const r = await readAttemptIndex(dir, header, { repair: true });
    expect(r.source.kind).toBe('scanned');
    expect((r.source as { why: string }).why).toMatch(why);
    expect(r.entries).toEqual(await fromFullRead(dir));
    const again = await readAttemptIndex(dir, header, { repair: false });
    expect(again.source).toEqual({ kind: 'sidecar' });
    expect(again.entries).toEqual(r.entries);
  };

  it('rebuilds when attempts.jsonl was hand-edited: a line shortened (every later offset moves)', async () => {
    const dir = await runWith(20);
    const text = await readFile(attempts(dir), 'utf8');
    await writeFile(attempts(dir), text.replace('"outcome":"infra_error"', '"outcome":"resolved"'));
    await sidecarNewer(dir);
    await rebuilt(dir, /disagrees with attempts\.jsonl line 20|points past the end/);
    expect((await readAttemptIndex(dir, header, { repair: false })).entries[2]!.outcome).toBe('resolved');
  });

  it('rebuilds when attempts.jsonl was edited after the sidecar, even keeping every length', async () => {
    const dir = await runWith(20);
    const text = await readFile(attempts(dir), 'utf8');
    const edited = text.replace('"attempt":1,', '"attempt":7,');
    expect(edited.length).toBe(text.length);
    await writeFile(attempts(dir), edited);
    const later = new Date(Date.now() + 5_000);
    await utimes(attempts(dir), later, later);
    await rebuilt(dir, /older than attempts\.jsonl/); // (the rebuilt sidecar takes attempts.jsonl's later time: not rebuilt again)
  });

  it('rebuilds when an entry points past the end of attempts.jsonl (attempts.jsonl cut short)', async () => {
    const dir = await runWith(10);
    const { size } = await stat(attempts(dir));
    const lines = (await readFile(attempts(dir), 'utf8')).split('\n');
    await truncate(attempts(dir), size - Buffer.byteLength(lines.at(-2)!) - 1); // the last record removed
    await sidecarNewer(dir);
    await rebuilt(dir, /points past the end/);
  });

  it('rebuilds a hand-edited sidecar: an outcome changed, a line deleted, keys swapped, a torn or non-JSON line, another version', async () => {
    const edits: Array<[(lines: string[]) => string[], RegExp]> = [
      [(l) => l.map((x, i) => (i === l.length - 2 ? x.replace(/"(resolved|unresolved|infra_error|empty_patch)"/, '"timeout"') : x)), /does not match the hash chain/],
      [(l) => l.filter((_, i) => i !== 5), /does not match the hash chain/],
      [(l) => l.map((x, i) => (i === 3 ? x.replace('"k2"', '"k3"') : i === 4 ? x.replace('"k3"', '"k2"') : x)), /does not match the hash chain/],
      [(l) => [...l.slice(0, -1), '[1,2'], /torn line/],
      [(l) => [...l.slice(0, 3), 'oops', ...l.slice(3)], /not JSON/],
      [(l) => ['{"attempts_index":9}', ...l.slice(1)], /no version line/],
      [(l) => l.map((x, i) => (i === 2 ? x.replace(/,\d+,("[0-9a-f]{16}")\]$/, ',-1,$1]') : x)), /line 3 is not an index entry/],
      [(l) => l.map((x, i) => (i === 2 ? x.replace(/"[0-9a-f]{16}"\]$/, '"xyz"]') : x)), /line 3 is not an index entry/],
    ];
    for (const [edit, why] of edits) {
      const dir = await runWith(12);
      await writeFile(sidecar(dir), edit((await readFile(sidecar(dir), 'utf8')).split('\n')).join('\n'));
      await sidecarNewer(dir);
      await rebuilt(dir, why);
    }
  });

  it('reads a run without a sidecar (older fixbench, version 1) by the scan, and a resume writes the sidecar', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'v1-')), 'v1-run');
    await cp(path.join(import.meta.dirname, '../../fixtures/results-v1/v1-run'), dir, { recursive: true });
    const h = await readRunHeader(dir);
    const ro = await readAttemptIndex(dir, h, { repair: false });
    expect(ro.source).toEqual({ kind: 'scanned', why: `no ${ATTEMPT_INDEX_FILE}` });
    await expect(stat(sidecar(dir))).rejects.toThrow(/ENOENT/);
    expect(ro.entries.length).toBeGreaterThan(0);
    expect(ro.entries).toEqual(await fromFullRead(dir));
    const { done } = await RunWriter.open(dir);
    expect(done).toEqual(ro.entries);
    expect((await readAttemptIndex(dir, h, { repair: false })).source).toEqual({ kind: 'sidecar' });
  });

  it('--retry-errors (dropAttempts) rewrites the sidecar with attempts.jsonl; later appends stay in step', async () => {
    const dir = await runWith(16);
    const { writer } = await RunWriter.open(dir);
    const dropped = await writer.dropAttempts((r) => r.outcome === 'infra_error');
    expect(dropped.map((r) => r.key)).toEqual(['k2', 'k6', 'k10', 'k14']);
    await writer.appendAttempt({ ...record(2), outcome: 'resolved' });
    const r = await readAttemptIndex(dir, header, { repair: false });
    expect(r.source).toEqual({ kind: 'sidecar' });
    expect(r.entries).toEqual(await fromFullRead(dir));
    expect(r.entries.map((e) => e.key)).not.toContain('k6');
  });

  it('a run with no attempt yet has an empty sidecar; no attempts.jsonl means no record', async () => {
    const dir = await runWith(0);
    expect(await readFile(sidecar(dir), 'utf8')).toBe('{"attempts_index":2}\n');
    expect(await readAttemptIndex(dir, header, { repair: false })).toMatchObject({ entries: [], source: { kind: 'sidecar' } });
  });

  it('isIndexLine (the hot-path check) gives the zod tuple AttemptIndexLine\'s verdict', () => {
    const good: unknown[] = ['k', 'gold', 't-1', 0, 'resolved', 0.5, null, 1, 2, 3, 4, 5, 6, 1, 0, 10, '0123456789abcdef'];
    const variants: unknown[] = [good, [...good.slice(0, 6), 0.2, ...good.slice(7)], [...good.slice(0, 5), null, ...good.slice(6)]];
    const bad: Array<[number, unknown]> = [[0, 1], [1, null], [3, -1], [3, 1.5], [4, 'won'], [5, 'x'], [5, Infinity], [6, -0.1], [7, -1], [9, 2.5], [12, '6'], [13, 0], [14, -1], [15, 0], [15, 1.2], [16, 'xyz'], [16, '0123456789abcde'], [16, 12]];
    for (const [i, v] of bad) variants.push(good.map((x, j) => (j === i ? v : x)));
    variants.push(good.slice(0, 16), [...good, 1], { 0: 'k' }, null);
    for (const v of variants) expect([JSON.stringify(v), isIndexLine(v)]).toEqual([JSON.stringify(v), AttemptIndexLine.safeParse(v).success]);
    expect(variants.filter((v) => isIndexLine(v))).toHaveLength(3);
  });
});

describe('attempts.index.jsonl hash chain', () => {
  // Regression (attack B, round 4): an entry the 32-entry sample skips, edited by hand (key, outcome, spend), was trusted by a resume.
  it('rebuilds a sidecar with an unsampled entry edited (key, outcome, spend): the resume sees attempts.jsonl', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'chain-')), 'r1');
    const w = await RunWriter.create(dir, header);
    const rec = (i: number): AttemptRecord => ({ ...makeAttempt('gold', tasks[i % 3]!, i === 10 ? 'infra_error' : 'resolved', 0.5, { run_id: 'r1', agent: 'gold', attempt: Math.floor(i / 3), key: `k${i}` }), budget_usd: 0.5 });
    for (let i = 0; i < 66; i++) await w.appendAttempt(rec(i));
    const lines = (await readFile(sidecar(dir), 'utf8')).split('\n');
    const edited = lines[11]!.replace('"k10"', '"k-not-run"').replace('"infra_error",0.5,0.5', '"resolved",0,0');
    expect(edited).not.toBe(lines[11]);
    lines[11] = edited;
    await writeFile(sidecar(dir), lines.join('\n'));
    await sidecarNewer(dir);
    const ro = await readAttemptIndex(dir, header, { repair: false });
    expect(ro.source).toEqual({ kind: 'scanned', why: `${ATTEMPT_INDEX_FILE} does not match the hash chain of its lines (edited after it was written)` });
    const { done } = await RunWriter.open(dir);
    expect(done[10]).toMatchObject({ key: 'k10', outcome: 'infra_error', budget_usd: 0.5 });
    expect(done.reduce((s, d) => s + (d.budget_usd ?? 0), 0)).toBeCloseTo(33, 9);
    // the rebuilt sidecar chains again: the next read trusts it
    expect((await readAttemptIndex(dir, header, { repair: false })).source).toEqual({ kind: 'sidecar' });
  });

  it('appends never rewrite earlier bytes, and a resumed writer continues the chain', async () => {
    const dir = await runWith(5);
    const before = await readFile(sidecar(dir), 'utf8');
    const { writer } = await RunWriter.open(dir);
    await writer.appendAttempt(record(5));
    const after = await readFile(sidecar(dir), 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after.split('\n')).toHaveLength(8);
    const read = await readAttemptIndex(dir, header, { repair: false });
    expect(read.source).toEqual({ kind: 'sidecar' });
    const { writer: again } = await RunWriter.open(dir);
    await again.appendAttempt(record(6));
    expect((await readAttemptIndex(dir, header, { repair: false })).source).toEqual({ kind: 'sidecar' });
  });

  it('rebuilds a version-1 sidecar (no chain) written by an earlier fixbench', async () => {
    const dir = await runWith(4);
    const v1 = (await readFile(sidecar(dir), 'utf8')).split('\n').map((l, i) => (i === 0 ? '{"attempts_index":1}' : l ? JSON.stringify(JSON.parse(l).slice(0, 16)) : l));
    await writeFile(sidecar(dir), v1.join('\n'));
    await sidecarNewer(dir);
    const { done } = await RunWriter.open(dir);
    expect(done.map((d) => d.key)).toEqual(['k0', 'k1', 'k2', 'k3']);
    expect((await readFile(sidecar(dir), 'utf8')).split('\n')[0]).toBe('{"attempts_index":2}');
    expect((await readAttemptIndex(dir, header, { repair: false })).source).toEqual({ kind: 'sidecar' });
  });
});

describe('attempts.index.jsonl and links', () => {
  it('is never read through a symbolic link, even by a read-only reader', async () => {
    const { symlink, rm } = await import('node:fs/promises');
    const dir = await runWith(3);
    const outside = path.join(root, 'outside.jsonl');
    await writeFile(outside, await readFile(sidecar(dir), 'utf8'));
    await rm(sidecar(dir));
    await symlink(outside, sidecar(dir));
    await expect(readAttemptIndex(dir, header, { repair: false })).rejects.toThrow(/attempts\.index\.jsonl: is a symbolic link inside a run folder/);
    await expect(RunWriter.open(dir)).rejects.toThrow(/symbolic link/);
  });
});
