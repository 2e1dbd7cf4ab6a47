// Usage extraction for the metering proxy: from whole JSON replies and from SSE streams, in the
// OpenAI (Chat Completions, Responses) and Anthropic (Messages) dialects. Pure. Units: tokens.
import { zeroUsage, type TokenUsage } from '../core/usage.ts';
import { mergeAnthropicUsage, normaliseAnthropicUsage as normaliseAnthropic, normaliseUsage } from '../models/usage.ts';

/** The wire dialect of a request: OpenAI-compatible or Anthropic Messages. */
export type Dialect = 'openai' | 'anthropic';

/** Usage of one call as the proxy saw it. */
export interface ExtractedUsage {
  usage: TokenUsage;
  /** The provider's usage object(s) as received (for Anthropic streams: `{message_start, message_delta}`). */
  raw: unknown;
  /** Provider-reported USD (OpenRouter `usage.cost`), else null. */
  billed_usd: number | null;
  /** The model the reply names (`model`; a stream's first chunk naming one, Anthropic's `message_start`), when it names one. */
  served?: string;
  /** True when the counts are not final: an Anthropic stream that ended without `message_delta`'s usage or without `message_stop` (cut), whose `message_start` counts only the first output token. */
  partial?: true;
}

const servedOf = (v: unknown): { served?: string } => (typeof v === 'string' && v ? { served: v } : {});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0);

/**
 * An Anthropic Messages `usage` object normalised by the one rule (`normaliseAnthropicUsage` of
 * src/models/usage.ts); null (unknown usage) for a missing or non-object usage, or one without a
 * numeric `input_tokens` or `output_tokens`.
 */
export function normaliseAnthropicUsage(raw: unknown): ExtractedUsage | null {
  const n = normaliseAnthropic(raw);
  return n.missing ? null : { usage: n.usage, raw, billed_usd: null };
}

/**
 * Normalises an OpenAI usage object of either API: Chat Completions (`prompt_tokens`, …) with the
 * rules of `normaliseUsage`, or Responses (`input_tokens` INCLUDING `input_tokens_details.cached_tokens`,
 * `output_tokens` INCLUDING `output_tokens_details.reasoning_tokens`). Null (unknown usage) for a
 * missing usage, or one without an input or an output count.
 */
export function normaliseOpenAIUsage(raw: unknown): ExtractedUsage | null {
  if (!isRecord(raw)) return null;
  if (raw.prompt_tokens === undefined && (raw.input_tokens !== undefined || raw.output_tokens !== undefined)) {
    if (!isNumber(raw.output_tokens) || !isNumber(raw.input_tokens)) return null; // no output or no input count: unknown
    const inDetails = isRecord(raw.input_tokens_details) ? raw.input_tokens_details : {};
    const outDetails = isRecord(raw.output_tokens_details) ? raw.output_tokens_details : {};
    const n = normaliseUsage({
      prompt_tokens: count(raw.input_tokens),
      completion_tokens: count(raw.output_tokens),
      prompt_tokens_details: { cached_tokens: count(inDetails.cached_tokens) },
      completion_tokens_details: { reasoning_tokens: count(outDetails.reasoning_tokens) },
      ...(raw.total_tokens !== undefined ? { total_tokens: raw.total_tokens } : {}),
      ...(raw.cost !== undefined ? { cost: raw.cost } : {}),
    });
    return { usage: n.usage, raw, billed_usd: n.billed_usd };
  }
  const n = normaliseUsage(raw);
  return n.missing ? null : { usage: n.usage, raw: n.raw, billed_usd: n.billed_usd };
}

/** Usage of a whole (non-streamed) JSON reply body; null when it carries none. */
export function usageOfBody(dialect: Dialect, body: unknown): ExtractedUsage | null {
  if (!isRecord(body)) return null;
  const u = dialect === 'anthropic' ? normaliseAnthropicUsage(body.usage) : normaliseOpenAIUsage(body.usage);
  return u && { ...u, ...servedOf(body.model) };
}

/**
 * Accumulates usage from the `data:` payloads of a stream's events, in order:
 * - OpenAI Chat Completions: the chunk carrying `usage` (sent last when `stream_options.include_usage`);
 * - OpenAI Responses: `response.completed` (or `.incomplete`/`.failed`) → `response.usage`;
 * - Anthropic: `message_start.message.usage`, then each `message_delta.usage` (cumulative counts)
 *   overriding the fields it names; without a `message_delta` usage or a `message_stop` the result
 *   is `partial` (a cut stream: `message_start` reports 1 output token, not the output billed).
 */
export class StreamUsage {
  #openai: unknown = undefined;
  #start: Record<string, unknown> | null = null;
  #delta: Record<string, unknown> | null = null;
  #served: unknown = undefined;
  #stopped = false;

  constructor(readonly dialect: Dialect) {}

  /** Feeds one event's parsed `data` JSON. */
  add(data: unknown): void {
    if (!isRecord(data)) return;
    if (this.#served === undefined) {
      const named = isRecord(data.message) ? data.message.model : isRecord(data.response) ? data.response.model : data.model;
      if (typeof named === 'string' && named) this.#served = named;
    }
    if (this.dialect === 'anthropic') {
      if (data.type === 'message_start' && isRecord(data.message) && isRecord(data.message.usage)) this.#start = data.message.usage;
      else if (data.type === 'message_delta' && isRecord(data.usage)) this.#delta = mergeAnthropicUsage(this.#delta, data.usage);
      else if (data.type === 'message_stop') this.#stopped = true;
      return;
    }
    if (isRecord(data.usage)) this.#openai = data.usage;
    else if (typeof data.type === 'string' && data.type.startsWith('response.') && isRecord(data.response) && isRecord(data.response.usage)) {
      this.#openai = data.response.usage;
    }
  }

  /** The call's usage, or null when the stream reported none. */
  result(): ExtractedUsage | null {
    if (this.dialect === 'openai') {
      const u = normaliseOpenAIUsage(this.#openai);
      return u && { ...u, ...servedOf(this.#served) };
    }
    if (!this.#start && !this.#delta) return null;
    const n = normaliseAnthropicUsage(mergeAnthropicUsage(this.#start, this.#delta ?? {}));
    if (!n) return null; // no count in either event: the call's usage is unknown (atkT15 #2)
    const partial = !this.#delta || !this.#stopped ? { partial: true as const } : {};
    return { ...n, raw: { message_start: this.#start, message_delta: this.#delta }, ...servedOf(this.#served), ...partial };
  }
}
