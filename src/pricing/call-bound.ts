// The bound of a model call before it is sent (the ledger's pending line, src/store/ledger.ts): the
// most its request can cost, so a call in flight at a kill -9 is counted on `--resume`. Pure.
import type { PricedModel } from '../config/catalog.ts';
import type { ChatMessage, ChatOptions } from '../models/types.ts';
import { zeroUsage, type TokenUsage } from '../core/usage.ts';
import { callCostUsd } from './cost.ts';
import { requestMedia } from './request-media.ts';
import { IMAGE_TOKENS, outputBound, unknownUsageBound } from './usage-bound.ts';

/** Output tokens counted for a request that sets no output limit (no `max_tokens` …): an estimate, not a bound. */
export const DEFAULT_OUTPUT_TOKENS = 32_000;
/** `max_tokens` the Anthropic client sends when `params` has none (= `DEFAULT_MAX_TOKENS` of src/models/anthropic.ts, not imported: that loads the SDK). */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 8192;

/**
 * Prompt tokens Anthropic adds to a request that has `tools` (its tool-use system prompt), not in the
 * request's bytes: above the largest count its pricing page lists per model and tool choice (530,
 * Claude 3 Opus with `auto`; docs.anthropic.com, "Tool use: pricing and tokens"; atkD16 #3).
 */
export const ANTHROPIC_TOOL_PROMPT_TOKENS = 600;

/** A call's bound: USD (null when no row prices it), the row used (price key, `ceiling`, or null) and whether it is a bound (false: output estimated, or priced at the ceiling, which is no bound for a router or an unpriced model). */
export interface CallBound {
  usd: number | null;
  price_key: string | null;
  bounded: boolean;
}

/**
 * The bounder of calls to `models` (one model, or a step route's two: the dearer bound counts).
 * A call is bounded as a reply without usage is (`unknownUsageBound`), from the request the client
 * sends (`model`, `messages`, `tools`, the entry's `params`, the Anthropic default `max_tokens`)
 * without building or parsing it: every byte of its JSON one prompt token plus `IMAGE_TOKENS` per
 * image part (a stated worst case: a request with an image is never `bounded`), plus {@link ANTHROPIC_TOOL_PROMPT_TOKENS}
 * for an Anthropic request with tools, output at its `max_tokens` × `n` (`outputBound`), or {@link DEFAULT_OUTPUT_TOKENS} when
 * it sets none; priced at the model's row, or the sheet's ceiling for a router entry (it may serve
 * any model) or an unpriced model. One try: billed retries of a call (cut streams) are not in it; the ledger has each as a `try` line (`LedgerEntry.try`).
 */
export function callBounder(models: readonly PricedModel[]): (messages: ChatMessage[], opts?: ChatOptions) => CallBound {
  return (messages, opts) => {
    const media = requestMedia({ messages });
    const bytes = Buffer.byteLength(JSON.stringify(messages)) + (opts?.tools ? Buffer.byteLength(JSON.stringify(opts.tools)) : 0) + media.images * IMAGE_TOKENS;
    let best: CallBound = { usd: null, price_key: null, bounded: false };
    for (const m of models) {
      const params = { ...(m.spec.api === 'anthropic' ? { max_tokens: ANTHROPIC_DEFAULT_MAX_TOKENS } : {}), ...m.spec.params, model: m.spec.model };
      const limit = outputBound(params);
      // `{…,"messages":…,"tools":…}`: the params' bytes plus the keys' 24
      const toolPrompt = m.spec.api === 'anthropic' && opts?.tools?.length ? ANTHROPIC_TOOL_PROMPT_TOKENS : 0;
      const usage = { ...zeroUsage(), input_uncached: bytes + Buffer.byteLength(JSON.stringify(params)) + 24 + toolPrompt, output: limit ?? DEFAULT_OUTPUT_TOKENS };
      const b = priced(usage, limit !== null && media.images === 0 && media.documents === 0 && media.remote.length === 0, m);
      if (b.usd !== null && (best.usd === null || b.usd > best.usd)) best = b;
    }
    return best;
  };
}

/**
 * `usage` priced at `m`'s own row, else the ceiling (a router entry, an unpriced model: then no bound).
 * Its prompt (`input_uncached`) is priced at the dearest of the row's input and cache-write rates:
 * a request may ask for its prompt to be cached (`cache_control`), and a write costs 1.25× (5 minutes)
 * or 2× (1 hour) the input rate at Anthropic (atkD16 #3).
 */
function priced(usage: TokenUsage, bounded: boolean, m: Pick<PricedModel, 'spec' | 'price' | 'served' | 'ceiling'>): CallBound {
  const own = m.served ? null : m.price;
  const row = own ?? m.ceiling ?? null;
  const asWrites = (k: 'cache_write_5m' | 'cache_write_1h'): TokenUsage => ({ ...usage, input_uncached: 0, [k]: usage[k] + usage.input_uncached });
  const costs = [usage, asWrites('cache_write_5m'), asWrites('cache_write_1h')].map((u) => callCostUsd(u, row));
  const usd = costs.some((c) => c === null) ? null : Math.max(...(costs as number[]));
  if (usd === null) return { usd: null, price_key: null, bounded: false };
  return { usd, price_key: own ? (m.spec.price ?? m.spec.id) : 'ceiling', bounded: bounded && own !== null };
}

/**
 * The bound of one request as sent (`request`, its JSON text) to model `m`: `unknownUsageBound` with
 * no reply received, output at {@link DEFAULT_OUTPUT_TOKENS} when the request sets no limit, at the
 * model's row, or the ceiling for a router entry or an unpriced model (see `callBounder`). The
 * metering proxy's pending lines use it on the body it forwards.
 */
export function requestBound(request: string, m: Pick<PricedModel, 'spec' | 'price' | 'served' | 'ceiling'>): CallBound {
  const b = unknownUsageBound(request, 0);
  const limited = b.usage.output > 0;
  // a `"tools": [{` key of the request's own object (inside a string its quotes are escaped); a false match only raises the bound
  const toolPrompt = m.spec.api === 'anthropic' && /"tools"\s*:\s*\[\s*\{/.test(request) ? ANTHROPIC_TOOL_PROMPT_TOKENS : 0;
  const usage = { ...b.usage, input_uncached: b.usage.input_uncached + toolPrompt };
  return priced(limited ? usage : { ...usage, output: DEFAULT_OUTPUT_TOKENS }, b.bounded && limited, m);
}
