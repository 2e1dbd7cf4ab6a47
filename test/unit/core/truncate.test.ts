import { describe, expect, it } from 'vitest';
import { clipAtWord, elisionLine, formatTruncated, truncateHeadTail, truncateOutput, truncateText } from '../../../src/core/truncate.ts';

describe('truncateOutput', () => {
  it('keeps text that fits, up to and including maxChars', () => {
    expect(truncateOutput('abcd', 4)).toEqual({ truncated: false, text: 'abcd' });
    expect(truncateOutput('', 0)).toEqual({ truncated: false, text: '' });
    expect(truncateOutput('abc', Infinity)).toEqual({ truncated: false, text: 'abc' });
  });

  it('keeps the first half (rounded down) and the rest from the end, and counts the middle', () => {
    expect(truncateOutput('abcdefghij', 5)).toEqual({ truncated: true, head: 'ab', tail: 'hij', elidedChars: 5, totalChars: 10 });
    expect(truncateOutput('abcdefghij', 4)).toEqual({ truncated: true, head: 'ab', tail: 'ij', elidedChars: 6, totalChars: 10 });
  });

  it('at maxChars 0 and 1 keeps nothing or one character of the tail', () => {
    expect(truncateOutput('abc', 0)).toEqual({ truncated: true, head: '', tail: '', elidedChars: 3, totalChars: 3 });
    expect(truncateOutput('abc', 1)).toEqual({ truncated: true, head: '', tail: 'c', elidedChars: 2, totalChars: 3 });
  });

  it('never splits a surrogate pair at either cut', () => {
    const text = `a😀${'x'.repeat(10)}😀b`;
    for (let max = 0; max < text.length; max++) {
      const cut = truncateOutput(text, max);
      if (!cut.truncated) continue;
      expect(cut.head + cut.tail, `max ${max}`).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(cut.head.length + cut.tail.length + cut.elidedChars).toBe(text.length);
    }
  });

  it('refuses a negative, fractional or NaN maxChars', () => {
    for (const bad of [-1, 1.5, NaN]) expect(() => truncateOutput('abc', bad)).toThrow(RangeError);
  });
});

describe('truncateHeadTail', () => {
  it('adds the bytes the sandbox never kept to the elided and total counts', () => {
    expect(truncateHeadTail('abcdef', 'uvwxyz', 100, 4)).toEqual({ truncated: true, head: 'ab', tail: 'yz', elidedChars: 108, totalChars: 112 });
  });

  it('keeps both parts whole under an infinite cap', () => {
    expect(truncateHeadTail('head', 'tail', 7, Infinity)).toEqual({ truncated: true, head: 'head', tail: 'tail', elidedChars: 7, totalChars: 15 });
  });

  it('refuses a negative omitted count or a bad cap', () => {
    expect(() => truncateHeadTail('a', 'b', -1, 4)).toThrow(RangeError);
    expect(() => truncateHeadTail('a', 'b', 0, -4)).toThrow(RangeError);
  });
});

describe('truncateText / formatTruncated', () => {
  it('puts the elision line between head and tail, or returns the text whole', () => {
    expect(truncateText('abcdefghij', 4)).toBe(`ab${elisionLine(6)}ij`);
    expect(truncateText('abcd', 4)).toBe('abcd');
    expect(formatTruncated(truncateOutput('abcdefghij', 4), (n) => `<${n}>`)).toBe('ab<6>ij');
  });
});

describe('clipAtWord', () => {
  it('keeps a text that fits, cuts a longer one at its last space in the last third with "…", or mid-word when there is none', () => {
    expect(clipAtWord('short reason', 160)).toBe('short reason');
    const reason = 'the failing canary test "test_add_2" in tests/test_calc.py (runner pytest, mutated) came out passed, not failed while the test it copies, "test_add", did not fail';
    const cut = clipAtWord(reason, 160);
    expect(cut.length).toBeLessThanOrEqual(160);
    expect(cut).toBe('the failing canary test "test_add_2" in tests/test_calc.py (runner pytest, mutated) came out passed, not failed while the test it copies, "test_add", did not…');
    expect(clipAtWord('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
