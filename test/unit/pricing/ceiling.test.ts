// The cap ceiling: a call of unknown cost counts against the caps at the sheet's dearest rates,
// while its recorded list_usd stays null; the run budget counts it and says so.
import { describe, expect, it } from 'vitest';
import { capStop, ceilingCost, ceilingRow } from '../../../src/pricing/ceiling.ts';
import { unknownUsageBound } from '../../../src/pricing/usage-bound.ts';
import { RunBudget } from '../../../src/runner/budget.ts';
import { zeroUsage } from '../../../src/core/usage.ts';

const sheet = { models: { a: { input: '1', output: '40' }, b: { input: '10', output: '20', tiers: [{ above_prompt_tokens: 200_000, input: '15', output: '22' }] }, none: null } };

describe('ceilingRow / ceilingCost', () => {
  it('takes the highest input and output rates over rows and tiers (USD per million tokens)', () => {
    expect(ceilingRow(sheet as never)).toEqual({ input: '15', output: '40' });
    expect(ceilingRow({ models: { x: null } })).toBeNull();
  });

  it('regression: counts prompt tokens at the dearest cache-write rate when that is above every input rate (a cut call may write the cache)', () => {
    const cached = { models: { c: { input: '3', output: '15', cache_read: '0.3', cache_write: '3.75', cache_write_1h: '6' }, d: { input: '5', output: '25', tiers: [{ above_prompt_tokens: 200_000, input: '5.5', output: '26', cache_write_1h: '12' }] } } };
    expect(ceilingRow(cached as never)).toEqual({ input: '12', output: '26' });
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

  it('regression: a cost the reply states (a router serving a model dearer than every row) counts when above the ceiling, and makes the cap a bound', () => {
    const usage = { ...zeroUsage(), input_uncached: 1_000_000, output: 100_000 };
    const row = ceilingRow(sheet as never)!; // 1M·15 + 0.1M·40 = $19
    expect(ceilingCost(null, usage, false, row, { billed: 55 })).toEqual({ cap_usd: 55, cap_bound: true });
    expect(ceilingCost(null, usage, false, row, { billed: 2 })).toEqual({ cap_usd: 19, cap_bound: true });
    // no stated cost: the ceiling, which is no bound
    expect(ceilingCost(null, usage, false, row)).toEqual({ cap_usd: 19 });
    // unknown tokens: the bound's tokens at the ceiling; a bound only for a model with its own row and a max_tokens
    const b = unknownUsageBound(JSON.stringify({ max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] }), 5);
    expect(b.bounded).toBe(true);
    expect(ceilingCost(null, null, true, row, { bound: b, priced: true })).toMatchObject({ cap_bound: true });
    expect(ceilingCost(null, null, true, row, { bound: b, priced: false })).not.toHaveProperty('cap_bound');
    expect(ceilingCost(null, null, true, row, { bound: unknownUsageBound('{"messages":[]}', 5), priced: true })).not.toHaveProperty('cap_bound');
  });

  it('regression: a hard cap stops after a call whose cost it cannot bound, not only once spent reaches it', () => {
    expect(capStop(null, [{ list_usd: null }])).toBeNull();
    expect(capStop(1, [{ list_usd: 0.2 }, { list_usd: null, cap_usd: 0.1, cap_bound: true }])).toBeNull();
    expect(capStop(1, [{ list_usd: 0.2 }, { list_usd: null, cap_usd: 0.1 }])).toMatch(/cannot be enforced: 1 call\(s\) had a cost unknown to the price sheet/);
    expect(capStop(1, [{ list_usd: 0.7 }, { list_usd: null, cap_usd: 0.4, cap_bound: true }])).toMatch(/cost limit of 1 USD reached/);
  });

  it('an image part of a request adds its allowance to the prompt bound', () => {
    const text = JSON.stringify({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] });
    expect(unknownUsageBound(text, 0).usage.input_uncached).toBe(Buffer.byteLength(text) + 48_169);
  });

  it('RunBudget counts a null-priced call at its ceiling cost, and its note says how many and for how much', () => {
    const b = new RunBudget(5, null);
    b.add(null, 10, 6);
    expect(b.exhausted).toBe(true);
    expect(b.unknownCostNotes()[0]).toMatch(/^1 model call\(s\) had an unknown cost .* and were counted against the caps at their bound \(\$6\.0000/);
    const u = new RunBudget(5, null);
    u.add(null, 10);
    expect(u.exhausted).toBe(false);
    expect(u.unknownCostNotes()).toEqual(['1 model call(s) had an unknown price and unknown tokens (or a sheet with no priced row) and are not counted in the USD budget']);
  });
});
