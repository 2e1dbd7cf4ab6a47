import { describe, expect, it } from 'vitest';
import { isContextOverflow } from '../../../src/core/context-overflow.ts';
import { exitOf } from '../../../src/agents/command.ts';

describe('isContextOverflow', () => {
  it('recognises the providers\' codes and types on a 4xx', () => {
    expect(isContextOverflow({ status: 400, code: 'context_length_exceeded', message: 'x' })).toBe(true);
    expect(isContextOverflow({ status: 400, type: 'CONTEXT_WINDOW_EXCEEDED', message: 'x' })).toBe(true);
    expect(isContextOverflow({ status: 413, code: 'string_above_max_length', message: 'x' })).toBe(true);
  });

  it('recognises the wordings of providers that give no code', () => {
    for (const message of [
      'prompt is too long: 210000 tokens > 200000 maximum',
      "This model's maximum context length is 8192 tokens",
      'Input is too long for requested model',
      'too many input tokens',
      'Please reduce the length of the messages',
    ]) {
      expect(isContextOverflow({ status: 400, message }), message).toBe(true);
    }
  });

  it('counts an unknown status (a stream error event, a proxy error line) by its message', () => {
    expect(isContextOverflow({ status: null, message: 'HTTP ? prompt is too long' })).toBe(true);
    expect(isContextOverflow({ status: null, message: 'connection reset' })).toBe(false);
  });

  it('never counts a 5xx, a 2xx or another 4xx as an overflow', () => {
    expect(isContextOverflow({ status: 500, code: 'context_length_exceeded', message: 'prompt is too long' })).toBe(false);
    expect(isContextOverflow({ status: 200, message: 'maximum context' })).toBe(false);
    expect(isContextOverflow({ status: 400, code: 'invalid_request_error', message: 'messages: field required' })).toBe(false);
    expect(isContextOverflow({ status: 429, message: 'rate limit: too many requests' })).toBe(false);
  });
});

describe('the command agent uses the same rule on the proxy\'s last upstream error', () => {
  const run = { exitCode: 1, timedOut: false, output: 'agent failed' };
  const proxy = (last: string) => ({ refusals: { count: 0, last: null }, upstreamErrors: { count: 1, last } });
  it('a 400 saying the prompt is too long is context_exceeded; a 503 saying "too many tokens" is an api_error', () => {
    expect(exitOf(run, proxy('HTTP 400 from https://up.invalid/v1/messages: prompt is too long'), 1000).exit).toBe('context_exceeded');
    expect(exitOf(run, proxy('HTTP 503 from https://up.invalid/chat/completions: too many tokens in flight'), 1000).exit).toBe('api_error');
  });
});
