import { describe, expect, it } from 'vitest';
import { RunBudget, meteredClient } from '../../../src/runner/budget.ts';
import { ModelCallError, type ChatReply, type ModelClient } from '../../../src/models/types.ts';
import { zeroUsage } from '../../../src/core/usage.ts';

const reply = (usd: number | null): ChatReply => ({
  message: { content: 'ok', tool_calls: [] },
  finish_reason: 'stop',
  call: { usage: zeroUsage(), raw_usage: {}, list_usd: usd, billed_usd: null, ms: 1 },
});

function fakeClient(costs: Array<number | null>): ModelClient & { calls: number } {
  const c = {
    id: 'm',
    calls: 0,
    async chat() {
      const v = costs[c.calls++];
      return reply(v === undefined ? 0 : v);
    },
  };
  return c;
}

describe('RunBudget and meteredClient', () => {
  it('counts every call and refuses calls once the cap is reached (overshoot at most one call)', async () => {
    const budget = new RunBudget(1.0);
    const inner = fakeClient([0.4, 0.4, 0.4, 0.4]);
    let refused = 0;
    const client = meteredClient(inner, budget, () => refused++);
    await client.chat([]);
    await client.chat([]);
    await client.chat([]); // 1.2: over the cap by one call
    expect(budget.spentUsd).toBeCloseTo(1.2);
    await expect(client.chat([])).rejects.toMatchObject({ kind: 'budget' });
    expect(inner.calls).toBe(3);
    expect(refused).toBe(1);
    expect(budget.exhausted).toBe(true);
    expect(budget.remainingUsd).toBe(0);
  });

  it('counts unknown-price calls apart, never as 0 USD spent silently', async () => {
    const budget = new RunBudget(1.0);
    const client = meteredClient(fakeClient([null, 0.1]), budget, () => {});
    await client.chat([]);
    await client.chat([]);
    expect(budget.unpricedCalls).toBe(1);
    expect(budget.spentUsd).toBeCloseTo(0.1);
  });

  it('counts a billed call that failed', async () => {
    const budget = new RunBudget(null);
    const failing: ModelClient = {
      id: 'm',
      async chat() {
        throw new ModelCallError('unparseable', 'bad_response', 200, reply(0.25).call);
      },
    };
    await expect(meteredClient(failing, budget, () => {}).chat([])).rejects.toThrow('unparseable');
    expect(budget.spentUsd).toBeCloseTo(0.25);
    expect(budget.exhausted).toBe(false);
  });
});
