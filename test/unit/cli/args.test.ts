import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { exceedsThreshold, parseErrorThreshold, parseShard, significanceLevel } from '../../../src/cli/args.ts';

describe('--shard', () => {
  it('reads i/n and refuses anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/2', '3/2', '2', '1/0', 'a/b', '1/2/3', '-1/2', '1.5/2']) expect(() => parseShard(bad), bad).toThrow(InvalidArgumentError);
  });
});

describe('--fail-on-error', () => {
  it('reads a count or a percentage', () => {
    expect(parseErrorThreshold('3')).toEqual({ kind: 'count', value: 3 });
    expect(parseErrorThreshold('12.5%')).toEqual({ kind: 'percent', value: 12.5 });
    for (const bad of ['', 'x', '-1', '101%', '5 %%']) expect(() => parseErrorThreshold(bad), bad).toThrow(/number of attempts such as 3, or a percentage/);
  });

  it('fails only above the threshold', () => {
    expect(exceedsThreshold({ kind: 'count', value: 2 }, 2, 10)).toBe(false);
    expect(exceedsThreshold({ kind: 'count', value: 2 }, 3, 10)).toBe(true);
    expect(exceedsThreshold({ kind: 'count', value: 0 }, 1, 10)).toBe(true);
    expect(exceedsThreshold({ kind: 'percent', value: 10 }, 1, 10)).toBe(false);
    expect(exceedsThreshold({ kind: 'percent', value: 10 }, 2, 10)).toBe(true);
    expect(exceedsThreshold({ kind: 'percent', value: 0 }, 0, 0)).toBe(false);
  });
});

describe('--significant-drop', () => {
  it('reads a significance level strictly between 0 and 1 and refuses anything else', () => {
    expect(significanceLevel('0.05')).toBe(0.05);
    expect(significanceLevel('.01')).toBe(0.01);
    for (const bad of ['0', '1', '2', '-0.05', '5%', '', 'x', '1.5']) expect(() => significanceLevel(bad), bad).toThrow(/between 0 and 1/);
  });
});
