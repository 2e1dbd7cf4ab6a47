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
 * - Moonshot (Kimi) reports cache reads as a top-level `cached_tokens`, also inside `prompt_tokens`;
 *   it is used when `prompt_tokens_details.cached_tokens` is absent.
 * - Reasoning: `completion_tokens_details.reasoning_tokens`, else a top-level `reasoning_tokens`
 *   (some OpenAI-compatible servers). The reply's `reasoning_content` / `reasoning` text fields
 *   (DeepSeek, Kimi, vLLM, OpenRouter) carry no count: those tokens are inside `completion_tokens`.
 * - `completion_tokens` INCLUDES `completion_tokens_details.reasoning_tokens`:
 *   `output = completion_tokens`, `reasoning = reasoning_tokens`. If a provider reports more
 *   reasoning than completion tokens, its completion count evidently excludes reasoning, and
 *   `output = completion + reasoning` so that reasoning stays a part of output.
 * - `total_tokens` larger than `prompt_tokens` + that output: the difference is output too, counted
 *   as reasoning (a Gemini gateway reports thought tokens only in the total, mozilla-ai/any-llm
 *   issues #1290 and #1291; they are billed as output). A smaller or absent total changes nothing.
 * - OpenRouter's `usage.cost` (USD) becomes `billed_usd`.
 * - A missing or non-object usage gives zeros with `missing: true` and `raw: null`; an object without
 *   a numeric `completion_tokens` (`{}`, only `total_tokens` or `prompt_tokens`, counts as strings),
 *   or without an input count (neither a numeric `prompt_tokens` nor both DeepSeek halves), gives
 *   zeros with `missing: true` (unknown, never a known 0: the call is billed at its bound).
 */
export function normaliseUsage(rawUsage: unknown): NormalisedUsage {
  if (!isRecord(rawUsage)) return { usage: zeroUsage(), raw: null, missing: true, billed_usd: null };
  const hit = maybeCount(rawUsage.prompt_cache_hit_tokens);
  const miss = maybeCount(rawUsage.prompt_cache_miss_tokens);
  const promptField = maybeCount(rawUsage.prompt_tokens);
  // a usage object without an output count (`{}`, only `total_tokens` or `prompt_tokens`, counts as
  // strings) or without an input count (`completion_tokens` alone: input priced at 0) is unknown, never a known 0
  if (maybeCount(rawUsage.completion_tokens) === null || (promptField === null && (hit === null || miss === null))) {
    return { usage: zeroUsage(), raw: rawUsage, missing: true, billed_usd: null };
  }

  const promptDetails = isRecord(rawUsage.prompt_tokens_details) ? rawUsage.prompt_tokens_details : {};
  const completionDetails = isRecord(rawUsage.completion_tokens_details) ? rawUsage.completion_tokens_details : {};

  let cacheRead: number;
  let prompt: number;
  if (hit !== null || miss !== null) {
    // DeepSeek: hit + miss = prompt_tokens; trust the split, fall back to prompt_tokens for a missing half.
    cacheRead = hit ?? Math.max(0, (promptField ?? 0) - (miss ?? 0));
    prompt = promptField ?? cacheRead + (miss ?? 0);
  } else {
    cacheRead = promptDetails.cached_tokens !== undefined ? count(promptDetails.cached_tokens) : count(rawUsage.cached_tokens);
    prompt = promptField ?? 0;
  }
  const cacheWrite = count(promptDetails.cache_write_tokens);
  cacheRead = Math.min(cacheRead, prompt);
  const inputUncached = Math.max(0, prompt - cacheRead - cacheWrite);

  const completion = count(rawUsage.completion_tokens);
  const reported = count(completionDetails.reasoning_tokens ?? rawUsage.reasoning_tokens);
  const counted = reported > completion ? completion + reported : completion;
  // tokens in `total_tokens` beyond prompt + output (thought tokens a Gemini gateway counts only
  // there: mozilla-ai/any-llm issues #1290, #1291) are billed output, counted as reasoning
  const beyond = Math.max(0, count(rawUsage.total_tokens) - prompt - counted);
  const output = counted + beyond;
  // (beyond exactly the reported reasoning: completion left the reported reasoning out, atkD16 #4: counted once)
  const reasoning = reported + (beyond === reported ? 0 : beyond);

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

/**
 * Normalises an Anthropic Messages `usage` object (DESIGN.md §3), keeping the raw object. The one
 * owner of this rule: the built-in client and the metering proxy (src/proxy/usage.ts) both use it.
 *
 * - `input_tokens` EXCLUDES cache reads and writes: `input_uncached = input_tokens`.
 * - `cache_read_input_tokens` → `cache_read`.
 * - Cache writes: `cache_creation.ephemeral_1h_input_tokens` are 1-hour writes; the rest of
 *   `cache_creation_input_tokens` (or of the split's sum, when larger) are 5-minute writes (the
 *   default TTL): a split that names fewer tokens than the total (a TTL missing from it) never drops
 *   the rest (atkB16 #1b).
 * - `output_tokens` INCLUDES thinking: `output = output_tokens`,
 *   `reasoning = output_tokens_details.thinking_tokens` (0 when absent, at most `output`).
 * - No provider cost is reported: `billed_usd` is null.
 * - A missing or non-object usage, or one without `input_tokens`/`output_tokens` numbers, gives zeros
 *   with `missing: true` (unknown, not zero).
 */
export function normaliseAnthropicUsage(rawUsage: unknown): NormalisedUsage {
  if (!isRecord(rawUsage) || maybeCount(rawUsage.input_tokens) === null || maybeCount(rawUsage.output_tokens) === null) {
    return { usage: zeroUsage(), raw: isRecord(rawUsage) ? rawUsage : null, missing: true, billed_usd: null };
  }
  const creation = isRecord(rawUsage.cache_creation) ? rawUsage.cache_creation : {};
  const w1h = count(creation.ephemeral_1h_input_tokens);
  const writes = Math.max(count(rawUsage.cache_creation_input_tokens), count(creation.ephemeral_5m_input_tokens) + w1h);
  const outDetails = isRecord(rawUsage.output_tokens_details) ? rawUsage.output_tokens_details : {};
  const output = count(rawUsage.output_tokens);
  return {
    usage: {
      input_uncached: count(rawUsage.input_tokens),
      cache_read: count(rawUsage.cache_read_input_tokens),
      cache_write_5m: writes - w1h,
      cache_write_1h: w1h,
      output,
      reasoning: Math.min(count(outDetails.thinking_tokens), output),
    },
    raw: rawUsage,
    missing: false,
    billed_usd: null,
  };
}

/**
 * The usage of an Anthropic stream so far: `message_start`'s usage with each `message_delta`'s
 * fields over it (the delta's counts are cumulative), skipping a delta's null or absent fields
 * (the API's `MessageDeltaUsage` sends `cache_read_input_tokens: null` …): they never erase
 * `message_start`'s counts (atkB16 #1). Used by the built-in client's and the proxy's stream readers.
 */
export function mergeAnthropicUsage(base: Record<string, unknown> | null, delta: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(delta)) if (v !== null && v !== undefined) merged[k] = v;
  return merged;
}
