// Constructor boilerplate shared by the HTTP model clients (openai-chat.ts, anthropic.ts): the
// API-key check and the settings each client keeps. Pure.
import type { ModelSpec } from '../config/models.ts';
import type { PriceRow } from '../config/prices.ts';
import { UserInputError } from '../core/errors.ts';
import type { RetryOptions } from './call-loop.ts';
import { callCostUsd } from '../pricing/cost.ts';
import { ceilingCost, type UnknownCostFacts } from '../pricing/ceiling.ts';
import type { ServedPricer } from '../pricing/served.ts';
import type { TokenUsage } from '../core/usage.ts';

/** Options of an HTTP model client: the retry policy (call-loop.ts) plus its timeouts. */
export interface HttpClientOptions extends RetryOptions {
  /** Timeout of one HTTP request until its response starts, ms (default 600 000). A timeout is a network error and is retried. */
  requestTimeoutMs?: number;
  /** With `stream: true`: longest silence inside a stream, ms (default 120 000); then the try is a cut stream (retried). */
  streamIdleMs?: number;
  /**
   * For a router entry (models.yaml `router: true`): prices each reply by the model its body names
   * (`model`), instead of the entry's own row; the call records `served_model` and `price_key`.
   */
  servedPricer?: ServedPricer;
  /** The price sheet's ceiling row (src/pricing/ceiling.ts): a call of unknown cost records `cap_usd` at it. */
  ceiling?: PriceRow | null;
}

/** What a client keeps from its constructor arguments (never the API key). */
export interface ClientSettings {
  /** The model's entry in models.yaml. */
  spec: ModelSpec;
  /** The model's price row (USD per million tokens), or null when unknown. */
  price: PriceRow | null;
  /** The retry policy handed to `callWithRetries`. */
  retry: RetryOptions;
  /** Per-request timeout for the SDK, ms. */
  requestTimeoutMs: number;
  /** Longest silence inside a stream, ms. */
  streamIdleMs: number;
  /** Set for a router entry: the price of the model a reply names. */
  servedPricer: ServedPricer | null;
  /** The price sheet's ceiling row, for `cap_usd` of unknown-cost calls; null = none. */
  ceiling: PriceRow | null;
}

/**
 * Checks the API key and resolves a client's settings, defaults applied.
 * @param apiKey the key read by the caller from `process.env[spec.api_key_env]`; only checked here
 * @throws UserInputError when `apiKey` is empty (naming `spec.api_key_env`, never the key)
 */
export function clientSettings(spec: ModelSpec, apiKey: string, price: PriceRow | null, opts: HttpClientOptions): ClientSettings {
  if (!apiKey) throw new UserInputError(`${spec.id}: no API key; set ${spec.api_key_env}`, { where: spec.api_key_env });
  return {
    spec,
    price,
    retry: opts,
    requestTimeoutMs: opts.requestTimeoutMs ?? 600_000,
    streamIdleMs: opts.streamIdleMs ?? 120_000,
    servedPricer: opts.servedPricer ?? null,
    ceiling: opts.ceiling ?? null,
  };
}

/**
 * List USD of one reply and, for a router entry, the served-model fields of its CallRecord: the
 * entry's own row prices it, unless `cfg.servedPricer` is set; then the row of the model the reply
 * names (`served`, the body's `model`) does, and a reply naming no model, or one missing from the
 * sheet, costs null (unknown, never 0). `usageMissing`: the tokens are unknown, so is the cost.
 * A null cost also gets `cap_usd`, what it counts against the caps (`ceilingCost`): its tokens at
 * the ceiling, or with unknown tokens `facts.bound` (`unknownUsageBound`) at the ceiling, or the
 * cost the reply stated (`facts.billed`) when higher; `cap_bound` when that bounds the real cost.
 */
export function replyPricing(cfg: ClientSettings, usage: TokenUsage, usageMissing: boolean, served: unknown, facts: Omit<UnknownCostFacts, 'priced'> = {}): { list_usd: number | null; served_model?: string | null; price_key?: string | null; cap_usd?: number; cap_bound?: true } {
  if (!cfg.servedPricer) {
    const list = usageMissing ? null : callCostUsd(usage, cfg.price);
    return { list_usd: list, ...ceilingCost(list, usage, usageMissing, cfg.ceiling, { ...facts, priced: cfg.price !== null }) };
  }
  const name = typeof served === 'string' && served ? served : null;
  const priced = name === null ? null : cfg.servedPricer(name);
  const list = usageMissing || !priced ? null : callCostUsd(usage, priced.row);
  return { list_usd: list, served_model: name, price_key: priced?.key ?? null, ...ceilingCost(list, usage, usageMissing, cfg.ceiling, facts) };
}

/** The request of one try as sent (its JSON text) and the bytes of reply received so far: what `unknownUsageBound` reads when the reply carries no usage. */
export interface Sent {
  readonly request: string;
  received(): number;
}

/**
 * `Sent` for a request body whose whole reply is `reply` (or, while it streams, whatever `reply`
 * returns). The body's JSON text is made when `request` is first read (then kept), not here: only a
 * reply without usage needs it, and the whole history was already serialised once for the request
 * itself. The clients read it before the call returns, while the agent awaits the call and so
 * cannot change the body's message list.
 */
export const sentOf = (request: unknown, reply: () => unknown): Sent => {
  let text: string | undefined;
  return {
    get request(): string {
      return (text ??= JSON.stringify(request));
    },
    received: () => Buffer.byteLength(JSON.stringify(reply() ?? null) ?? '', 'utf8'),
  };
};

/** The try of a call under way: its request body as sent and when it started (`performance.now()`), for the bound of a try whose transport failed. */
export interface TryUnderWay {
  sent: unknown;
  t0: number;
}

/** A 2xx reply's body as read: its JSON, or why it could not be read and the text that came. */
export type ReplyBody = { raw: unknown } | { cut: string; kind: 'network' | 'bad_response'; partial: string };

/**
 * Reads the body of a 2xx reply the SDK handed over unread (`.asResponse()`: the SDK has already
 * thrown its APIError for any other status). A body cut mid-way (the connection dropped) or not
 * JSON comes back as `cut` with the text received: the request was answered 2xx, so the provider
 * may have billed it, and the caller records the try as billed with unknown tokens, as a cut stream
 * is (atkO15 #4: such a try was retried as unbilled, its cost lost).
 * @throws `signal.reason` when `signal` aborted while reading
 */
export async function readReplyBody(res: Response, signal?: AbortSignal): Promise<ReplyBody> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    if (res.body) for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
    text += decoder.decode();
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    return { cut: e instanceof Error ? e.message : String(e), kind: 'network', partial: text };
  }
  try {
    return { raw: JSON.parse(text) };
  } catch (e) {
    return { cut: `malformed JSON: ${(e as Error).message}`, kind: 'bad_response', partial: text };
  }
}
