// Anthropic Messages client: one metered call per `chat()`, on the official `@anthropic-ai/sdk` with
// its retries off and fixbench's retry policy (call-loop.ts) instead.
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import type { ModelSpec } from '../config/models.ts';
import type { PriceRow } from '../config/prices.ts';
import { accumulateAnthropicStream, fromAnthropicMessage, toAnthropicRequest } from './anthropic-messages.ts';
import { callWithRetries, idleAbort, streamCutFailure, type TryFailure, type TryResult } from './call-loop.ts';
import { clientSettings, readReplyBody, replyPricing, sentOf, type ClientSettings, type HttpClientOptions, type Sent, type TryUnderWay } from './client-base.ts';
import { unknownUsageBound } from '../pricing/usage-bound.ts';
import { classifyFailure, sdkTransportFailure } from './retry.ts';
import type { CallRecord, ChatMessage, ChatOptions, ChatReply, ModelClient, ToolDef } from './types.ts';
import { normaliseAnthropicUsage } from './usage.ts';
import { redactSecrets } from '../core/redact.ts';
import { upstreamFetch } from '../core/upstream-fetch.ts';

/** Options of the client: the retry policy plus request and stream timeouts ({@link HttpClientOptions}). */
export type AnthropicClientOptions = HttpClientOptions;

/** `max_tokens` sent when `params` has none (the Messages API requires it), tokens. */
export const DEFAULT_MAX_TOKENS = 8192;
/** Sampling params the SDK's API version (2026-10-21) rejects; dropped from `params` before sending. */
export const REJECTED_PARAMS = ['temperature', 'top_p'] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * A `ModelClient` for `api: anthropic` models (Anthropic's API, or a gateway speaking it).
 *
 * Each `chat()` sends `{max_tokens: 8192, ...spec.params without temperature/top_p, model, system,
 * messages, tools?}` to `spec.base_url` + `/v1/messages` (the OpenAI-shaped messages are translated by
 * `toAnthropicRequest`), and returns the reply with a CallRecord: usage normalised by
 * `normaliseAnthropicUsage` (input excludes cache reads and writes), the raw usage, and `list_usd`
 * from the price row (null when the price or the usage is unknown). Anthropic reports no cost:
 * `billed_usd` is null.
 *
 * Retries as `callWithRetries`: 408, 409, 429, 5xx and 529 `overloaded_error`, network errors and cut
 * streams, honouring `retry-after-ms` / `retry-after`. Never retried: 401/403, 404, 402 and "credit
 * balance is too low", context overflow ("prompt is too long"), other 4xx.
 * The key goes to the SDK only and is redacted from every error message.
 */
export class AnthropicClient implements ModelClient {
  readonly id: string;
  readonly #cfg: ClientSettings;
  readonly #sdk: Anthropic;
  readonly #key: string;

  /**
   * @param spec the model's entry in models.yaml
   * @param apiKey the key read by the caller from `process.env[spec.api_key_env]`
   * @param price the model's price row (USD per million tokens), or null when unknown
   * @throws UserInputError when `apiKey` is empty (naming `spec.api_key_env`, never the key)
   */
  constructor(spec: ModelSpec, apiKey: string, price: PriceRow | null, opts: AnthropicClientOptions = {}) {
    this.#cfg = clientSettings(spec, apiKey, price, opts);
    this.id = spec.id;
    this.#key = apiKey;
    this.#sdk = new Anthropic({
      baseURL: spec.base_url,
      apiKey,
      authToken: null,
      maxRetries: 0,
      timeout: this.#cfg.requestTimeoutMs,
      fetch: upstreamFetch(this.#cfg.requestTimeoutMs), // undici's own timeouts never cut before `timeout`
      logLevel: 'off',
    });
  }

  /**
   * Sends one Messages request (retrying per the policy above).
   * @returns the text and tool calls, `finish_reason` in OpenAI terms (`stop`, `tool_calls`,
   *   `length`), and the CallRecord of every billed try (`ms` includes retries and back-off)
   * @throws ModelCallError after retries (kind, HTTP status, `call` when a failed try was billed);
   *   ModelCallError kind `aborted` (billed tries in `call`) when `opts.signal` aborts
   */
  async chat(messages: ChatMessage[], opts: { tools?: ToolDef[]; signal?: AbortSignal; billedTry?: ChatOptions['billedTry'] } = {}): Promise<ChatReply> {
    const params: Record<string, unknown> = { max_tokens: DEFAULT_MAX_TOKENS, ...this.#cfg.spec.params };
    for (const p of REJECTED_PARAMS) delete params[p];
    const body = { ...params, model: this.#cfg.spec.model, ...toAnthropicRequest(messages, opts.tools) };
    // the try under way: a transport failure that may follow its sending is billed at its bound
    const cur: TryUnderWay = { sent: body, t0: 0 };
    const tryOnce = this.#cfg.spec.stream ? () => this.#tryStream(body, opts.signal, cur) : () => this.#tryPlain(body, opts.signal, cur);
    const bound = () => this.#callRecord(undefined, Math.round(performance.now() - cur.t0), undefined, sentOf(cur.sent, () => ''));
    const { reply, call } = await callWithRetries(this.id, tryOnce, (e) => this.#fromSdkError(e, bound), this.#cfg.retry, opts.signal, opts.billedTry);
    return { ...reply, call };
  }

  async #tryPlain(body: Record<string, unknown>, signal: AbortSignal | undefined, cur: TryUnderWay): Promise<TryResult<Omit<ChatReply, 'call'>>> {
    const t0 = (cur.t0 = performance.now());
    const sent = (cur.sent = { ...body, stream: false });
    const res = await this.#sdk.messages.create(sent as unknown as Anthropic.MessageCreateParamsNonStreaming, { signal }).asResponse();
    const got = await readReplyBody(res, signal);
    const ms = Math.round(performance.now() - t0);
    if ('cut' in got) {
      // answered 2xx, so possibly billed: counted with unknown tokens and retried, as a cut stream
      const message = `the ${res.status} reply's body could not be read (${redactSecrets(got.cut, [this.#key])}); tokens unknown`;
      return { failure: { kind: got.kind, retry: true, status: res.status, message, call: this.#callRecord(undefined, ms, undefined, sentOf(sent, () => got.partial)) } };
    }
    return this.#parseReply(got.raw, ms, sentOf(sent, () => got.raw));
  }

  /** One streamed try; a cut or silent stream is a retryable failure billed with unknown tokens. */
  async #tryStream(body: Record<string, unknown>, signal: AbortSignal | undefined, cur: TryUnderWay): Promise<TryResult<Omit<ChatReply, 'call'>>> {
    const t0 = (cur.t0 = performance.now());
    const idle = idleAbort(signal, this.#cfg.streamIdleMs);
    try {
      let stream: AsyncIterable<unknown>;
      const params = (cur.sent = { ...body, stream: true });
      try {
        stream = await this.#sdk.messages.create(params as unknown as Anthropic.MessageCreateParamsStreaming, { signal: idle.signal });
      } catch (e) {
        if (idle.timedOut) throw new Error(`no response headers within ${this.#cfg.streamIdleMs} ms`);
        throw e;
      }
      const acc = accumulateAnthropicStream();
      const sent = sentOf(params, () => acc.body());
      let cut: string | null = null;
      try {
        for await (const ev of stream) {
          idle.touch();
          if (isRecord(ev) && ev.type === 'error') {
            const err = isRecord(ev.error) ? ev.error : {};
            const message = redactSecrets(str(err.message) ?? 'error event', [this.#key]);
            const cls = classifyFailure(str(err.type) === 'overloaded_error' ? 529 : 500, null, str(err.type), message);
            return { failure: { ...cls, status: null, message: `error event in the stream: ${message}`, call: this.#callRecord(undefined, Math.round(performance.now() - t0), undefined, sent) } };
          }
          acc.add(ev);
        }
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        cut = redactSecrets(e instanceof Error ? e.message : String(e), [this.#key]);
      }
      const failure = streamCutFailure({
        signal, idle, idleMs: this.#cfg.streamIdleMs, readError: cut, complete: acc.complete,
        incomplete: 'the stream ended before message_stop',
        call: () => this.#callRecord(undefined, Math.round(performance.now() - t0), acc.body().model, sent),
      });
      if (failure) return { failure };
      return this.#parseReply(acc.body(), Math.round(performance.now() - t0), sent);
    } finally {
      idle.dispose();
    }
  }

  #fromSdkError(e: unknown, bound: () => CallRecord): TryFailure {
    const message = redactSecrets(e instanceof Error ? e.message : String(e), [this.#key]);
    if (e instanceof APIError && typeof e.status === 'number') {
      const body = isRecord(e.error) ? e.error : {};
      const inner = isRecord(body.error) ? body.error : body;
      const cls = classifyFailure(e.status, null, str(inner.type), message);
      return { ...cls, status: e.status, message, headers: e.headers, call: null };
    }
    return sdkTransportFailure(e, message, this.#sdk.baseURL, bound);
  }

  #parseReply(raw: unknown, ms: number, sent: Sent): TryResult<Omit<ChatReply, 'call'>> {
    const body = isRecord(raw) ? raw : {};
    const call = this.#callRecord(body.usage, ms, body.model, sent);
    const msg = fromAnthropicMessage(body);
    if (!msg) {
      return { failure: { kind: 'bad_response', retry: false, status: 200, message: 'reply has no content array', call } }; // a 2xx answer: billed, its tokens unknown without usage (atkP15 #3)
    }
    return { reply: { message: { content: msg.content, tool_calls: msg.tool_calls }, finish_reason: msg.finish_reason }, call };
  }

  /** The CallRecord of one try; `list_usd` null when the price or the usage is unknown; a router entry's priced by `served` (`replyPricing`). */
  #callRecord(rawUsage: unknown, ms: number, served: unknown, sent: Sent): CallRecord {
    const n = normaliseAnthropicUsage(rawUsage);
    return {
      usage: n.usage,
      raw_usage: n.raw,
      ...replyPricing(this.#cfg, n.usage, n.missing, served, { bound: n.missing ? unknownUsageBound(sent.request, sent.received()) : undefined }),
      billed_usd: null,
      ms,
      ...(n.missing ? { usage_unknown: true } : {}),
    };
  }
}
