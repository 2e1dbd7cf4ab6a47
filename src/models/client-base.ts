// Constructor boilerplate shared by the HTTP model clients (openai-chat.ts, anthropic.ts): the
// API-key check and the settings each client keeps. Pure.
import type { ModelSpec } from '../config/models.ts';
import type { PriceRow } from '../config/prices.ts';
import { UserInputError } from '../core/errors.ts';
import type { RetryOptions } from './call-loop.ts';

/** Options of an HTTP model client: the retry policy (call-loop.ts) plus its timeouts. */
export interface HttpClientOptions extends RetryOptions {
  /** Timeout of one HTTP request until its response starts, ms (default 600 000). A timeout is a network error and is retried. */
  requestTimeoutMs?: number;
  /** With `stream: true`: longest silence inside a stream, ms (default 120 000); then the try is a cut stream (retried). */
  streamIdleMs?: number;
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
  };
}
