// The run budget and calls whose cost cannot be bounded (list_usd null, cap_usd at the sheet's
// ceiling, no cap_bound): they count at the ceiling, and new calls stop once that spend reaches the cap.
import { describe, expect, it } from 'vitest';
import { zeroUsage } from '../../../src/core/usage.ts';
import type { CallRecord, ChatReply, ModelClient } from '../../../src/models/types.ts';
import { RunBudget, meteredClient } from '../../../src/runner/budget.ts';

const unbounded = (capUsd: number): CallRecord => ({ usage: { ...zeroUsage(), input_uncached: 100, output: 10 }, raw_usage: null, list_usd: null, billed_usd: null, ms: 1, cap_usd: capUsd });
const client = (calls: { n: number }): ModelClient => ({
  id: 'm',
  async chat(): Promise<ChatReply> {
    calls.n++;
    return { message: { content: 'ok', tool_calls: [] }, finish_reason: 'stop', call: unbounded(0.03) };
  },
});

describe('run budget and unbounded calls', () => {
  it('the built-in client path: calls stop once the ceiling-counted spend reaches --budget-usd', async () => {
    const budget = new RunBudget(0.05);
    const calls = { n: 0 };
    let refused = 0;
    const c = meteredClient(client(calls), budget, () => refused++);
    await c.chat([]);
    await c.chat([]);
    await expect(c.chat([])).rejects.toMatchObject({ kind: 'budget' });
    expect(calls.n).toBe(2);
    expect(refused).toBe(1);
    expect(budget.spentUsd).toBeCloseTo(0.06, 12);
    expect(budget.unknownCostNotes()[0]).toMatch(/2 model call\(s\) had an unknown cost .* and were counted against the caps/);
  });

  it('concurrent calls: an unbounded call in flight holds the others back until its cost is counted', async () => {
    const budget = new RunBudget(0.05);
    const calls = { n: 0 };
    const c = meteredClient(client(calls), budget, () => {});
    const all = await Promise.allSettled(Array.from({ length: 6 }, () => c.chat([])));
    expect(all.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(calls.n).toBe(2);
  });

  it('the external agent path (proxy onCall, then refuse): refused once the ceiling-counted spend reaches the cap', () => {
    const budget = new RunBudget(0.05);
    budget.add(null, 110, 0.03);
    expect(budget.exhausted).toBe(false);
    budget.add(null, 110, 0.03);
    expect(budget.exhausted).toBe(true);
  });
});
