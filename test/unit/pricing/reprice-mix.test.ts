// Re-pricing a step-routing or router attempt: each model of its mix at its own row of the new sheet;
// a served model that had no row is priced once the sheet has a row named after it.
import { describe, expect, it } from 'vitest';
import { repriceMix } from '../../../src/pricing/reprice-mix.ts';
import { zeroUsage } from '../../../src/core/usage.ts';

const usage = (input: number, output: number) => ({ ...zeroUsage(), input_uncached: input, output });
const mix = [
  { model: 'cheap', calls: 2, usage: usage(3000, 110), list_usd: 0.00322, price_key: 'cheap' },
  { model: 'mystery/model-x', calls: 1, usage: usage(2000, 10), list_usd: null, price_key: null },
];

describe('repriceMix', () => {
  it('prices each model at its own row; the unknown served model stays unknown (null, named)', () => {
    const r = repriceMix({ model_mix: mix }, { models: { cheap: { input: '2.00', output: '4.00' } } }, 'auto/t/0');
    // (3 000·2 + 110·4) / 1e6 = 0.00644
    expect(r.model_mix[0]!.list_usd).toBeCloseTo(0.00644, 12);
    expect(r.model_mix[1]).toMatchObject({ list_usd: null, price_key: null });
    expect(r.list_usd).toBeNull();
    expect(r.notes).toEqual(['auto/t/0: mystery/model-x has no price in the sheet; its calls\' cost is unknown']);
  });

  it('a row added under the served model name prices it, per request price counted per call', () => {
    const r = repriceMix({ model_mix: mix }, { models: { cheap: { input: '2.00', output: '4.00' }, 'mystery/model-x': { input: '1.00', output: '1.00', request: '0.001' } } }, 'x');
    // 0.00644 + (2 000 + 10) / 1e6 + 1·0.001 = 0.00644 + 0.00201 + 0.001 = 0.00945
    expect(r.model_mix[1]).toMatchObject({ price_key: 'mystery/model-x' });
    expect(r.list_usd).toBeCloseTo(0.00945, 12);
    expect(r.notes).toEqual([]);
  });

  it('incomplete tokens leave every cost unknown', () => {
    expect(repriceMix({ model_mix: mix, usage_complete: false }, { models: { cheap: { input: '2.00', output: '4.00' }, 'mystery/model-x': { input: '1.00', output: '1.00' } } }, 'x').list_usd).toBeNull();
  });
});
