// The cap ceiling: a call of unknown cost counts against the caps at the sheet's dearest rates,
// while its recorded list_usd stays null; the run budget counts it and says so.
import { describe, expect, it } from 'vitest';
import { ceilingCost, ceilingRow } from '../../../src/pricing/ceiling.ts';
import { RunBudget } from '../../../src/runner/budget.ts';
import { zeroUsage } from '../../../src/core/usage.ts';

const sheet = { models: { a: { input: '1', output: '40' }, b: { input: '10', output: '20', tiers: [{ above_prompt_tokens: 200_000, input: '15', output: '22' }] }, none: null } };

describe('ceilingRow / ceilingCost', () => {
  it('takes the highest input and output rates over rows and tiers (USD per million tokens)', () => {
    expect(ceilingRow(sheet as never)).toEqual({ input: '15', output: '40' });
    expect(ceilingRow({ models: { x: null } })).toBeNull();
  });

  it('prices unknown-cost calls with known tokens at it; known costs, unknown tokens and no ceiling give nothing', () => {
    const usage = { ...zeroUsage(), input_uncached: 1_000_000, cache_read: 1_000_000, output: 100_000 };
    const row = ceilingRow(sheet as never)!;
    // every prompt token at $15, output at $40: 2M·15 + 0.1M·40 = $34
    expect(ceilingCost(null, usage, false, row).cap_usd).toBeCloseTo(34, 9);
    expect(ceilingCost(0.5, usage, false, row)).toEqual({});
    expect(ceilingCost(null, usage, true, row)).toEqual({});
    expect(ceilingCost(null, usage, false, null)).toEqual({});
  });

  it('RunBudget counts a null-priced call at its ceiling cost, and its note says how many and for how much', () => {
    const b = new RunBudget(5, null);
    b.add(null, 10, 6);
    expect(b.exhausted).toBe(true);
    expect(b.unknownCostNotes()[0]).toMatch(/^1 model call\(s\) had an unknown price and were counted against the caps at the price sheet's dearest input and output rates \(\$6\.0000\)/);
    const u = new RunBudget(5, null);
    u.add(null, 10);
    expect(u.exhausted).toBe(false);
    expect(u.unknownCostNotes()).toEqual(['1 model call(s) had an unknown price and unknown tokens (or a sheet with no priced row) and are not counted in the USD budget']);
  });
});
