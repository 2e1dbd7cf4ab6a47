import { describe, expect, it } from 'vitest';
import { flakyTests } from '../../../src/evaluation/flaky.ts';

describe('flakyTests', () => {
  it('names the listed tests whose status differs between runs, a missing result counting as its own status', () => {
    const runs = [
      { a: 'PASSED', b: 'FAILED', c: 'PASSED', d: 'PASSED' },
      { a: 'PASSED', b: 'PASSED', c: 'PASSED' },
      { a: 'PASSED', b: 'FAILED', c: 'PASSED', d: 'PASSED' },
    ] as const;
    expect(flakyTests(['a', 'b', 'c', 'd', 'e'], runs)).toEqual(['b', 'd']);
  });

  it('finds nothing with a single run', () => {
    expect(flakyTests(['a'], [{ a: 'FAILED' }])).toEqual([]);
  });
});
