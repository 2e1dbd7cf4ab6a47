import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zeroUsage } from '../../../src/core/usage.ts';
import { LEDGER_FORMAT_VERSION, LedgerWriter, ledgerDir, ledgerPath, readLedger, settleLedger, takeInterruptedLedger, type LedgerEntry } from '../../../src/store/ledger.ts';
import { RunBudget } from '../../../src/runner/budget.ts';
import { foldInterrupted, openAttemptLedger } from '../../../src/runner/ledger-fold.ts';
import { makeAttempt } from '../analysis/fixtures.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-ledger-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (n: number): LedgerEntry => ({
  format_version: LEDGER_FORMAT_VERSION, key: 'k1', model: 'm', instance_id: 't', attempt: 0, at: '2026-01-01T00:00:00Z',
  usage: { ...zeroUsage(), input_uncached: 1000 * n, output: 100 }, list_usd: 0.001 * n, billed_usd: null, ms: 5,
});

describe('billed-call ledger', () => {
  it('appends one line per call and reads them back; a torn last line is skipped', async () => {
    const w = new LedgerWriter(ledgerPath(dir, 'k1'));
    w.append(entry(1));
    w.append(entry(2));
    w.close();
    appendFileSync(ledgerPath(dir, 'k1'), '{"format_version":1,"key":"k1","mod');
    expect((await readLedger(ledgerPath(dir, 'k1'))).map((e) => e.list_usd)).toEqual([0.001, 0.002]);
    expect(await readLedger(path.join(dir, 'none.jsonl'))).toEqual([]);
  });

  it('write() appends off the event loop, in call order, and close() waits for pending writes', async () => {
    const w = new LedgerWriter(ledgerPath(dir, 'k1'));
    const writes = [1, 2, 3].map((n) => w.write(entry(n)));
    w.close(); // closes after the three queued writes, not before
    await Promise.all(writes);
    await new Promise((r) => setImmediate(r));
    expect((await readLedger(ledgerPath(dir, 'k1'))).map((e) => e.list_usd)).toEqual([0.001, 0.002, 0.003]);
    // the synchronous form and a reopened writer append after them
    const again = new LedgerWriter(ledgerPath(dir, 'k1'));
    again.append(entry(4));
    await again.write(entry(5));
    again.close();
    expect((await readLedger(ledgerPath(dir, 'k1'))).map((e) => e.list_usd)).toEqual([0.001, 0.002, 0.003, 0.004, 0.005]);
  });

  it('write() rejects an entry that is not a ledger entry without writing anything', async () => {
    const w = new LedgerWriter(ledgerPath(dir, 'k1'));
    expect(() => w.write({ ...entry(1), ms: -1 })).toThrow();
    await w.write(entry(2));
    w.close();
    expect((await readLedger(ledgerPath(dir, 'k1'))).map((e) => e.list_usd)).toEqual([0.002]);
  });

  it('refuses a bad line that is not the last, naming file and line', async () => {
    const w = new LedgerWriter(ledgerPath(dir, 'k1'));
    w.append(entry(1));
    w.close();
    appendFileSync(ledgerPath(dir, 'k1'), 'garbage\n' + JSON.stringify(entry(2)) + '\n');
    await expect(readLedger(ledgerPath(dir, 'k1'))).rejects.toThrow(/k1\.jsonl:2: not a ledger entry/);
  });

  it('on resume folds an interrupted ledger into the re-run record once, and counts it in the budget', async () => {
    const w = new LedgerWriter(ledgerPath(dir, 'k1'));
    w.append(entry(1));
    w.close();
    const budget = new RunBudget(null);
    const ledger = await openAttemptLedger(dir, { key: 'k1', model: 'm', instance_id: 't', attempt: 0 }, true, budget);
    expect(ledger.carried).toMatchObject({ calls: 1, list_usd: 0.001 });
    expect(budget.spentUsd).toBeCloseTo(0.001, 12);
    expect(budget.spentTokens).toBe(1100);
    await ledger.billed({ usage: { ...zeroUsage(), input_uncached: 10, output: 1 }, raw_usage: null, list_usd: 0.5, billed_usd: null, ms: 1 });
    ledger.close();
    const rec = foldInterrupted(makeAttempt('m', 't', 'resolved', 0.5, { calls: 1 }), ledger.carried);
    expect(rec).toMatchObject({ calls: 2, list_usd: 0.501, interrupted_calls: { calls: 1 } });
    await settleLedger(dir, 'k1');
    expect(readdirSync(ledgerDir(dir)).sort()).toEqual(['k1.interrupted-1.folded.jsonl', 'k1.recorded.jsonl']);
    expect(readFileSync(path.join(ledgerDir(dir), 'k1.recorded.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    // A second resume finds nothing left to fold.
    expect(await takeInterruptedLedger(dir, 'k1')).toEqual([]);
  });

  it('regression: a key recorded again (--retry-errors) keeps every earlier record\'s ledger (recorded.jsonl was renamed over)', async () => {
    for (const n of [1, 2, 3]) {
      const w = new LedgerWriter(ledgerPath(dir, 'k1'));
      w.append(entry(n));
      w.close();
      await settleLedger(dir, 'k1');
    }
    expect(readdirSync(ledgerDir(dir)).sort()).toEqual(['k1.recorded-2.jsonl', 'k1.recorded-3.jsonl', 'k1.recorded.jsonl']);
    const lists = await Promise.all(['k1.recorded.jsonl', 'k1.recorded-2.jsonl', 'k1.recorded-3.jsonl'].map((f) => readLedger(path.join(ledgerDir(dir), f))));
    expect(lists.map((l) => l.map((e) => e.list_usd))).toEqual([[0.001], [0.002], [0.003]]);
  });

  it('regression: an interrupted ledger with an unknown-cost call carries its ceiling and its priced calls into the budget', async () => {
    const w = new LedgerWriter(ledgerPath(dir, 'k1'));
    w.append(entry(1));
    w.append({ ...entry(2), list_usd: null, cap_usd: 0.25 });
    w.close();
    const budget = new RunBudget(null);
    const ledger = await openAttemptLedger(dir, { key: 'k1', model: 'm', instance_id: 't', attempt: 0 }, true, budget);
    ledger.close();
    expect(ledger.carried).toMatchObject({ calls: 2, list_usd: null });
    expect(ledger.carried!.budget_usd).toBeCloseTo(0.251, 12);
    expect(budget.spentUsd).toBeCloseTo(0.251, 12);
    const rec = foldInterrupted({ ...makeAttempt('m', 't', 'resolved', 0.5, { calls: 1 }), budget_usd: 0.5 }, ledger.carried);
    expect(rec.list_usd).toBeNull();
    expect(rec.budget_usd).toBeCloseTo(0.751, 12);
  });

  it('records the ceiling cost of an unknown-cost call in the ledger', async () => {
    const ledger = await openAttemptLedger(dir, { key: 'k3', model: 'm', instance_id: 't', attempt: 0 }, false, new RunBudget(null));
    ledger.billedSync({ usage: { ...zeroUsage(), input_uncached: 10, output: 1 }, raw_usage: null, list_usd: null, billed_usd: null, ms: 1, cap_usd: 0.3 });
    ledger.close();
    expect((await readLedger(ledgerPath(dir, 'k3')))[0]).toMatchObject({ list_usd: null, cap_usd: 0.3 });
  });

  it('does not fold without --resume, and leaves a record unchanged with nothing carried', async () => {
    const ledger = await openAttemptLedger(dir, { key: 'k2', model: 'm', instance_id: 't', attempt: 0 }, false, new RunBudget(null));
    expect(ledger.carried).toBeNull();
    const rec = makeAttempt('m', 't', 'resolved', 0.5);
    expect(foldInterrupted(rec, null)).toBe(rec);
  });
});
