import { describe, expect, it } from 'vitest';
import { costDifferenceText, formatInt, formatMs, formatPct, formatTokens, formatUsd } from '../../../src/report/format.ts';

describe('formatUsd', () => {
  it.each([
    [null, 'unknown'],
    [0, '$0'],
    [0.0123, '$0.0123'],
    [0.012345, '$0.0123'],
    [0.5, '$0.50'],
    [0.391, '$0.391'],
    [0.000412, '$0.000412'],
    [1, '$1.00'],
    [12.345, '$12.35'],
    [1234.5, '$1,234.50'],
  ])('formats %s as %s', (usd, text) => {
    expect(formatUsd(usd)).toBe(text);
  });

  it('never shows an unknown amount as $0', () => {
    expect(formatUsd(null)).not.toMatch(/\$/);
    expect(formatUsd(Number.NaN)).toBe('unknown');
  });
});

describe('formatPct', () => {
  it('shows one decimal, and — for no data', () => {
    expect(formatPct(0.75)).toBe('75.0%');
    expect(formatPct(1 / 3)).toBe('33.3%');
    expect(formatPct(null)).toBe('—');
  });
});

describe('formatTokens', () => {
  it('compacts to three significant digits', () => {
    expect(formatTokens(950)).toBe('950');
    expect(formatTokens(12_345)).toBe('12.3k');
    expect(formatTokens(4_560_000)).toBe('4.56M');
    expect(formatTokens(1_200_000_000)).toBe('1.20B');
  });
});

describe('formatMs', () => {
  it('picks a readable unit', () => {
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(12_300)).toBe('12.3 s');
    expect(formatMs(1_800_000)).toBe('30.0 min');
    expect(formatMs(7_200_000)).toBe('2.0 h');
    expect(formatMs(null)).toBe('—');
  });
});

describe('formatInt', () => {
  it('groups thousands exactly as Intl en-US does, rounding first', () => {
    expect(formatInt(1234567)).toBe('1,234,567');
    expect(formatInt(-1234.5)).toBe('-1,234');
    expect(formatInt(999.5)).toBe('1,000');
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    const edge = [0, -0, -0.4, 0.5, 12, 123, 1000, 100000, -999999.6, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21, NaN, Infinity, -Infinity];
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const spread = Array.from({ length: 5000 }, () => (next() - 0.5) * 10 ** (next() * 17));
    for (const v of [...edge, ...spread]) expect(formatInt(v), String(v)).toBe(intl.format(Math.round(v)));
  });
});

describe('costDifferenceText', () => {
  it('says more, less, or the same (never "$0 more", float noise included)', () => {
    expect(costDifferenceText(0.0287, 'the oracle')).toBe('$0.0287 more per task than the oracle');
    expect(costDifferenceText(-0.0287, 'the oracle')).toBe('$0.0287 less per task than the oracle');
    expect(costDifferenceText(0, 'the oracle')).toBe('the same per task as the oracle');
    expect(costDifferenceText(0.105 - 0.1 - 0.005, 'the oracle')).toBe('the same per task as the oracle'); // 8.7e-19, not "$0.0000…1 more"
  });
});
