// A resume counts every killed session's billed calls against its budget before any job starts
// (`countUnsettledLedgers`, atkF10 1/3), each once: the attempt that later folds them adds nothing more,
// and ledgers a record already covers (settled) are not counted.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zeroUsage } from '../../../src/core/usage.ts';
import type { CallRecord } from '../../../src/models/types.ts';
import { RunBudget } from '../../../src/runner/budget.ts';
import { countUnsettledLedgers, openAttemptLedger } from '../../../src/runner/ledger-fold.ts';
import { settleLedger } from '../../../src/store/ledger.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-ledger-ahead-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const call = (usd: number): CallRecord => ({ usage: { ...zeroUsage(), input_uncached: 1000, output: 100 }, raw_usage: null, list_usd: usd, billed_usd: null, ms: 1 });
const killedSession = async (key: string, usds: number[]) => {
  const l = await openAttemptLedger(dir, { key, model: 'm', instance_id: key, attempt: 0 }, true, new RunBudget(null));
  for (const u of usds) await l.billed(call(u));
  l.close();
  await new Promise((r) => setTimeout(r, 20));
};

describe('countUnsettledLedgers', () => {
  it('counts every unsettled ledger once, before the jobs; the fold then adds nothing; settled ledgers are not counted', async () => {
    await killedSession('a', [0.01, 0.02]);
    await killedSession('b', [0.04]);
    await killedSession('c', [0.5]);
    await settleLedger(dir, 'c'); // its record holds it
    const budget = new RunBudget(0.06);
    const keys = await countUnsettledLedgers(dir, budget);
    expect([...keys].sort()).toEqual(['a', 'b']);
    expect(budget.spentUsd).toBeCloseTo(0.07, 12);
    expect(budget.spentTokens).toBe(3 * 1100);
    expect(budget.exhausted).toBe(true); // the jobs see the spent budget before any starts
    const fold = await openAttemptLedger(dir, { key: 'a', model: 'm', instance_id: 'a', attempt: 0 }, true, budget);
    fold.close();
    expect(fold.carried).toMatchObject({ calls: 2 });
    expect(budget.spentUsd).toBeCloseTo(0.07, 12); // not counted twice
    // a second session counts what is still unsettled: b (a was taken aside, not yet folded into a record)
    expect([...(await countUnsettledLedgers(dir, new RunBudget(null)))].sort()).toEqual(['a', 'b']);
  });
});
