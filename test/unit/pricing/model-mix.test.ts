// The attempt's model mix is keyed by (model name, price row): two models of one name priced at
// different rows never share a row; cascade stages' mixes merge by the same key.
import { describe, expect, it } from 'vitest';
import { mergeMixes, modelMix } from '../../../src/pricing/model-mix.ts';
import { zeroUsage } from '../../../src/core/usage.ts';
import type { CallRecord } from '../../../src/core/calls.ts';

const call = (served: string, priceKey: string | null, usd: number | null, input: number): CallRecord => ({
  usage: { ...zeroUsage(), input_uncached: input }, raw_usage: null, list_usd: usd, billed_usd: null, ms: 1, served_model: served, price_key: priceKey,
});

describe('modelMix', () => {
  it('keeps two models of one name priced at different rows apart', () => {
    const { model_mix } = modelMix([call('gpt-x', 'vendor-a', 0.1, 100), call('gpt-x', 'vendor-b', 0.5, 200), call('gpt-x', 'vendor-a', 0.1, 100)]);
    expect(model_mix!.map((m) => [m.model, m.price_key, m.calls, m.usage.input_uncached])).toEqual([['gpt-x', 'vendor-a', 2, 200], ['gpt-x', 'vendor-b', 1, 200]]);
    expect(model_mix![0]!.list_usd).toBeCloseTo(0.2, 12);
    expect(model_mix![1]!.list_usd).toBeCloseTo(0.5, 12);
  });

  it('keeps an unpriced reply of a name apart from a priced one (the unknown cost is not folded into a known row)', () => {
    const { model_mix } = modelMix([call('m', 'm', 0.1, 1), call('m', null, null, 1)]);
    expect(model_mix!.map((m) => [m.price_key, m.list_usd])).toEqual([['m', 0.1], [null, null]]);
  });

  it('mergeMixes sums rows of the same name and row, and keeps others apart', () => {
    const a = modelMix([call('m', 'k1', 1, 10)]).model_mix!;
    const b = modelMix([call('m', 'k1', 2, 5), call('m', 'k2', 3, 1)]).model_mix!;
    expect(mergeMixes([a, b]).map((m) => [m.price_key, m.calls, m.list_usd, m.usage.input_uncached])).toEqual([['k1', 2, 3, 15], ['k2', 1, 3, 1]]);
  });
});
