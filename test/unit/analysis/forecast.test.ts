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
    expect(m!.basis).toEqual({ task: 1, model: 1, prior: 0 });
    expect(m!.samples).toBe(3);
    expect(m!.promptTokens).toBeCloseTo(2 * (2000 + 14000 / 3), 6);
    expect(m!.usd).toBeCloseTo(2 * ((2000 + 2000) / 1e6 + (14000 / 3 + 4000 / 3) / 1e6), 12);
    expect(m!.attempts).toBe(4);
    expect(fresh!.basis).toEqual({ task: 0, model: 0, prior: 2 });
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
