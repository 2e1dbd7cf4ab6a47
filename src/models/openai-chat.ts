// OpenAI-compatible Chat Completions client (OpenAI, OpenRouter, DeepSeek, …): one metered call per
// `chat()`, with fixbench's own retry policy (the SDK's retries are off).
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { ModelSpec } from '../config/models.ts';
import type { PriceRow } from '../config/prices.ts';
import { classifyFailure, sdkTransportFailure } from './retry.ts';
import { callWithRetries, idleAbort, streamCutFailure, type TryFailure, type TryResult } from './call-loop.ts';
import { clientSettings, readReplyBody, replyPricing, sentOf, type ClientSettings, type HttpClientOptions, type Sent, type TryUnderWay } from './client-base.ts';
import { unknownUsageBound } from '../pricing/usage-bound.ts';
import { accumulateChatStream } from './openai-stream.ts';
import type { CallRecord, ChatMessage, ChatOptions, ChatReply, ModelClient, ToolCall, ToolDef } from './types.ts';
import { normaliseUsage } from './usage.ts';
import { redactSecrets } from '../core/redact.ts';
import { upstreamFetch } from '../core/upstream-fetch.ts';

/** Options of the client: the retry policy plus request and stream timeouts ({@link HttpClientOptions}). */
export type OpenAIChatClientOptions = HttpClientOptions;


const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/**
 * A `ModelClient` for `api: openai` models, built on the official `openai` SDK.
 *
 * Each `chat()` sends `{...spec.params, model: spec.model, messages, tools?}` (non-streaming) to
 * `spec.base_url` and returns the reply with a `CallRecord`: normalised usage (tokens), the raw
 * usage, `list_usd` from the price row (null when the price, or the usage, is unknown) and
 * `billed_usd` when the provider reports a cost (OpenRouter `usage.cost`).
 *
 * Retries: up to `maxTries` tries with exponential back-off and jitter, honouring `retry-after-ms`
 * / `retry-after`, on 408, 409, 429, 5xx and network errors. Never retried: 401/403, 404, 402 or
 * `insufficient_quota`, context-length errors, other 4xx, and a 2xx reply that cannot be used.
 * A failed try with an error status and no usable body, or whose connection was never made, is not
 * billed; any other transport failure (timeout, socket dropped after sending) is billed at its bound.
 *
 * The API key goes to the SDK only: it is not kept on this object and is redacted from every error
 * message.
 */
export class OpenAIChatClient implements ModelClient {
  readonly id: string;
  readonly #cfg: ClientSettings;
  readonly #sdk: OpenAI;

  /**
   * @param spec the model's entry in models.yaml (`base_url`, `model`, `params`, …)
   * @param apiKey the key read by the caller from `process.env[spec.api_key_env]`
   * @param price the model's price row (USD per million tokens), or null when unknown
   * @throws UserInputError when `apiKey` is empty (naming `spec.api_key_env`, never the key)
   */
  constructor(spec: ModelSpec, apiKey: string, price: PriceRow | null, opts: OpenAIChatClientOptions = {}) {
    this.#cfg = clientSettings(spec, apiKey, price, opts);
    this.id = spec.id;
    this.#sdk = new OpenAI({
      baseURL: spec.base_url,
      apiKey,
      maxRetries: 0,
      timeout: this.#cfg.requestTimeoutMs,
      fetch: upstreamFetch(this.#cfg.requestTimeoutMs), // undici's own timeouts never cut before `timeout`
      // Never pick these up from the environment: they would be sent to a non-OpenAI provider.
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      logLevel: 'off',
    });
  }

  /**
   * Sends one Chat Completions request (retrying per the policy above).
   * @returns the first choice's message, its `finish_reason`, and the call's CallRecord
   *   (`ms` = wall time of the whole call, retries and back-off included).
   * @throws ModelCallError (kind, HTTP status, and `call` when the failed reply was billed) when
   *   the provider fails for good; ModelCallError kind `aborted` (billed tries in `call`) when `opts.signal` aborts.
   */
  async chat(messages: ChatMessage[], opts: { tools?: ToolDef[]; signal?: AbortSignal; billedTry?: ChatOptions['billedTry'] } = {}): Promise<ChatReply> {
    const body = {
      ...this.#cfg.spec.params,
      model: this.#cfg.spec.model,
      messages,
      ...(opts.tools?.length ? { tools: opts.tools } : {}),
    };
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
    const res = await this.#sdk.chat.completions.create(sent as unknown as ChatCompletionCreateParamsNonStreaming, { signal }).asResponse();
    const got = await readReplyBody(res, signal);
    const ms = Math.round(performance.now() - t0);
    if ('cut' in got) {
      // answered 2xx, so possibly billed: counted with unknown tokens and retried, as a cut stream
      const message = `the ${res.status} reply's body could not be read (${redactSecrets(got.cut, [this.#sdk.apiKey])}); tokens unknown`;
      return { failure: { kind: got.kind, retry: true, status: res.status, message, call: this.#callRecord(undefined, ms, undefined, sentOf(sent, () => got.partial)) } };
    }
    return this.#parseReply(got.raw, ms, sentOf(sent, () => got.raw));
  }

  /**
   * One streamed try (`stream: true`, `stream_options.include_usage`): the usage comes in the last
   * chunk. A stream that breaks or falls silent for `streamIdleMs` is a retryable failure whose call
   * was billed with unknown tokens (`usage_unknown`, `list_usd` null); a stream that ends without a
   * usage chunk gives a reply whose usage is unknown.
   */
  async #tryStream(body: Record<string, unknown>, signal: AbortSignal | undefined, cur: TryUnderWay): Promise<TryResult<Omit<ChatReply, 'call'>>> {
    const t0 = (cur.t0 = performance.now());
    const idle = idleAbort(signal, this.#cfg.streamIdleMs);
    try {
      const params = (cur.sent = { ...body, stream: true, stream_options: { include_usage: true } }) as unknown as ChatCompletionCreateParamsStreaming;
      let stream: AsyncIterable<ChatCompletionChunk>;
      try {
        stream = await this.#sdk.chat.completions.create(params, { signal: idle.signal });
      } catch (e) {
        if (idle.timedOut) throw new Error(`no response headers within ${this.#cfg.streamIdleMs} ms`);
        throw e;
      }
      const acc = accumulateChatStream();
      const sent = sentOf(params, () => acc.body());
      let cut: string | null = null;
      try {
        for await (const chunk of stream) {
          idle.touch();
          acc.add(chunk);
        }
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        cut = redactSecrets(e instanceof Error ? e.message : String(e), [this.#sdk.apiKey]);
      }
      const failure = streamCutFailure({
        signal, idle, idleMs: this.#cfg.streamIdleMs, readError: cut, complete: acc.finished || isRecord(acc.body().error),
        incomplete: 'the stream ended before a finish_reason',
        call: () => this.#callRecord(undefined, Math.round(performance.now() - t0), acc.body().model, sent),
      });
      if (failure) return { failure };
      return this.#parseReply(acc.body(), Math.round(performance.now() - t0), sent);
    } finally {
      idle.dispose();
    }
  }

  /** Classifies an error thrown by the SDK; the message is redacted of the key. */
  #fromSdkError(e: unknown, bound: () => CallRecord): TryFailure {
    const message = redactSecrets(e instanceof Error ? e.message : String(e), [this.#sdk.apiKey]);
    if (e instanceof APIError && typeof e.status === 'number') {
      const errBody = isRecord(e.error) ? e.error : {};
      const cls = classifyFailure(e.status, str(e.code) ?? str(errBody.code), str(e.type) ?? str(errBody.type), message);
      return { ...cls, status: e.status, message, headers: e.headers, call: null };
    }
    return sdkTransportFailure(e, message, this.#sdk.baseURL, bound);
  }

  /**
   * Turns a 2xx body into a reply, or a failure when it carries an error or no usable choice. Either
   * way the try was answered 2xx, so it may have been billed: its call is recorded, with unknown
   * tokens (`usage_unknown`, cost at its bound) when the body has no usage (atkP15 #3).
   */
  #parseReply(raw: unknown, ms: number, sent: Sent): TryResult<Omit<ChatReply, 'call'>> {
    const body = isRecord(raw) ? raw : {};
    const call = this.#callRecord(body.usage, ms, body.model, sent);

    // Some gateways (OpenRouter) report upstream failures as a 2xx body `{error: {code, message}}`.
    if (isRecord(body.error)) {
      const err = body.error;
      const message = redactSecrets(str(err.message) ?? JSON.stringify(err), [this.#sdk.apiKey]);
      const status = typeof err.code === 'number' ? err.code : 502;
      const cls = classifyFailure(status, str(err.code), str(err.type), message);
      return { failure: { ...cls, status, message: `provider error in a 2xx reply: ${message}`, call } };
    }
    const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
    const msg = isRecord(choice) && isRecord(choice.message) ? choice.message : null;
    if (!msg) {
      return {
        failure: { kind: 'bad_response', retry: false, status: 200, message: 'reply has no choices[0].message', call },
      };
    }
    const toolCalls: ToolCall[] = [];
    if (Array.isArray(msg.tool_calls)) {
      msg.tool_calls.forEach((tc, i) => {
        if (!isRecord(tc)) return;
        const fn = isRecord(tc.function) ? tc.function : {};
        toolCalls.push({
          id: str(tc.id) ?? `call_${i}`,
          type: 'function',
          function: { name: str(fn.name) ?? '', arguments: typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {}) },
        });
      });
    }
    const content = typeof msg.content === 'string' ? msg.content : null;
    const finish = isRecord(choice) ? str(choice.finish_reason) : null;
    return { reply: { message: { content, tool_calls: toolCalls }, finish_reason: finish }, call };
  }

  /**
   * The CallRecord of one reply. `list_usd` is null when the price is unknown, and also when the reply
   * had no usage object (its tokens, so its cost, are unknown: never counted as 0). A router entry's
   * call is priced by `served`, the model the reply names (`replyPricing`).
   */
  #callRecord(rawUsage: unknown, ms: number, served: unknown, sent: Sent): CallRecord {
    const n = normaliseUsage(rawUsage);
    return {
      usage: n.usage,
      raw_usage: n.raw,
      ...replyPricing(this.#cfg, n.usage, n.missing, served, { bound: n.missing ? unknownUsageBound(sent.request, sent.received()) : undefined, billed: n.billed_usd }),
      billed_usd: n.billed_usd,
      ms,
      ...(n.missing ? { usage_unknown: true } : {}),
    };
  }
}
