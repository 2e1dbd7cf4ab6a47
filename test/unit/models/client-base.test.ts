// The constructor checks shared by the HTTP model clients (client-base.ts): key check and defaults.
import { describe, expect, it } from 'vitest';
import { ModelSpec } from '../../../src/config/models.ts';
import { UserInputError } from '../../../src/core/errors.ts';
import { AnthropicClient } from '../../../src/models/anthropic.ts';
import { clientSettings } from '../../../src/models/client-base.ts';
import { OpenAIChatClient } from '../../../src/models/openai-chat.ts';

const spec = (api: 'openai' | 'anthropic') =>
  ModelSpec.parse({
    id: `fake-${api}`,
    provider: api === 'anthropic' ? 'anthropic' : 'openai',
    api,
    base_url: 'http://127.0.0.1:9/v1',
    api_key_env: 'FAKE_KEY_ENV',
    model: 'fake-model',
    vendor: 'Fake',
    region: 'US',
  });

describe('clientSettings', () => {
  it('applies the default timeouts and keeps the retry options, never the key', () => {
    const s = spec('openai');
    const retry = { maxTries: 2 };
    const cfg = clientSettings(s, 'sk-SECRET', null, retry);
    expect(cfg).toEqual({ spec: s, price: null, retry, requestTimeoutMs: 600_000, streamIdleMs: 120_000, servedPricer: null, ceiling: null });
    expect(JSON.stringify(cfg)).not.toContain('sk-SECRET');
    expect(clientSettings(s, 'k', null, { requestTimeoutMs: 5, streamIdleMs: 7 })).toMatchObject({ requestTimeoutMs: 5, streamIdleMs: 7 });
  });

  it('refuses an empty key in both clients, naming the env variable', () => {
    for (const make of [() => new OpenAIChatClient(spec('openai'), '', null), () => new AnthropicClient(spec('anthropic'), '', null)]) {
      expect(make).toThrow(UserInputError);
      expect(make).toThrow(/no API key; set FAKE_KEY_ENV/);
    }
  });
});

describe('sentOf', () => {
  it('serialises the request only when its text is read, once', async () => {
    const { sentOf } = await import('../../../src/models/client-base.ts');
    let serialised = 0;
    const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }], toJSON: () => (serialised++, { model: 'm' }) };
    const sent = sentOf(body, () => ({ ok: true }));
    expect(serialised).toBe(0);
    expect(sent.request).toBe('{"model":"m"}');
    expect(sent.request).toBe('{"model":"m"}');
    expect(serialised).toBe(1);
    expect(sent.received()).toBe(Buffer.byteLength('{"ok":true}'));
  });
});
