// Test helper: a seeded random integer source (mulberry32), so statistics over random draws are the
// same on every run.
import type { Rng } from '../../src/evaluation/canary-literal.ts';

/** An Rng (an integer in [0, n) per call) seeded with `seed`: mulberry32. */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}
