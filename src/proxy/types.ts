// The metering proxy's public shapes: where calls go, its options, one metered call, the handle.
import type { PriceRow } from '../config/prices.ts';
import type { CallRecord } from '../models/types.ts';
import type { Dialect } from './usage.ts';
import type { ServedPricer } from '../pricing/served.ts';

/** Where calls go: the provider's base URL and real key, in its dialect. */
export interface ProxyUpstream {
  /** `openai` for OpenAI-compatible APIs (`ModelSpec.api: openai`), `anthropic` for the Messages API. */
  dialect: Dialect;
  /** e.g. `https://openrouter.ai/api/v1` (OpenAI) or `https://api.anthropic.com` (Anthropic; a trailing `/v1` is accepted). */
  baseURL: string;
  /** The real API key: sent upstream only, never to the client, a log or a record. */
  apiKey: string;
  /** Upstream model name; requests' `model` is rewritten to it unless `rewriteModel` is false. */
  model: string;
}

export interface MeteringProxyOptions {
  upstream: ProxyUpstream;
  /** Price row (USD per million tokens) for `list_usd`; null = unknown (the cap then cannot apply). */
  price: PriceRow | null;
  /** A router entry (`router: true`): each call priced by the model its reply names, instead of `price` (src/pricing/served.ts). */
  servedPricer?: ServedPricer;
  /** The sheet's ceiling row: a call of unknown cost counts against `capUsd` at it (`cap_usd`; src/pricing/ceiling.ts). */
  ceiling?: PriceRow | null;
  /** The attempt's USD cap at list price; null = none. Calls starting once it is reached are refused (HTTP 402). */
  capUsd: number | null;
  /**
   * Extra refusal check before each call (e.g. the run-wide budget): a message refuses the call
   * (HTTP 402), null lets it through.
   */
  refuse?: () => string | null;
  /** Called with each recorded call (e.g. to count it against the run budget), and the id `pending` gave it. */
  onCall?: (call: ProxyCall, callId?: string) => void;
  /**
   * Before each billed request is forwarded (after the cap checks): writes its pending ledger line
   * from the body as sent (the request waits for it) and returns its call id; `onCall` or `unbilled`
   * settles it. A rejection fails the request (HTTP 500) and nothing is sent.
   */
  pending?: (request: Buffer) => Promise<string>;
  /** Settles a pending call whose connection failed before anything reached the provider. */
  unbilled?: (callId: string) => void;
  /** Rewrite each request's `model` to `upstream.model` (default true): every call is priced as the configured model. */
  rewriteModel?: boolean;
  /** Largest request body accepted, bytes (default 32 MiB; larger gets 413). */
  maxRequestBytes?: number;
  /** Largest non-streamed reply body read for usage, bytes (default 64 MiB; a larger one gets 502). */
  maxResponseBytes?: number;
  /** Timeout of one upstream exchange, ms (default 600 000). */
  upstreamTimeoutMs?: number;
  /**
   * Also serve on this Unix socket path (created; removed by `close()`), for agents in a sandbox
   * without network (see `src/proxy/socket.ts`). Default: loopback TCP only.
   */
  socketPath?: string;
}

/** One metered call: a CallRecord plus what the proxy saw of the request. */
export interface ProxyCall extends CallRecord {
  /** Request path as the client sent it, e.g. `/v1/chat/completions`. */
  path: string;
  /** HTTP status of the upstream reply. */
  status: number;
  stream: boolean;
  /** The `model` the client asked for (before any rewrite), null when none. */
  requested_model: string | null;
  /** True when the request offered tools (an agent's working call; see `markSideCalls`). */
  offered_tools: boolean;
}

export interface MeteringProxy {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The loopback TCP port (`origin`'s). */
  port: number;
  /** The Unix socket also served (`MeteringProxyOptions.socketPath`), or null. */
  socketPath: string | null;
  /** Base URL for OpenAI SDKs (`OPENAI_BASE_URL`): `<origin>/v1`. */
  openaiBaseURL: string;
  /** Base URL for Anthropic SDKs (`ANTHROPIC_BASE_URL`): `<origin>`. */
  anthropicBaseURL: string;
  /** The per-attempt bearer token the client must send (as `Authorization: Bearer` or `x-api-key`). */
  token: string;
  /** Calls recorded so far, in completion order. */
  readonly calls: ProxyCall[];
  /** List-price USD of the recorded calls (unknown costs count 0). */
  spentUsd(): number;
  /** Calls refused by the cap or `refuse`, and the last refusal's message. */
  readonly refusals: { count: number; last: string | null };
  /** Upstream failures without usage (network errors, non-2xx replies), with the last message. */
  readonly upstreamErrors: { count: number; last: string | null };
  /**
   * Stops listening, drops open connections, and resolves once every request handler has finished:
   * a call sent upstream and unanswered at the close is in `calls` at its bound; one not yet sent
   * (queued behind the cap's turn, or its pending ledger line still being written) is never sent and
   * never recorded (its pending line, if written, settled by `unbilled`). Safe to call twice.
   */
  close(): Promise<void>;
}
