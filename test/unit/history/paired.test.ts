import { describe, expect, it } from 'vitest';
import { mcnemarExact } from '../../../src/history/paired.ts';

describe('mcnemarExact (two-sided exact McNemar test)', () => {
  it('matches binomial tail values computed by hand', () => {
    // b=0, c=5: 2 · (1/2)^5 = 0.0625
    expect(mcnemarExact(0, 5)).toBeCloseTo(0.0625, 12);
    // b=1, c=9: 2 · (1 + 10) / 1024 = 0.021484375
    expect(mcnemarExact(1, 9)).toBeCloseTo(0.021484375, 12);
    expect(mcnemarExact(9, 1)).toBeCloseTo(0.021484375, 12); // symmetric
    // b=2, c=8: 2 · (1 + 10 + 45) / 1024 = 0.109375
    expect(mcnemarExact(2, 8)).toBeCloseTo(0.109375, 12);
  });

  it('is 1 with no or balanced discordant pairs, and stays in [0, 1] for large counts', () => {
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(3, 3)).toBe(1);
    const p = mcnemarExact(400, 600);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-9);
  });

  it('refuses counts that are not whole numbers ≥ 0', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
    expect(() => mcnemarExact(1.5, 2)).toThrow(/whole numbers/);
  });
});
