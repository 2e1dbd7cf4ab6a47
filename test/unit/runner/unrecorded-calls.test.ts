// After an interrupt, the billed and unsettled calls on the ledgers of the attempts it cut are in no
// record: the summary lines and --json add them, and the run's note gives their unsettled bound
// (atkB16 #5), in the one wording of report/infra-note.ts, until --resume folds them into records.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { zeroUsage } from '../../../src/core/usage.ts';
import { RunBudget } from '../../../src/runner/budget.ts';
import { openAttemptLedger, unrecordedCalls } from '../../../src/runner/ledger-fold.ts';
import { spendText, unsettledCutNote } from '../../../src/report/infra-note.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-unrecorded-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const call = (usd: number) => ({ usage: { ...zeroUsage(), input_uncached: 1000, output: 100 }, raw_usage: null, list_usd: usd, billed_usd: null, ms: 1 });

it('reads the billed and unsettled calls of unsettled ledgers, by contender, and words them', async () => {
  const l = await openAttemptLedger(dir, { key: 'k1', model: 'm', instance_id: 't', attempt: 0 }, false, new RunBudget(null));
  for (const usd of [0.0028, 0.0028]) await l.billed(call(usd), await l.pending({ usd: 0.3, price_key: 'm', bounded: true }));
  await l.pending({ usd: 0.25, price_key: 'm', bounded: true }); // in flight at the Ctrl-C
  l.close();
  const got = await unrecordedCalls(dir, (k) => (k === 'k1' ? 'fake-coder' : null));
  expect(got).toHaveLength(1);
  expect(got[0]).toMatchObject({ key: 'k1', contender: 'fake-coder', interrupted_calls: { calls: 2, unsettled_calls: 1, unsettled_usd: 0.25 } });
  expect(got[0]!.interrupted_calls.list_usd).toBeCloseTo(0.0056, 12);

  expect(spendText(0.01, [], got)).toBe('≥ $0.0156 total, $0.0056 of it in 2 billed calls not yet recorded, 1 call unsettled, bounded at $0.25');
  expect(spendText(0.01, [], [])).toBe('$0.01 total');
  expect(unsettledCutNote(got)).toBe('of those calls, 1 call unsettled, bounded at $0.25: in flight at the interrupt, the provider may have billed it; not in that list price');
  expect(unsettledCutNote([])).toBeNull();
});

it('a run without unsettled ledgers has nothing unrecorded', async () => {
  expect(await unrecordedCalls(dir, () => null)).toEqual([]);
});
