// Cost formula (DESIGN.md §3) per dialect, with hand-computed values: raw provider usage →
// normalised tokens → USD at list price. Prices are USD per million tokens.
import { describe, expect, it } from 'vitest';
import { PriceRow } from '../../../src/config/prices.ts';
import { attemptCost, callCostUsd, costDrift, driftFlagged, effectiveRow } from '../../../src/pricing/cost.ts';
import { normaliseAnthropicUsage, normaliseUsage } from '../../../src/models/usage.ts';

const row = (r: Record<string, unknown>) => PriceRow.parse(r);

describe('callCostUsd, OpenAI Chat Completions usage', () => {
  it('bills cached tokens inside prompt_tokens once, at the cache-read price', () => {
    // prompt_tokens 10 000 of which cached 6 000; completion 500.
    // input_uncached = 10 000 − 6 000 = 4 000
    // USD = (4 000·3.00 + 6 000·0.30 + 500·15.00) / 1e6 = (12 000 + 1 800 + 7 500) / 1e6 = 0.0213
    const n = normaliseUsage({ prompt_tokens: 10_000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 6_000 } });
    expect(n.usage).toMatchObject({ input_uncached: 4_000, cache_read: 6_000, output: 500 });
    expect(callCostUsd(n.usage, row({ input: '3.00', output: '15.00', cache_read: '0.30' }))).toBeCloseTo(0.0213, 12);
  });

  it('bills reasoning tokens inside completion_tokens once, as output', () => {
    // prompt 2 000; completion 1 200 of which reasoning 900 → output 1 200 (not 2 100).
    // USD = (2 000·1.25 + 1 200·10.00) / 1e6 = (2 500 + 12 000) / 1e6 = 0.0145
    const n = normaliseUsage({ prompt_tokens: 2_000, completion_tokens: 1_200, completion_tokens_details: { reasoning_tokens: 900 } });
    expect(n.usage).toMatchObject({ input_uncached: 2_000, output: 1_200, reasoning: 900 });
    expect(callCostUsd(n.usage, row({ input: '1.25', output: '10.00' }))).toBeCloseTo(0.0145, 12);
  });

  it('DeepSeek: prompt_cache_hit_tokens + prompt_cache_miss_tokens = prompt_tokens', () => {
    // hit 7 000 (cache read), miss 3 000 (uncached), completion 400.
    // USD = (3 000·0.28 + 7 000·0.028 + 400·0.42) / 1e6 = (840 + 196 + 168) / 1e6 = 0.001204
    const n = normaliseUsage({ prompt_tokens: 10_000, completion_tokens: 400, prompt_cache_hit_tokens: 7_000, prompt_cache_miss_tokens: 3_000 });
    expect(n.usage).toMatchObject({ input_uncached: 3_000, cache_read: 7_000, output: 400 });
    expect(callCostUsd(n.usage, row({ input: '0.28', output: '0.42', cache_read: '0.028' }))).toBeCloseTo(0.001204, 12);
  });

  it('Moonshot: a top-level cached_tokens is a part of prompt_tokens', () => {
    // prompt 5 000, cached 4 000 → uncached 1 000; completion 100.
    // USD = (1 000·0.60 + 4 000·0.15 + 100·2.50) / 1e6 = (600 + 600 + 250) / 1e6 = 0.00145
    const n = normaliseUsage({ prompt_tokens: 5_000, completion_tokens: 100, cached_tokens: 4_000 });
    expect(n.usage).toMatchObject({ input_uncached: 1_000, cache_read: 4_000, output: 100 });
    expect(callCostUsd(n.usage, row({ input: '0.60', output: '2.50', cache_read: '0.15' }))).toBeCloseTo(0.00145, 12);
  });

  it('without a cache-read price, cached tokens cost the input price', () => {
    // 1 000 uncached + 1 000 cached, both at 2.00: (2 000·2.00 + 0) / 1e6 = 0.004
    const n = normaliseUsage({ prompt_tokens: 2_000, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 1_000 } });
    expect(callCostUsd(n.usage, row({ input: '2.00', output: '8.00' }))).toBeCloseTo(0.004, 12);
  });
});

describe('callCostUsd, Anthropic Messages usage', () => {
  const opus = row({ input: '5.00', output: '25.00', cache_read: '0.50', cache_write: '6.25', cache_write_1h: '10.00' });

  it('bills cache writes and reads on top of input_tokens', () => {
    // input_tokens 2 000 (uncached only), cache_creation 10 000 (5-minute), cache_read 30 000, output 800 (thinking 300 inside).
    // USD = (2 000·5.00 + 30 000·0.50 + 10 000·6.25 + 800·25.00) / 1e6
    //     = (10 000 + 15 000 + 62 500 + 20 000) / 1e6 = 0.1075
    const n = normaliseAnthropicUsage({
      input_tokens: 2_000, cache_creation_input_tokens: 10_000, cache_read_input_tokens: 30_000, output_tokens: 800,
      output_tokens_details: { thinking_tokens: 300 },
    });
    expect(n.usage).toEqual({ input_uncached: 2_000, cache_read: 30_000, cache_write_5m: 10_000, cache_write_1h: 0, output: 800, reasoning: 300 });
    expect(callCostUsd(n.usage, opus)).toBeCloseTo(0.1075, 12);
  });

  it('splits 5-minute and 1-hour cache writes by cache_creation', () => {
    // writes: 4 000 at 5 min (6.25), 6 000 at 1 h (10.00); input 100; output 10.
    // USD = (100·5 + 4 000·6.25 + 6 000·10 + 10·25) / 1e6 = (500 + 25 000 + 60 000 + 250) / 1e6 = 0.08575
    const n = normaliseAnthropicUsage({
      input_tokens: 100, output_tokens: 10, cache_creation_input_tokens: 10_000, cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 4_000, ephemeral_1h_input_tokens: 6_000 },
    });
    expect(n.usage).toMatchObject({ cache_write_5m: 4_000, cache_write_1h: 6_000 });
    expect(callCostUsd(n.usage, opus)).toBeCloseTo(0.08575, 12);
  });

  it('a missing usage object is unknown, not zero', () => {
    expect(normaliseAnthropicUsage(undefined).missing).toBe(true);
    expect(normaliseAnthropicUsage({ input_tokens: 5 }).missing).toBe(true);
  });
});

describe('prices: unknown, per-request fees, long-context tiers', () => {
  it('an unknown price gives null, never 0', () => {
    const n = normaliseUsage({ prompt_tokens: 1_000, completion_tokens: 10 });
    expect(callCostUsd(n.usage, null)).toBeNull();
    expect(attemptCost([{ list_usd: 0.1, billed_usd: null }, { list_usd: null, billed_usd: null }]).list_usd).toBeNull();
  });

  it('adds the per-request fee once per call', () => {
    // (1 000·1.00 + 100·2.00) / 1e6 + 0.005 = 0.0012 + 0.005 = 0.0062
    expect(callCostUsd(normaliseUsage({ prompt_tokens: 1_000, completion_tokens: 100 }).usage, row({ input: '1.00', output: '2.00', request: '0.005' }))).toBeCloseTo(0.0062, 12);
  });

  it('bills the whole call at the tier price once the prompt passes the threshold', () => {
    const r = row({ input: '3.00', output: '15.00', cache_read: '0.30', tiers: [{ above_prompt_tokens: 200_000, input: '6.00', output: '22.50', cache_read: '0.60' }] });
    // At the threshold (200 000 prompt tokens, not above): base prices.
    // (200 000·3.00 + 1 000·15.00) / 1e6 = (600 000 + 15 000) / 1e6 = 0.615
    expect(callCostUsd(normaliseUsage({ prompt_tokens: 200_000, completion_tokens: 1_000 }).usage, r)).toBeCloseTo(0.615, 12);
    // 250 000 prompt tokens (50 000 uncached + 200 000 cached): tier prices for every token.
    // (50 000·6.00 + 200 000·0.60 + 1 000·22.50) / 1e6 = (300 000 + 120 000 + 22 500) / 1e6 = 0.4425
    const big = normaliseUsage({ prompt_tokens: 250_000, completion_tokens: 1_000, prompt_tokens_details: { cached_tokens: 200_000 } });
    expect(callCostUsd(big.usage, r)).toBeCloseTo(0.4425, 12);
    expect(effectiveRow(r, 250_000).input).toBe('6.00');
  });

  it('a tier omitting a price keeps the base row value', () => {
    const r = row({ input: '1.00', output: '4.00', cache_read: '0.10', tiers: [{ above_prompt_tokens: 1_000, input: '2.00' }] });
    expect(effectiveRow(r, 5_000)).toMatchObject({ input: '2.00', output: '4.00', cache_read: '0.10' });
  });

  it('rejects tiers out of order', () => {
    expect(PriceRow.safeParse({ input: '1', output: '2', tiers: [{ above_prompt_tokens: 200_000, input: '2' }, { above_prompt_tokens: 100_000, input: '3' }] }).success).toBe(false);
  });
});

describe('provider-reported cost beside list price', () => {
  it('computes the drift and flags it past 5%', () => {
    // billed 0.0106 vs list 0.0100: +6% → flagged; 0.0104: +4% → not flagged.
    expect(costDrift(0.01, 0.0106)).toBeCloseTo(0.06, 12);
    expect(driftFlagged(costDrift(0.01, 0.0106))).toBe(true);
    expect(driftFlagged(costDrift(0.01, 0.0104))).toBe(false);
    expect(driftFlagged(costDrift(0.01, 0.0094))).toBe(true);
    expect(costDrift(null, 0.01)).toBeNull();
    expect(costDrift(0.01, null)).toBeNull();
  });

  it('sums billed_usd only when every call reported one', () => {
    const both = attemptCost([{ list_usd: 0.004, billed_usd: 0.005 }, { list_usd: 0.006, billed_usd: 0.006 }]);
    // list 0.010, billed 0.011 → drift +10%
    expect(both.list_usd).toBeCloseTo(0.01, 12);
    expect(both.billed_usd).toBeCloseTo(0.011, 12);
    expect(both.cost_drift).toBeCloseTo(0.1, 12);
    expect(attemptCost([{ list_usd: 0.004, billed_usd: 0.005 }, { list_usd: 0.006, billed_usd: null }]).billed_usd).toBeNull();
  });
});

describe('one logical call made of several billed tries (mergeCalls)', () => {
  it('sums tokens and both costs; one unknown try makes the list cost unknown', async () => {
    const { mergeCalls } = await import('../../../src/models/call-loop.ts');
    const a = { usage: { ...normaliseUsage({ prompt_tokens: 1_000, completion_tokens: 0 }).usage }, raw_usage: { prompt_tokens: 1_000 }, list_usd: 0.002, billed_usd: 0.0021, ms: 5 };
    const b = { usage: { ...normaliseUsage({ prompt_tokens: 1_000, completion_tokens: 50 }).usage }, raw_usage: { prompt_tokens: 1_000, completion_tokens: 50 }, list_usd: 0.0024, billed_usd: 0.0025, ms: 7 };
    const m = mergeCalls([a, b], 1_500, 3);
    // tokens 1 000 + 1 000 prompt, 50 output; list 0.002 + 0.0024 = 0.0044; billed 0.0021 + 0.0025 = 0.0046
    expect(m.usage).toMatchObject({ input_uncached: 2_000, output: 50 });
    expect(m.list_usd).toBeCloseTo(0.0044, 12);
    expect(m.billed_usd).toBeCloseTo(0.0046, 12);
    expect(m.raw_usage).toEqual([a.raw_usage, b.raw_usage]);
    expect(m).toMatchObject({ ms: 1_500, tries: 3, usage_unknown: false });
    const cut = { ...a, list_usd: null, billed_usd: null, usage_unknown: true };
    expect(mergeCalls([cut, b], 10, 2)).toMatchObject({ list_usd: null, billed_usd: null, usage_unknown: true });
  });

  it('takes a top-level reasoning_tokens when completion_tokens_details has none', () => {
    expect(normaliseUsage({ prompt_tokens: 10, completion_tokens: 100, reasoning_tokens: 60 }).usage).toMatchObject({ output: 100, reasoning: 60 });
  });
});
