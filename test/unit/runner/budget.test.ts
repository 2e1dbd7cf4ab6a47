import { describe, expect, it } from 'vitest';
import pLimit from 'p-limit';
import { RunBudget, meteredClient, seatedClient, uncountableModels } from '../../../src/runner/budget.ts';
import { pooledClient } from '../../../src/runner/pooled-client.ts';
import { RunInterrupted } from '../../../src/core/shutdown.ts';
import type { CallLedger } from '../../../src/runner/budget.ts';
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

  it('names the models a USD budget cannot count: no price and no ceiling (a run refuses them up front)', () => {
    const row = { input: '1', output: '2' };
    const m = (id: string, price: typeof row | null, ceiling: typeof row | null, router = false) => ({ spec: { id, ...(router ? { router: true } : {}) } as never, price, ceiling });
    expect(uncountableModels([m('a', row, row), m('b', null, row), m('c', null, null), m('c', null, null), m('r', row, null, true)])).toEqual(['c', 'r']);
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

describe('meteredClient and the ledger hook (onBilled)', () => {
  // The ledger's fsync runs off the event loop: the reply must still wait for it, or a kill could lose a paid call.
  it('hands on a reply only after the promise onBilled returned has resolved', async () => {
    let release!: () => void;
    const written = new Promise<void>((r) => (release = r));
    const seen: number[] = [];
    const client = meteredClient(fakeClient([0.1]), new RunBudget(null), () => {}, (c) => (seen.push(c.list_usd!), written));
    let handed = false;
    const pending = client.chat([]).then((r) => ((handed = true), r));
    for (let i = 0; i < 20; i++) await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([0.1]);
    expect(handed).toBe(false);
    release();
    expect((await pending).call.list_usd).toBe(0.1);
  });

  it('throws the ledger\'s failure instead of the reply, and still counts the billed call', async () => {
    const budget = new RunBudget(null);
    const client = meteredClient(fakeClient([0.2]), budget, () => {}, async () => {
      throw new Error('ENOSPC: no space left on device');
    });
    await expect(client.chat([])).rejects.toThrow('ENOSPC');
    expect(budget.spentUsd).toBeCloseTo(0.2);
  });

  it('waits for a billed failure\'s ledger line before throwing it', async () => {
    const order: string[] = [];
    const failing: ModelClient = { id: 'm', chat: async () => Promise.reject(new ModelCallError('cut', 'bad_response', 200, reply(0.3).call)) };
    const client = meteredClient(failing, new RunBudget(null), () => {}, async () => {
      await new Promise((r) => setImmediate(r));
      order.push('ledger');
    });
    await client.chat([]).catch(() => order.push('thrown'));
    expect(order).toEqual(['ledger', 'thrown']);
  });
});

describe('RunBudget token cap and concurrency', () => {
  const tokReply = (tokens: number): ChatReply => ({
    message: { content: 'ok', tool_calls: [] },
    finish_reason: 'stop',
    call: { usage: { ...zeroUsage(), input_uncached: tokens - 10, output: 10 }, raw_usage: {}, list_usd: 0.001, billed_usd: null, ms: 1 },
  });

  it('stops at a token cap: prompt + output tokens of every call, overshoot at most one call', async () => {
    const budget = new RunBudget(null, 2_500);
    let n = 0;
    const client = meteredClient({ id: 'm', chat: async () => (n++, tokReply(1_000)) }, budget, () => {});
    await client.chat([]);
    await client.chat([]);
    await client.chat([]); // 3 000 ≥ 2 500: reached, by one call
    await expect(client.chat([])).rejects.toMatchObject({ kind: 'budget', message: expect.stringMatching(/token budget of 2500 tokens reached after 3000 tokens/) });
    expect(n).toBe(3);
    expect(budget.spentTokens).toBe(3_000);
    expect(budget.remainingTokens).toBe(0);
  });

  it('with concurrent callers, never passes the USD cap by more than one call', async () => {
    const budget = new RunBudget(1.0);
    let started = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const inner: ModelClient = {
      id: 'm',
      async chat() {
        started++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return reply(0.3);
      },
    };
    const client = meteredClient(inner, budget, () => {});
    // 8 callers at once, each trying 3 calls; every call costs $0.30.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = 0; i < 3; i++) await client.chat([]).catch(() => {});
      }),
    );
    // 0.30·4 = 1.20 is the first total ≥ 1.00: exactly four calls, the cap passed by one call.
    expect(started).toBe(4);
    expect(budget.spentUsd).toBeCloseTo(1.2, 12);
    expect(budget.spentUsd - 0.3).toBeLessThan(1.0);
    expect(maxInFlight).toBeGreaterThan(1); // calls did run concurrently while far from the cap
  });
});

describe('RunBudget.carryOverRecord (--resume)', () => {
  const usage = { input_uncached: 1000, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 100, reasoning: 0 };
  it('regression: a resumed run\'s budget starts from what the earlier attempt counted, its unknown-cost calls at their ceiling', () => {
    const b = new RunBudget(1);
    b.carryOverRecord({ list_usd: null, budget_usd: 0.7, usage });
    expect(b.spentUsd).toBeCloseTo(0.7, 12);
    expect(b.spentTokens).toBe(1100);
  });

  it('carries list_usd for a record written before budget_usd', () => {
    const b = new RunBudget(1);
    b.carryOverRecord({ list_usd: 0.3, usage });
    expect(b.spentUsd).toBeCloseTo(0.3, 12);
  });
});

describe('RunBudget seats: attempts already started come first (newcomer13 #10)', () => {
  const call = (usd: number) => ({ usage: zeroUsage(), raw_usage: {}, list_usd: usd, billed_usd: null, ms: 1 });

  it('a new attempt waits while the started one\'s next call and its own would not fit; it starts once the first leaves', async () => {
    // room for about two calls of $0.003: attempt A's two calls, then B
    const budget = new RunBudget(0.007);
    const [a, b] = [{}, {}];
    expect(await budget.acquire(a)).toBe(true); // the run's first call: alone
    let bStarted = false;
    const bCall = budget.acquire(b).then((ok) => ((bStarted = true), ok));
    budget.release(call(0.003));
    await new Promise((r) => setTimeout(r, 5));
    expect(bStarted).toBe(false); // $0.003 + 2 × $0.003 > $0.007: B would take A's next call's room
    expect(await budget.acquire(a)).toBe(true); // A continues
    budget.release(call(0.003));
    await new Promise((r) => setTimeout(r, 5));
    expect(bStarted).toBe(false);
    budget.leave(a); // A's agent is done (it is graded)
    expect(await bCall).toBe(true); // alone now: B starts
    budget.release(call(0.003));
    expect(await budget.acquire(b)).toBe(false); // $0.009: the cap is reached
  });

  it('without a cap, or with room for every seated attempt, attempts start at once', async () => {
    const free = new RunBudget(null);
    expect(await Promise.all([{}, {}, {}].map((s) => free.acquire(s)))).toEqual([true, true, true]);
    const roomy = new RunBudget(10);
    const [a, b, c] = [{}, {}, {}];
    expect(await roomy.acquire(a)).toBe(true);
    roomy.release(call(0.01));
    expect(await Promise.all([roomy.acquire(b), roomy.acquire(c), roomy.acquire(a)])).toEqual([true, true, true]);
  });

  it('leave is idempotent and meteredClient seats each attempt once', async () => {
    const budget = new RunBudget(0.007);
    const seat = {};
    const client = meteredClient(fakeClient([0.003, 0.003, 0.003]), budget, () => {}, undefined, seat);
    await client.chat([]);
    await client.chat([]); // the same attempt: not a new seat, so not held back by the seat rule
    budget.leave(seat);
    budget.leave(seat);
    expect(budget.spentUsd).toBeCloseTo(0.006);
  });

  it('a first call waits for its seat before it takes a model-pool slot: one slot, two attempts and a small budget finish (atkL14 #2)', async () => {
    const budget = new RunBudget(0.007);
    const pool = pLimit(1);
    const log: string[] = [];
    // the run's wiring (attempt.ts meterHooks): seat, then pool slot, then the metered call
    const attempt = async (who: string, seat: object, delay: number): Promise<void> => {
      await new Promise((r) => setTimeout(r, delay));
      const metered = meteredClient(fakeClient([0.003, 0.003, 0.003]), budget, () => {}, undefined, seat);
      const client = seatedClient({ id: 'm', chat: (m, o) => pool(() => metered.chat(m, o)) }, budget, seat, () => log.push(`${who} refused`));
      try {
        for (let i = 0; i < 3; i++) { await client.chat([]); log.push(`${who} ${i + 1}`); }
      } catch (e) {
        expect((e as ModelCallError).kind).toBe('budget');
      } finally {
        budget.leave(seat);
      }
    };
    const all = Promise.all([attempt('A', {}, 0), attempt('B', {}, 1)]).then(() => 'done');
    // before the fix B's first call held the only slot waiting for a seat while seated A waited for the slot: never done
    expect(await Promise.race([all, new Promise((r) => setTimeout(() => r('hung'), 2000))])).toBe('done');
    expect(log.slice(0, 2)).toEqual(['A 1', 'A 2']);
    expect(budget.spentUsd).toBeLessThan(0.007 + 0.003 + 1e-9);
  });

  it('a call waiting for its seat ends, unsent, when its signal aborts', async () => {
    const budget = new RunBudget(0.007);
    const [a, b] = [{}, {}];
    expect(await budget.acquire(a)).toBe(true);
    budget.release(call(0.003));
    const inner = fakeClient([0.003]);
    const ctl = new AbortController();
    const waiting = seatedClient(inner, budget, b, () => {}).chat([], { signal: ctl.signal });
    await new Promise((r) => setTimeout(r, 5));
    ctl.abort();
    await expect(waiting).rejects.toMatchObject({ kind: 'aborted' });
    expect(inner.calls).toBe(0);
  });

  it('a call made after its attempt left its seat is not sent and never takes a seat again, so a small budget still admits the next attempt', async () => {
    const budget = new RunBudget(0.007);
    const [a, b] = [{}, {}];
    const inner = fakeClient([0.003, 0.003, 0.003]);
    const lateA = seatedClient(meteredClient(inner, budget, () => {}, undefined, a), budget, a, () => {});
    await lateA.chat([]);
    budget.leave(a); // A's agent is done
    await expect(lateA.chat([])).rejects.toMatchObject({ kind: 'aborted' }); // a straggler (an agent CLI's late request)
    expect(inner.calls).toBe(1);
    // one more call of A and one of B would not fit (0.003 + 2 × 0.003 ≥ 0.007): B is admitted only because A is gone for good
    const admitted = await Promise.race([budget.admit(b), new Promise((r) => setTimeout(() => r('waiting'), 200))]);
    expect(admitted).toBe(true);
  });

  it('a call past admit whose attempt leaves before it is metered is counted in flight but not seated', async () => {
    const budget = new RunBudget(0.007);
    const [a, b] = [{}, {}];
    expect(await budget.admit(a)).toBe(true);
    budget.leave(a);
    expect(await budget.acquire(a)).toBe(true); // the call already past admit (in a pool queue) still runs
    budget.release(call(0.003));
    expect(await Promise.race([budget.admit(b), new Promise((r) => setTimeout(() => r('waiting'), 200))])).toBe(true);
  });

  it('a call queued for a model slot ends, unsent, when its signal aborts (the attempt\'s wall time), and its slot goes back unused', async () => {
    const pool = pLimit(1);
    const inner = fakeClient([0.001, 0.001]);
    let release!: () => void;
    const busy = pool(() => new Promise<void>((r) => (release = r))); // another attempt's call holds the only slot
    const client = pooledClient(inner, pool);
    const ctl = new AbortController();
    const queued = client.chat([], { signal: ctl.signal });
    await new Promise((r) => setTimeout(r, 5));
    ctl.abort();
    // before: the call waited for the slot however long the other call took
    const outcome = await Promise.race([queued.then(() => 'sent', (e: ModelCallError) => e.kind), new Promise((r) => setTimeout(() => r('still queued'), 500))]);
    expect(outcome).toBe('aborted');
    release();
    await busy;
    await client.chat([]); // the slot is free again, and the aborted call was never sent
    expect(inner.calls).toBe(1);
    expect(pool.activeCount + pool.pendingCount).toBe(0);
    const pre = new AbortController();
    pre.abort();
    await expect(client.chat([], { signal: pre.signal })).rejects.toMatchObject({ kind: 'aborted' });
    expect(inner.calls).toBe(1);
  });

  it('a call cut by the run\'s interrupt (Ctrl-C) stays pending in its ledger; one cut by the wall time is settled at its bound (newcomer15 #1)', async () => {
    const run = async (reason: unknown) => {
      const log: string[] = [];
      const ledger: CallLedger = {
        pending: async () => (log.push('pending'), 'c1'),
        billed: async (c) => void log.push(`billed ${c.list_usd}`),
        billedTry: async () => void log.push('try'),
        unbilled: async () => void log.push('unbilled'),
        boundTry: () => ({ ...call(0), list_usd: null, usage_unknown: true, cap_usd: 0.05 }),
      };
      const ctl = new AbortController();
      const inner: ModelClient = {
        id: 'm',
        chat: (_m, o) => new Promise((_r, reject) => o!.signal!.addEventListener('abort', () => reject(new ModelCallError('aborted during try 1', 'aborted', null, null, true)))),
      };
      const budget = new RunBudget(10);
      const pending = meteredClient(inner, budget, () => {}, ledger).chat([], { signal: ctl.signal });
      await new Promise((r) => setTimeout(r, 5));
      ctl.abort(reason);
      await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
      return { log, spent: budget.spentUsd };
    };
    // Ctrl-C: nothing settles it (README: a call cut by Ctrl-C stays pending; --resume counts it at its bound apart from the known costs)
    expect(await run(new RunInterrupted('SIGINT'))).toEqual({ log: ['pending'], spent: 0 });
    // the wall time: the attempt is recorded, so the try in flight is settled now, at its bound
    const wall = await run(new Error('wall time limit'));
    expect(wall.log).toEqual(['pending', 'billed null']);
    expect(wall.spent).toBeCloseTo(0.05);
  });
});
