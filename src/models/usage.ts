// Normalisation of provider `usage` objects (OpenAI Chat Completions style) to TokenUsage (DESIGN.md §3).
// Pure: no I/O. Units: tokens; `billed_usd` in USD.
import { zeroUsage, type TokenUsage } from '../core/usage.ts';

/** The result of normalising one call's `usage` object. */
export interface NormalisedUsage {
  usage: TokenUsage;
  /**
   * The provider's usage object as received, or null when the reply carried none
   * (then `usage` is all zeros and `missing` is true).
   */
  raw: Record<string, unknown> | null;
  /** True when the reply had no usage object: the token counts (and so the cost) are unknown. */
  missing: boolean;
  /** Provider-reported cost of the call in USD (OpenRouter `usage.cost`), else null. */
  billed_usd: number | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A non-negative integer token count from an unknown field; anything else (absent, negative, NaN, string) is 0. */
function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0;
}

/** The number in a field, or null when it is absent or not a finite number. */
function maybeCount(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.round(v)) : null;
}

/**
 * Normalises an OpenAI-compatible `usage` object to `{input_uncached, cache_read, cache_write_5m,
 * cache_write_1h, output, reasoning}` (tokens), keeping the raw object.
 *
 * Rules (DESIGN.md §3):
 * - `prompt_tokens` INCLUDES `prompt_tokens_details.cached_tokens` (cache reads) and, on OpenRouter,
 *   `prompt_tokens_details.cache_write_tokens` (cache writes, billed as 5-minute writes):
 *   `input_uncached = prompt_tokens − cached − cache_write` (never below 0).
 * - DeepSeek's `prompt_cache_hit_tokens` / `prompt_cache_miss_tokens` (hit + miss = prompt) take
 *   precedence over `cached_tokens` when present.
 * - `completion_tokens` INCLUDES `completion_tokens_details.reasoning_tokens`:
 *   `output = completion_tokens`, `reasoning = reasoning_tokens`. If a provider reports more
 *   reasoning than completion tokens, its completion count evidently excludes reasoning, and
 *   `output = completion + reasoning` so that reasoning stays a part of output.
 * - OpenRouter's `usage.cost` (USD) becomes `billed_usd`.
 * - A missing or non-object usage gives zeros with `missing: true` and `raw: null`.
 */
export function normaliseUsage(rawUsage: unknown): NormalisedUsage {
  if (!isRecord(rawUsage)) return { usage: zeroUsage(), raw: null, missing: true, billed_usd: null };

  const promptDetails = isRecord(rawUsage.prompt_tokens_details) ? rawUsage.prompt_tokens_details : {};
  const completionDetails = isRecord(rawUsage.completion_tokens_details) ? rawUsage.completion_tokens_details : {};

  const hit = maybeCount(rawUsage.prompt_cache_hit_tokens);
  const miss = maybeCount(rawUsage.prompt_cache_miss_tokens);
  const promptField = maybeCount(rawUsage.prompt_tokens);

  let cacheRead: number;
  let prompt: number;
  if (hit !== null || miss !== null) {
    // DeepSeek: hit + miss = prompt_tokens; trust the split, fall back to prompt_tokens for a missing half.
    cacheRead = hit ?? Math.max(0, (promptField ?? 0) - (miss ?? 0));
    prompt = promptField ?? cacheRead + (miss ?? 0);
  } else {
    cacheRead = count(promptDetails.cached_tokens);
    prompt = promptField ?? 0;
  }
  const cacheWrite = count(promptDetails.cache_write_tokens);
  cacheRead = Math.min(cacheRead, prompt);
  const inputUncached = Math.max(0, prompt - cacheRead - cacheWrite);

  const completion = count(rawUsage.completion_tokens);
  const reasoning = count(completionDetails.reasoning_tokens);
  const output = reasoning > completion ? completion + reasoning : completion;

  const cost = rawUsage.cost;
  const billed = typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : null;

  return {
    usage: {
      input_uncached: inputUncached,
      cache_read: cacheRead,
      cache_write_5m: cacheWrite,
      cache_write_1h: 0,
      output,
      reasoning,
    },
    raw: rawUsage,
    missing: false,
    billed_usd: billed,
  };
}
