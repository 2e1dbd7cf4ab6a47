import { describe, expect, it } from 'vitest';
import { wilsonInterval, Z_95 } from '../../../src/analysis/wilson.ts';

// Hand arithmetic, with z = 1.959963984540054, z² = 3.841458820694125:
//   n = 10: z²/n = 0.3841458820694125, denom = 1 + z²/n = 1.3841458820694125, z²/(2n) = 0.19207294103470627,
//           z²/(4n²) = 0.009603647051735313, z/denom = 1.416012...
//   0/10:  p̂ = 0;   centre = 0.19207294 / 1.38414588 = 0.13876640; half = 1.416012·√0.00960365 = 0.13876640
//          → [0, 0.27753280]
//   5/10:  p̂ = 0.5; centre = 0.69207294 / 1.38414588 = 0.5; half = 1.416012·√(0.025 + 0.00960365)
//          = 1.416012·0.18602056 = 0.26340691 → [0.23659309, 0.76340691]
//   10/10: mirror of 0/10 → [1 − 0.27753280, 1] = [0.72246720, 1]
//   1/4:   z²/n = 0.96036471, denom = 1.96036471, centre = (0.25 + 0.48018235)/1.96036471 = 0.37247271,
//          half = (1.959964/1.96036471)·√(0.1875/4 + 3.84145882/64) = 0.99979560·√(0.046875 + 0.06002279)
//          = 0.99979560·0.32695258 = 0.32688545 → [0.04558726, 0.69935816]
describe('wilsonInterval', () => {
  it('uses z = Φ⁻¹(0.975)', () => {
    expect(Z_95).toBe(1.959963984540054);
  });

  it('gives [0, 0.2775] for 0 of 10, with a lower end of exactly 0', () => {
    const iv = wilsonInterval(0, 10)!;
    expect(iv.low).toBe(0);
    expect(iv.high).toBeCloseTo(0.2775328, 6);
  });

  it('gives [0.2366, 0.7634] for 5 of 10, symmetric around 0.5', () => {
    const iv = wilsonInterval(5, 10)!;
    expect(iv.low).toBeCloseTo(0.2365931, 6);
    expect(iv.high).toBeCloseTo(0.7634069, 6);
    expect(iv.low + iv.high).toBeCloseTo(1, 12);
  });

  it('gives [0.7225, 1] for 10 of 10, with an upper end of exactly 1 (not 0.9999999999999999)', () => {
    const iv = wilsonInterval(10, 10)!;
    expect(iv.low).toBeCloseTo(0.7224672, 6);
    expect(iv.high).toBe(1);
  });

  it('gives [0.0456, 0.6994] for 1 of 4', () => {
    const iv = wilsonInterval(1, 4)!;
    expect(iv.low).toBeCloseTo(0.0455873, 6);
    expect(iv.high).toBeCloseTo(0.6993582, 6);
  });

  it('returns null for n = 0 (no trials, no information)', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('narrows as n grows at the same proportion', () => {
    const small = wilsonInterval(5, 10)!;
    const large = wilsonInterval(50, 100)!;
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
  });

  it('rejects k > n, negative or fractional counts', () => {
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 10)).toThrow(RangeError);
  });
});
