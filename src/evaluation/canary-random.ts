// The canaries' random choices (which tests, which literal, which title, which place, whether a
// pair is swapped): crypto randomness, so no seed a patch could predict.
import { randomInt } from 'node:crypto';

/** One element of `xs`, chosen with crypto randomness. */
export const pick = <T>(xs: readonly T[]): T => xs[randomInt(xs.length)]!;
/** A copy of `xs` in random order (Fisher–Yates, crypto randomness). */
export const shuffle = <T>(xs: readonly T[]): T[] => {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};
