// A call in flight at a kill whose pending line has no bound (bound_usd null: an unpriced model and
// no ceiling) is "unbounded", never "bounded at $0"; the resumed budget notes it as uncounted (atkB16 #4).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openAttemptLedger } from '../../../src/runner/ledger-fold.ts';
import { RunBudget } from '../../../src/runner/budget.ts';
import { interruptedCallsNote, spendText, unsettledText } from '../../../src/report/infra-note.ts';
import type { IndexRecord } from '../../../src/store/records.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-unbounded-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('an unbounded pending call folds as unbounded, is worded so, and the budget notes it', async () => {
  const id = { key: 'm__t__1', model: 'm', instance_id: 't', attempt: 1 };
  const first = await openAttemptLedger(dir, id, false, new RunBudget(null));
  await first.pending({ usd: null, price_key: null, bounded: false }); // sent; then kill -9
  await first.pending({ usd: 0.5, price_key: 'm', bounded: true });
  first.close();
  const budget = new RunBudget(1);
  const resumed = await openAttemptLedger(dir, id, true, budget);
  resumed.close();
  expect(resumed.carried).toMatchObject({ unsettled_calls: 2, unsettled_usd: 0.5, unbounded_calls: 1 });
  const recs = [{ interrupted_calls: resumed.carried! }];
  expect(spendText(0, recs)).toBe('≥ $0 total, 2 calls unsettled, 1 unbounded, the rest bounded at $0.50');
  expect(interruptedCallsNote(recs as unknown as IndexRecord[])).toContain('an unbounded one at nothing');
  expect(budget.spentUsd).toBeCloseTo(0.5);
  expect(budget.unknownCostNotes().join(' ')).toMatch(/^1 model call\(s\) had an unknown price and unknown tokens/);
});

it('words all-unbounded and all-bounded unsettled calls', () => {
  expect(unsettledText({ calls: 1, usd: 0, unbounded: 1 })).toBe('1 call unsettled, unbounded');
  expect(unsettledText({ calls: 2, usd: 0.25, unbounded: 0 })).toBe('2 calls unsettled, bounded at $0.25');
});
