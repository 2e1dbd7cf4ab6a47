// A suite's name on the site: its task ids, in name order, the rest counted (newcomer17 #4).
import { describe, expect, it } from 'vitest';
import { NAMED_TASKS, suiteName } from '../../../src/report/suite-name.ts';

describe('suiteName', () => {
  it('spells out the first ids in name order and counts the rest; null for none', () => {
    expect(NAMED_TASKS).toBe(3);
    expect(suiteName(['js-ini-1'])).toBe('js-ini-1');
    expect(suiteName(['py-slug-1', 'js-ini-1', 'js-duration-1'])).toBe('js-duration-1, js-ini-1, py-slug-1');
    expect(suiteName(['d', 'c', 'b', 'a', 'e'])).toBe('a, b, c and 2 more');
    expect(suiteName(['a', 'a'])).toBe('a');
    expect(suiteName([])).toBeNull();
  });
});
