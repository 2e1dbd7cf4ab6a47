// Re-pricing a stored run under another sheet, from stored tokens, with hand-computed values.
import { describe, expect, it } from 'vitest';
import { PriceSheet } from '../../../src/config/prices.ts';
import { attemptRef, repriceRun } from '../../../src/pricing/reprice.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from '../analysis/fixtures.ts';

const usage = { input_uncached: 40_000, cache_read: 100_000, cache_write_5m: 0, cache_write_1h: 0, output: 5_000, reasoning: 2_000 };
const sheet = PriceSheet.parse({
  as_of: '2026-05-01',
  source: 'test sheet',
  models: {
    cheap: { input: '0.50', output: '2.00', cache_read: '0.05', request: '0.001' },
    tiered: { input: '3.00', output: '15.00', tiers: [{ above_prompt_tokens: 100_000, input: '6.00', output: '22.50' }] },
    gone: null,
  },
});
const header = makeHeader({
  contenders: [referenceContender('gold'), modelContender('cheap'), modelContender('tiered'), modelContender('gone')],
});

describe('repriceRun', () => {
  it('recomputes list_usd from stored tokens, per-request fee per call, and drift against billed_usd', () => {
    const rec = makeAttempt('cheap', 't1', 'resolved', 0.9, { usage, calls: 4, billed_usd: 0.05 });
    const r = repriceRun({ header, attempts: [rec], sheet, sheetFile: 'prices/2026-05-01.yaml' });
    // (40 000·0.50 + 100 000·0.05 + 5 000·2.00) / 1e6 + 4·0.001
    // = (20 000 + 5 000 + 10 000) / 1e6 + 0.004 = 0.035 + 0.004 = 0.039
    expect(r.attempts[0]!.list_usd).toBeCloseTo(0.039, 12);
    expect(r.attempts[0]!.billed_usd).toBe(0.05); // the provider's figure is history: unchanged
    // (0.05 − 0.039) / 0.039 = 0.28205…
    expect(r.attempts[0]!.cost_drift).toBeCloseTo(0.011 / 0.039, 12);
    expect(r.attempts[0]!.price_sheet).toBe('prices/2026-05-01.yaml');
    expect(r.header.price_sheet).toEqual({ file: 'prices/2026-05-01.yaml', as_of: '2026-05-01', source: 'test sheet' });
    expect(r.header.contenders.find((c) => c.id === 'cheap')!.price).toMatchObject({ input: '0.50', output: '2.00' });
    expect(r.header.note).toMatch(/re-priced under prices\/2026-05-01\.yaml.*priced with prices\/2026-03-31\.yaml/);
  });

  it('an unknown new price gives null costs; reference agents stay at 0', () => {
    const r = repriceRun({
      header,
      attempts: [makeAttempt('gone', 't1', 'resolved', 0.2, { usage, calls: 1 }), makeAttempt('gold', 't1', 'resolved', 0, { agent: 'gold' })],
      sheet,
      sheetFile: 's.yaml',
    });
    expect(r.attempts[0]!.list_usd).toBeNull();
    expect(r.header.contenders.find((c) => c.id === 'gone')!.price).toBeNull();
    expect(r.attempts[1]!.list_usd).toBe(0);
    expect(r.notes.join('\n')).toMatch(/gone: no price/);
  });

  it('keeps a cost unknown when the attempt\'s tokens were incomplete', () => {
    const r = repriceRun({ header, attempts: [makeAttempt('cheap', 't1', 'resolved', null, { usage, calls: 2, usage_complete: false })], sheet, sheetFile: 's.yaml' });
    expect(r.attempts[0]!.list_usd).toBeNull();
  });

  it('prices long-context tiers per call from the trajectory usages', () => {
    const calls = [
      { ...usage, input_uncached: 50_000, cache_read: 0, output: 1_000 }, // 50 000 prompt: base
      { ...usage, input_uncached: 150_000, cache_read: 0, output: 4_000 }, // 150 000 prompt: tier
    ];
    const rec = makeAttempt('tiered', 't2', 'unresolved', 1, { usage, calls: 2 });
    // call 1: (50 000·3.00 + 1 000·15.00) / 1e6 = 0.165
    // call 2: (150 000·6.00 + 4 000·22.50) / 1e6 = (900 000 + 90 000) / 1e6 = 0.99
    const r = repriceRun({ header, attempts: [rec], sheet, sheetFile: 's.yaml', callUsages: new Map([[attemptRef(rec), calls]]) });
    expect(r.attempts[0]!.list_usd).toBeCloseTo(1.155, 12);
    // Without the per-call usages the tiered cost is unknown, with a note.
    const blind = repriceRun({ header, attempts: [rec], sheet, sheetFile: 's.yaml' });
    expect(blind.attempts[0]!.list_usd).toBeNull();
    expect(blind.notes.join('\n')).toMatch(/long-context tiers/);
  });
});
