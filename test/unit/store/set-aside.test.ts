// --retry-errors' set-aside (RunWriter.dropAttempts, attempts.superseded.jsonl): each paid record
// counts exactly once, whatever a kill -9 between its two writes or a torn tail left behind
// (atk-repro 4 and 7 of round 9).
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunWriter } from '../../../src/store/store.ts';
import { readSuperseded, supersededToCount } from '../../../src/store/superseded.ts';
import { appendInRun } from '../../../src/store/run-fs.ts';
import type { AttemptRecord, RunHeader } from '../../../src/store/records.ts';
import { makeAttempt, makeHeader, referenceContender } from '../analysis/fixtures.ts';

const header: RunHeader = makeHeader({ run_id: 'r1', status: 'running', suite: { hash: 'abc', instance_ids: ['t-1', 't-2'] }, contenders: [referenceContender('gold'), referenceContender('noop')] });
/** A paid infra error (0.25 USD) of noop on `task`, finished at `at`. */
const infra = (task: string, at = '2026-04-01T02:30:00.000Z'): AttemptRecord =>
  makeAttempt('noop', task, 'infra_error', 0.25, { run_id: 'r1', agent: 'noop', attempt: 0, key: `noop-${task}`, finished_at: at });
const gold = (task: string): AttemptRecord => makeAttempt('gold', task, 'resolved', 0, { run_id: 'r1', agent: 'gold', attempt: 0, key: `gold-${task}` });
const SUP = 'attempts.superseded.jsonl';
const lines = async (dir: string, name: string): Promise<string[]> => (await readFile(path.join(dir, name), 'utf8')).split('\n').filter(Boolean);
const usd = (rs: readonly { list_usd: number | null }[]): number => rs.reduce((s, r) => s + (r.list_usd ?? 0), 0);

const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-set-aside-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A run holding gold + a paid noop infra error on t-1 and t-2. */
async function paidRun(): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
  const w = await RunWriter.create(dir, header);
  for (const r of [gold('t-1'), infra('t-1'), gold('t-2'), infra('t-2')]) await w.appendAttempt(r);
  return dir;
}

/** What a kill -9 between dropAttempts' two writes leaves: the infra errors in superseded AND still in attempts.jsonl. */
async function killedMidSetAside(dir: string): Promise<void> {
  await writeFile(path.join(dir, SUP), [infra('t-1'), infra('t-2')].map((r) => JSON.stringify(r) + '\n').join(''));
}

/** What a resume counts in the run budget: attempts.jsonl's records plus the set-aside ones to count. */
async function counted(dir: string): Promise<number> {
  const { done } = await RunWriter.open(dir);
  return usd(done) + usd(await supersededToCount(dir, header.limits, done));
}

describe('set-aside of --retry-errors: each paid record counts once', () => {
  it('after a kill between the two writes, the next set-aside does not append the records again', async () => {
    const dir = await paidRun();
    await killedMidSetAside(dir);
    const { writer } = await RunWriter.open(dir);
    const dropped = await writer.dropAttempts((r) => r.outcome === 'infra_error');
    expect(dropped.map((r) => r.key)).toEqual(['noop-t-1', 'noop-t-2']);
    expect(await lines(dir, SUP)).toHaveLength(2); // integ9 appended them a second time: 4 lines
    expect(await lines(dir, 'attempts.jsonl')).toHaveLength(2);
    expect(await counted(dir)).toBeCloseTo(0.5, 12);
  });

  it('after a kill between the two writes, a plain resume counts the records once (not in both files)', async () => {
    const dir = await paidRun();
    await killedMidSetAside(dir);
    expect(await counted(dir)).toBeCloseTo(0.5, 12); // integ9 counted 1.00: the copies in attempts.jsonl are the same records
  });

  it('a key re-run after being set aside: its old record and its new one both count (same key, another record)', async () => {
    const dir = await paidRun();
    const { writer } = await RunWriter.open(dir);
    await writer.dropAttempts((r) => r.outcome === 'infra_error');
    // the re-run fails again and pays again: a new record of the same key
    await writer.appendAttempt(infra('t-1', '2026-04-02T09:00:00.000Z'));
    expect(await counted(dir)).toBeCloseTo(0.75, 12);
    // set aside again: only the new record is appended, the old one stays once
    const again = await RunWriter.open(dir);
    await again.writer.dropAttempts((r) => r.outcome === 'infra_error');
    const sup = await readSuperseded(dir, header.limits);
    expect(sup.map((r) => [r.key, r.finished_at])).toEqual([
      ['noop-t-1', '2026-04-01T02:30:00.000Z'],
      ['noop-t-2', '2026-04-01T02:30:00.000Z'],
      ['noop-t-1', '2026-04-02T09:00:00.000Z'],
    ]);
    expect(await counted(dir)).toBeCloseTo(0.75, 12);
  });

  it('identical set-aside lines (an older fixbench set them aside twice) count once', async () => {
    const dir = await paidRun();
    const { writer } = await RunWriter.open(dir);
    await writer.dropAttempts((r) => r.outcome === 'infra_error');
    await appendFile(path.join(dir, SUP), await readFile(path.join(dir, SUP), 'utf8'));
    expect(await lines(dir, SUP)).toHaveLength(4);
    expect(await readSuperseded(dir, header.limits)).toHaveLength(2);
    expect(await counted(dir)).toBeCloseTo(0.5, 12);
  });

  it('a torn last line of attempts.superseded.jsonl is cut before the next set-aside appends: every later read works', async () => {
    const dir = await paidRun();
    const torn = JSON.stringify(infra('t-9')).slice(0, 300);
    await writeFile(path.join(dir, SUP), torn);
    expect(await readSuperseded(dir, header.limits)).toEqual([]); // a torn last line is skipped
    const { writer } = await RunWriter.open(dir);
    await writer.dropAttempts((r) => r.outcome === 'infra_error');
    // integ9: the torn text and the first record fused into one invalid line: every read threw
    const sup = await readSuperseded(dir, header.limits);
    expect(sup.map((r) => r.key)).toEqual(['noop-t-1', 'noop-t-2']);
    expect(await readFile(path.join(dir, SUP), 'utf8')).not.toContain(torn);
    expect(await counted(dir)).toBeCloseTo(0.5, 12);
  });
});

describe('appends to a run JSONL file after a torn tail', () => {
  it('appendInRun cuts the torn last line (only it) and starts the content on a line of its own', async () => {
    const dir = await mkdtemp(path.join(root, 'a-'));
    await writeFile(path.join(dir, 'x.jsonl'), '{"a":1}\n{"b":');
    await appendInRun(dir, 'x.jsonl', '{"c":3}\n');
    expect(await readFile(path.join(dir, 'x.jsonl'), 'utf8')).toBe('{"a":1}\n{"c":3}\n');
    await writeFile(path.join(dir, 'y.jsonl'), '{"b":');
    await appendInRun(dir, 'y.jsonl', '{"c":3}\n');
    expect(await readFile(path.join(dir, 'y.jsonl'), 'utf8')).toBe('{"c":3}\n');
  });

  it('a last line cut just before its newline (whole JSON, which readers take as a record) is completed, not cut', async () => {
    const dir = await paidRun();
    const whole = JSON.stringify(infra('t-9'));
    await writeFile(path.join(dir, SUP), whole);
    expect((await readSuperseded(dir, header.limits)).map((r) => r.key)).toEqual(['noop-t-9']);
    const { writer } = await RunWriter.open(dir);
    await writer.dropAttempts((r) => r.outcome === 'infra_error');
    expect((await readSuperseded(dir, header.limits)).map((r) => r.key)).toEqual(['noop-t-9', 'noop-t-1', 'noop-t-2']);
    // attempts.jsonl likewise: a resume keeps the record instead of cutting it
    await appendFile(path.join(dir, 'attempts.jsonl'), JSON.stringify({ ...gold('t-1'), attempt: 1, key: 'gold-t-1#1' }));
    expect((await RunWriter.open(dir)).done.map((e) => e.key)).toEqual(['gold-t-1', 'gold-t-2', 'gold-t-1#1']);
    expect(await readFile(path.join(dir, 'attempts.jsonl'), 'utf8')).toMatch(/\n$/);
  });

  it('a record appended after a torn attempts.jsonl line (an earlier append of the session cut short) starts on its own line', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    const w = await RunWriter.create(dir, header);
    await w.appendAttempt(gold('t-1'));
    await appendFile(path.join(dir, 'attempts.jsonl'), JSON.stringify(gold('t-2')).slice(0, 40));
    await w.appendAttempt(infra('t-2'));
    expect((await RunWriter.open(dir)).done.map((e) => e.key)).toEqual(['gold-t-1', 'noop-t-2']);
  });
});
