import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIOR, forecastRun, type HistoryAttempt } from '../../../src/analysis/forecast.ts';
import { zeroUsage } from '../../../src/core/usage.ts';
import { priceUsage, forecastWarnings } from '../../../src/cli/forecast.ts';

const usage = (input: number, output: number, cacheRead = 0) => ({ ...zeroUsage(), input_uncached: input, output, cache_read: cacheRead });
const h = (instanceId: string, model: string, input: number, output: number, calls = 2, agent = 'bash'): HistoryAttempt => ({ instanceId, model, agent, usage: usage(input, output), calls });
/** $1 per million input tokens, $10 per million output. */
const price = (_model: string, u: ReturnType<typeof usage>) => (u.input_uncached * 1 + u.output * 10) / 1e6;

describe('forecastRun', () => {
  it('uses the mean of the same task\'s stored attempts, else the model\'s mean over other tasks, else the prior', () => {
    const f = forecastRun({
      tasks: ['a', 'b'],
      contenders: [{ id: 'm', model: 'm', agent: 'bash' }, { id: 'new', model: 'new', agent: 'bash' }, { id: 'gold', model: null, agent: 'gold' }],
      attemptsPerTask: 2,
      history: [h('a', 'm', 1000, 100), h('a', 'm', 3000, 300), h('z', 'm', 10_000, 0), h('a', 'm', 1e9, 1e9, 2, 'claude-code')],
      price,
    });
    const [m, fresh, gold] = f.contenders;
    // a: mean 2000 in + 200 out; b: m's mean over its 3 bash attempts: (1000+3000+10000)/3 in, 400/3 out
    expect(m!.basis).toEqual({ task: 1, model: 1, prior: 0, parts: 0 });
    expect(m!.samples).toBe(3);
    expect(m!.promptTokens).toBeCloseTo(2 * (2000 + 14000 / 3), 6);
    expect(m!.usd).toBeCloseTo(2 * ((2000 + 2000) / 1e6 + (14000 / 3 + 4000 / 3) / 1e6), 12);
    expect(m!.attempts).toBe(4);
    expect(fresh!.basis).toEqual({ task: 0, model: 0, prior: 2, parts: 0 });
    expect(fresh!.promptTokens).toBe(4 * DEFAULT_PRIOR.promptTokens);
    expect(fresh!.calls).toBe(4 * DEFAULT_PRIOR.calls);
    expect(gold).toMatchObject({ usd: 0, promptTokens: 0, basis: { task: 0, model: 0, prior: 0 } });
    expect(f.usesPrior).toBe(true);
    expect(f.total.usd).toBeCloseTo(m!.usd! + fresh!.usd!, 12);
    expect(f.total.attempts).toBe(12);
  });

  it('an unknown price makes the contender\'s and the total USD unknown, never 0', () => {
    const f = forecastRun({ tasks: ['a'], contenders: [{ id: 'u', model: 'u', agent: 'bash' }], attemptsPerTask: 1, history: [h('a', 'u', 10, 1)], price: () => null });
    expect(f.contenders[0]!.usd).toBeNull();
    expect(f.total.usd).toBeNull();
    expect(f.usesPrior).toBe(false);
  });
});

describe('priceUsage', () => {
  it('re-prices tokens at the row: cache reads at their price, the tier by the mean prompt per call, the request price per call', () => {
    const row = { input: '2', output: '8', cache_read: '0.5', request: '0.01', tiers: [{ above_prompt_tokens: 1000, input: '4', output: '16' }] };
    // 2 calls of 400 prompt tokens each: base tier; 600 uncached × $2 + 200 cached × $0.5 + 100 out × $8, + 2 × $0.01
    expect(priceUsage(row as never, usage(600, 100, 200), 2)).toBeCloseTo((600 * 2 + 200 * 0.5 + 100 * 8) / 1e6 + 0.02, 12);
    // 1 call of 2000 prompt tokens: the long-context tier
    expect(priceUsage(row as never, usage(2000, 100), 1)).toBeCloseTo((2000 * 4 + 100 * 16) / 1e6 + 0.01, 12);
    expect(priceUsage(null, usage(1, 1), 1)).toBeNull();
  });
});

describe('forecastWarnings', () => {
  const f = forecastRun({ tasks: ['a'], contenders: [{ id: 'm', model: 'm', agent: 'bash' }], attemptsPerTask: 1, history: [h('a', 'm', 1_000_000, 0)], price });
  it('warns when the forecast exceeds the run budget, the token cap or the per-attempt cap, and not otherwise', () => {
    expect(forecastWarnings(f, { budgetUsd: 0.5, budgetTokens: null, attemptUsd: null })).toEqual([expect.stringContaining('the forecast $1.00 exceeds --budget-usd $0.50')]);
    expect(forecastWarnings(f, { budgetUsd: null, budgetTokens: 1000, attemptUsd: 0.1 })).toEqual([expect.stringContaining('exceed --budget-tokens'), expect.stringContaining('m: a mean attempt is forecast at $1.00, above --attempt-usd $0.10')]);
    expect(forecastWarnings(f, { budgetUsd: 2, budgetTokens: null, attemptUsd: null })).toEqual([]);
  });
});

describe('forecastRun: live cascades and step routes', () => {
  const cascade = { id: 'cascade:c>s', model: 'c>s', agent: 'bash', cascade: { stages: [{ model: 'c', agent: 'bash' }, { model: 's', agent: 'bash' }] } };
  const stage = (model: string, input: number, passed: boolean | null) => ({ model, agent: 'bash', usage: usage(input, 0), calls: 1, passed });

  it('a cascade with no history of its own: the first stage always, the next weighted by the first stage\'s escalation share in stored cascade stages', () => {
    // c escalated in 1 of 4 stored stages (another cascade id): s runs on 25% of attempts
    const other = (i: number, passed: boolean): HistoryAttempt => ({ instanceId: `t${i}`, model: 'c>x', agent: 'bash', usage: usage(0, 0), calls: 0, stages: [stage('c', 0, passed)] });
    const f = forecastRun({ tasks: ['a'], contenders: [cascade], attemptsPerTask: 1, price, history: [h('a', 'c', 1000, 0), h('a', 's', 8000, 0), other(1, false), other(2, true), other(3, true), other(4, true)] });
    const c = f.contenders[0]!;
    expect(c.basis).toEqual({ task: 0, model: 0, prior: 0, parts: 1 });
    expect(c.promptTokens).toBeCloseTo(1000 + 0.25 * 8000, 9);
    expect(c.usd).toBeCloseTo((1000 + 2000) / 1e6, 12);
    expect(c.assumption).toContain('s on 25% of attempts (c escalated in 1 of 4 stored cascade stage(s))');
  });

  it('without stage records the unresolved share of the first model stands in; with no history at all, the worst case: every stage runs', () => {
    const withSingles = forecastRun({ tasks: ['a'], contenders: [cascade], attemptsPerTask: 1, price, history: [{ ...h('a', 'c', 1000, 0), resolved: true }, { ...h('b', 'c', 1000, 0), resolved: false }, h('a', 's', 4000, 0)] });
    expect(withSingles.contenders[0]!.promptTokens).toBeCloseTo(1000 + 0.5 * 4000, 9);
    expect(withSingles.contenders[0]!.assumption).toContain('c left 1 of 2 stored attempt(s) unresolved');
    const none = forecastRun({ tasks: ['a'], contenders: [cascade], attemptsPerTask: 1, price, history: [] });
    expect(none.contenders[0]!.promptTokens).toBe(2 * DEFAULT_PRIOR.promptTokens);
    expect(none.contenders[0]!.assumption).toContain('worst case, every later stage runs');
    expect(none.usesPrior).toBe(true);
  });

  it('a cascade with its own history is forecast from it, each stage re-priced at its own model', () => {
    const own: HistoryAttempt = { instanceId: 'a', model: 'c>s', agent: 'bash', usage: usage(3000, 0), calls: 2, stages: [stage('c', 1000, false), stage('s', 2000, null)] };
    const f = forecastRun({ tasks: ['a'], contenders: [cascade], attemptsPerTask: 1, history: [own], price: (m, u) => (m === 's' ? 10 : 1) * u.input_uncached / 1e6 });
    expect(f.contenders[0]).toMatchObject({ basis: { task: 1, parts: 0 }, samples: 1, assumption: null });
    expect(f.contenders[0]!.usd).toBeCloseTo((1000 + 20_000) / 1e6, 12);
  });

  it('a step route with no history: its two models mixed by the policy\'s strong share, stated', () => {
    const hist = [h('a', 'c', 1000, 0, 10), h('a', 's', 5000, 0, 10)];
    const firstK = forecastRun({ tasks: ['a'], contenders: [{ id: 'r', model: 'r', agent: 'bash', route: { cheap: 'c', strong: 's', policy: 'first-k', k: 4 } }], attemptsPerTask: 1, history: hist, price, storedUsd: new Set(['r']) });
    // 10 calls expected, the strong model on the 6 after k=4
    expect(firstK.contenders[0]!.promptTokens).toBeCloseTo(0.4 * 1000 + 0.6 * 5000, 9);
    expect(firstK.contenders[0]!.basis.parts).toBe(1);
    expect(firstK.contenders[0]!.assumption).toContain('s on the steps after 4 of the ~10 calls');
    const random = forecastRun({ tasks: ['a'], contenders: [{ id: 'r', model: 'r', agent: 'bash', route: { cheap: 'c', strong: 's', policy: 'random', p: 0.2 } }], attemptsPerTask: 1, history: hist, price, storedUsd: new Set(['r']) });
    expect(random.contenders[0]!.usd).toBeCloseTo((0.8 * 1000 + 0.2 * 5000) / 1e6, 12);
  });

  it('a route or router entry with its own history counts its stored USD (calls priced per step or served model), never re-priced at one row', () => {
    const f = forecastRun({ tasks: ['a'], contenders: [{ id: 'auto', model: 'auto', agent: 'bash' }], attemptsPerTask: 1, history: [{ ...h('a', 'auto', 1000, 0), listUsd: 0.42 }], price: () => 99, storedUsd: new Set(['auto']) });
    expect(f.contenders[0]!.usd).toBeCloseTo(0.42, 12);
    expect(f.contenders[0]!.assumption).toContain('a router entry: USD as stored');
    const none = forecastRun({ tasks: ['a'], contenders: [{ id: 'auto', model: 'auto', agent: 'bash' }], attemptsPerTask: 1, history: [], price: () => 99, storedUsd: new Set(['auto']) });
    expect(none.contenders[0]!.usd).toBeNull();
  });
});
