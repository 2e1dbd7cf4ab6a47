import { describe, expect, it } from 'vitest';
import { backoffDelayMs, classifyFailure, retryAfterMs, sdkTransportFailure } from '../../../src/models/retry.ts';

const headers = (h: Record<string, string>) => new Headers(h);

describe('classifyFailure', () => {
  it.each([
    [null, null, null, 'fetch failed', 'network', true],
    [408, null, null, 'timeout', 'server', true],
    [409, null, null, 'conflict', 'server', true],
    [429, 'rate_limit_exceeded', null, 'slow down', 'rate_limit', true],
    [500, null, null, 'oops', 'server', true],
    [529, null, null, 'overloaded', 'server', true],
    [401, 'invalid_api_key', null, 'bad key', 'auth', false],
    [403, null, null, 'forbidden', 'auth', false],
    [404, 'model_not_found', null, 'no such model', 'not_found', false],
    [402, null, null, 'pay up', 'quota', false],
    [429, 'insufficient_quota', 'insufficient_quota', 'quota', 'quota', false],
    [400, 'context_length_exceeded', null, 'too long', 'context_exceeded', false],
    [400, null, null, 'prompt is too long: 210000 tokens > 200000 maximum', 'context_exceeded', false],
    [413, null, null, 'maximum context length exceeded', 'context_exceeded', false],
    [400, 'invalid_value', null, 'bad temperature', 'bad_request', false],
    [422, null, null, 'unprocessable', 'bad_request', false],
  ] as const)('status %s code %s → %s (retry %s)', (status, code, type, message, kind, retry) => {
    expect(classifyFailure(status, code, type, message)).toEqual({ kind, retry });
  });
});

describe('retryAfterMs', () => {
  it('reads retry-after-ms first, then retry-after seconds, then an HTTP date', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '3' }))).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after': '1.5' }))).toBe(1500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now)).toBe(7000);
    expect(retryAfterMs(headers({}))).toBeNull();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }))).toBeNull();
    expect(retryAfterMs(undefined)).toBeNull();
  });
});

describe('backoffDelayMs', () => {
  const o = { baseDelayMs: 100, maxDelayMs: 1000 };
  it('doubles per retry up to the cap, with up to a quarter of jitter taken off', () => {
    expect([1, 2, 3, 4, 5].map((r) => backoffDelayMs(r, null, o, () => 0))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelayMs(1, null, o, () => 0.999)).toBe(75);
  });
  it('uses the server delay, clamped to the cap', () => {
    expect(backoffDelayMs(1, 300, o)).toBe(300);
    expect(backoffDelayMs(1, 90_000, o)).toBe(1000);
  });
});

describe('sdkTransportFailure', () => {
  const refused = Object.assign(new Error('Connection error.'), { cause: Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }) });
  const bound = { usage: { input_uncached: 0, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 0, reasoning: 0 }, raw_usage: null, list_usd: null, billed_usd: null, ms: 1, usage_unknown: true, cap_usd: 0.5, cap_bound: true as const };
  it('names the base URL of a connection that was never made, never its user info or query, and asks whether the server runs; not billed', () => {
    const f = sdkTransportFailure(refused, 'Connection error.', 'http://me:pw@127.0.0.1:11434/v1?token=t', () => bound);
    expect(f).toMatchObject({ kind: 'network', retry: true, status: null, call: null });
    expect(f.message).toBe('Connection error. (http://127.0.0.1:11434/v1: is the server running?)');
    expect(sdkTransportFailure(new SyntaxError('x'), 'x', 'http://h/v1', () => bound).message).toBe('malformed JSON in the reply: x'); // not a network fault: no hint
  });
  it('a failure that does not prove the request unsent (reset, timeout) is billed at the try\'s bound (atkB16 #3)', () => {
    const reset = Object.assign(new Error('Connection error.'), { cause: Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }) });
    for (const e of [reset, new Error('Request timed out.')]) {
      const f = sdkTransportFailure(e, e.message, 'http://h/v1', () => bound);
      expect(f).toMatchObject({ kind: 'network', retry: true, status: null, call: bound });
      expect(f.message).toContain('billed at its bound');
    }
  });
});
