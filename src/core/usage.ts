// Normalised token usage of model calls (DESIGN.md §3). Units: tokens.
import { z } from 'zod';

/**
 * Token counts of one call or a sum of calls, normalised across providers.
 * `input_uncached + cache_read + cache_write_5m + cache_write_1h` is the whole prompt;
 * `reasoning` is a part of `output` (never billed twice).
 */
export const TokenUsage = z.object({
  input_uncached: z.number().int().nonnegative(),
  cache_read: z.number().int().nonnegative(),
  cache_write_5m: z.number().int().nonnegative(),
  cache_write_1h: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
  reasoning: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

export const zeroUsage = (): TokenUsage => ({
  input_uncached: 0,
  cache_read: 0,
  cache_write_5m: 0,
  cache_write_1h: 0,
  output: 0,
  reasoning: 0,
});

/** Field-wise sum of usages. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input_uncached: a.input_uncached + b.input_uncached,
    cache_read: a.cache_read + b.cache_read,
    cache_write_5m: a.cache_write_5m + b.cache_write_5m,
    cache_write_1h: a.cache_write_1h + b.cache_write_1h,
    output: a.output + b.output,
    reasoning: a.reasoning + b.reasoning,
  };
}

/** Prompt tokens of every kind (uncached + cache reads + cache writes). */
export const promptTokens = (u: TokenUsage): number =>
  u.input_uncached + u.cache_read + u.cache_write_5m + u.cache_write_1h;
