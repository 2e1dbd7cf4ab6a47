import { describe, expect, it } from 'vitest';
import { resultsWrite } from '../../../bench/lib/write-policy.ts';

describe('when npm run bench rewrites bench/RESULTS.md', () => {
  const flags = { quick: false, write: false, noWrite: false };
  it('a full run (default or --thorough) writes; --no-write does not', () => {
    expect(resultsWrite(flags)).toEqual({ write: true });
    expect(resultsWrite({ ...flags, noWrite: true })).toEqual({ write: false, why: '' });
  });
  it('--quick never writes, and refuses --write', () => {
    expect(resultsWrite({ ...flags, quick: true })).toMatchObject({ write: false, why: expect.stringContaining('--quick figures are not comparable') });
    expect(resultsWrite({ ...flags, quick: true, only: 'scale' }).write).toBe(false);
    expect(() => resultsWrite({ ...flags, quick: true, write: true })).toThrow(/never go into bench\/RESULTS\.md/);
  });
  it('--only writes only with --write', () => {
    expect(resultsWrite({ ...flags, only: 'scale' })).toMatchObject({ write: false, why: expect.stringContaining('add --write') });
    expect(resultsWrite({ ...flags, only: 'scale', write: true })).toEqual({ write: true });
    expect(() => resultsWrite({ ...flags, only: 'scale', write: true, noWrite: true })).toThrow(/exclude each other/);
  });
});
