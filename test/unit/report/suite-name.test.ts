// A suite's name on the site: its task ids, in name order, the rest counted (newcomer17 #4).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.ts';
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
  it('the README\'s example is the name the site gives the bundled suite', () => {
    const bundled = Object.keys(JSON.parse(readFileSync(`${ROOT}/tasks/bundled-manifest.json`, 'utf8')).tasks as Record<string, string>);
    const example = /`Suite (.+?) · (\d+) tasks`/.exec(readFileSync(`${ROOT}/README.md`, 'utf8'));
    expect(example?.[1]).toBe(suiteName(bundled));
    expect(Number(example?.[2])).toBe(bundled.length);
  });
});
