// The words of unsettled calls (in flight at a kill or Ctrl-C, never settled): one helper for the
// report header and the run summary, which must not state a floor as the spend.
import { describe, expect, it } from 'vitest';
import { interruptedCallsNote, spendText, unsettledCalls } from '../../../src/report/infra-note.ts';
import type { IndexRecord } from '../../../src/store/records.ts';

const carried = (unsettled?: { calls: number; usd: number }) => ({
  interrupted_calls: {
    calls: 0,
    usage: { input_uncached: 0, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 0, reasoning: 0 },
    list_usd: 0,
    billed_usd: null,
    ...(unsettled ? { budget_usd: unsettled.usd, unsettled_calls: unsettled.calls, unsettled_usd: unsettled.usd } : { budget_usd: 0 }),
  },
});

describe('unsettled calls', () => {
  it('a contender whose records carry an unsettled call: the total is a floor, with the calls and their bound', () => {
    const recs = [carried({ calls: 1, usd: 0.25 }), {}, carried({ calls: 2, usd: 0.5 })];
    expect(unsettledCalls(recs)).toEqual({ calls: 3, usd: 0.75, unbounded: 0 });
    expect(spendText(0, recs)).toBe('≥ $0 total, 3 calls unsettled, bounded at $0.75');
    expect(spendText(0.0028, [recs[0]!])).toBe('≥ $0.0028 total, 1 call unsettled, bounded at $0.25');
    expect(spendText(null, [recs[0]!])).toBe('unknown total, 1 call unsettled, bounded at $0.25');
  });
  it('none unsettled: the plain total', () => {
    expect(unsettledCalls([carried(), {}])).toBeNull();
    expect(spendText(0.0028, [carried(), {}])).toBe('$0.0028 total');
  });
  it('the report header says it in the same words', () => {
    const note = interruptedCallsNote([carried({ calls: 1, usd: 0.25 }) as unknown as IndexRecord]);
    expect(note).toContain('1 call unsettled, bounded at $0.25: in flight at the kill (or Ctrl-C) and never settled');
  });
});
