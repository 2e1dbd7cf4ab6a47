// fixbench's retry policy for provider calls: which failures are retried, how long to wait. Pure.
import { isContextOverflow } from '../core/context-overflow.ts';
import type { CallRecord, ModelErrorKind } from './types.ts';
import { neverSent } from '../core/upstream-fetch.ts';

/** How a failed HTTP exchange is treated. */
export interface FailureClass {
  kind: ModelErrorKind;
  /** Whether another try may succeed (rate limits, server faults, network errors). */
  retry: boolean;
}

const QUOTA_CODES = new Set(['insufficient_quota', 'insufficient_balance', 'billing_hard_limit_reached', 'payment_required']);
/** Anthropic reports an empty balance as a 400 `invalid_request_error` with this wording. */
const QUOTA_MESSAGE = /credit balance is too low|insufficient (balance|credit|funds)|exceeded your current quota/i;

/** One failed try, classified. */
export interface TryFailure extends FailureClass {
  /** HTTP status; null for a network error, a timeout or a cut stream. */
  status: number | null;
  message: string;
  headers?: { get(name: string): string | null };
  /** Set when the failed try was billed (a 2xx body we cannot use, a stream cut after it started). */
  call: CallRecord | null;
}

/**
 * Classifies a failed request by HTTP status (null for a network error or timeout), the error's
 * `code`/`type` fields and its message.
 * Never retried: 401/403 (`auth`), 404 (`not_found`), 402 or an `insufficient_quota` code even on a
 * 429 (`quota`), context-length errors (`context_exceeded`, recognised by code or message on any 4xx),
 * other 4xx (`bad_request`). Retried: network errors (`network`), 408/409 and 5xx including Anthropic's 529 overloaded (`server`), 429 (`rate_limit`).
 */
export function classifyFailure(status: number | null, code: string | null, type: string | null, message: string): FailureClass {
  if (status === null) return { kind: 'network', retry: true };
  const c = (code ?? '').toLowerCase();
  const t = (type ?? '').toLowerCase();
  if (status === 401 || status === 403) return { kind: 'auth', retry: false };
  if (status === 402 || QUOTA_CODES.has(c) || QUOTA_CODES.has(t)) return { kind: 'quota', retry: false };
  if (status >= 400 && status < 500 && QUOTA_MESSAGE.test(message)) return { kind: 'quota', retry: false };
  if (status >= 400 && status < 500 && isContextOverflow({ status, code, type, message })) {
    return { kind: 'context_exceeded', retry: false };
  }
  if (status === 404) return { kind: 'not_found', retry: false };
  if (status === 429) return { kind: 'rate_limit', retry: true };
  if (status === 408 || status === 409 || status >= 500) return { kind: 'server', retry: true };
  return { kind: 'bad_request', retry: false };
}

/**
 * Milliseconds a server asked us to wait, from `retry-after-ms` (ms) or `retry-after` (seconds, or
 * an HTTP date); null when neither header is present or parseable.
 */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, nowMs: number = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return null;
  if (Number.isFinite(Number(after))) return Math.max(0, Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

export interface BackoffOptions {
  /** Delay before the first retry, ms. */
  baseDelayMs: number;
  /** Longest delay, ms (a server's `retry-after` is clamped to it too). */
  maxDelayMs: number;
}

/**
 * Delay before retry number `retry` (1 = the first retry), ms: the server's `retry-after` when given
 * (clamped to `maxDelayMs`), else exponential back-off `baseDelayMs·2^(retry−1)` capped at
 * `maxDelayMs`, with jitter taking off up to a quarter. `random` returns a number in [0, 1).
 */
export function backoffDelayMs(retry: number, serverMs: number | null, o: BackoffOptions, random: () => number = Math.random): number {
  if (serverMs !== null) return Math.min(serverMs, o.maxDelayMs);
  const exp = Math.min(o.baseDelayMs * 2 ** Math.max(0, retry - 1), o.maxDelayMs);
  return Math.round(exp * (1 - 0.25 * random()));
}

/**
 * A failure without an HTTP status (connection refused or reset, timeout before any reply), as
 * either SDK throws it. A malformed body is `bad_response` (not billed) and a network fault
 * `network`; both are retried. A network fault is billed unless it proves no connection was made
 * (`neverSent`: refused, host not found …): a reset or a timeout may come after the provider got the
 * whole request, so its `call` is `bound()`, the try's record at its bound (unknown tokens, atkB16 #3).
 * A non-streamed 2xx reply whose body cannot be read is not this: the clients read it themselves
 * (client-base.ts `readReplyBody`) and count it as billed with unknown tokens. A network fault's
 * message names `baseUrl` (the model's `base_url`, without user info, query or fragment) and asks
 * whether the server is running, e.g. `Connection error. (http://127.0.0.1:11434/v1: is the server running?)`,
 * or, when the request may have been received, says that it is billed at its bound.
 */
export function sdkTransportFailure(e: unknown, message: string, baseUrl: string | undefined, bound: () => CallRecord): TryFailure {
  if (e instanceof SyntaxError) return { kind: 'bad_response', retry: true, status: 200, message: `malformed JSON in the reply: ${message}`, call: null };
  const cls = classifyFailure(null, null, null, message);
  const unsent = neverSent(e);
  const where = !unsent ? ' (the request may have reached the provider: billed at its bound)' : cls.kind === 'network' && baseUrl ? ` (${shownUrl(baseUrl)}: is the server running?)` : '';
  return { ...cls, status: null, message: `${message}${where}`, call: unsent ? null : bound() };
}

/** `url` without user info, query or fragment (they may hold a secret); as given when it does not parse. */
function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url.replace(/[?#].*$/s, '');
  }
}
