// A usage object with an output count but no input count (`completion_tokens` alone, Anthropic's
// `output_tokens` alone) is unknown usage: the call is billed at its bound, never with its input
// priced at 0. Through the real SDKs against the fake provider on 127.0.0.1, plain and streamed.
import { afterEach, describe, expect, it } from 'vitest';
import { ModelSpec } from '../../../src/config/models.ts';
import type { PriceRow } from '../../../src/config/prices.ts';
import { AnthropicClient } from '../../../src/models/anthropic.ts';
import { OpenAIChatClient } from '../../../src/models/openai-chat.ts';
import { normaliseUsage } from '../../../src/models/usage.ts';
import { startFakeProvider, textReply, type FakeProvider } from '../../helpers/fake-provider.ts';

const price: PriceRow = { input: '2', output: '8' };
const ceiling: PriceRow = { input: '10', output: '40' };
const user = [{ role: 'user' as const, content: 'hi' }];

let server: FakeProvider | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const spec = (api: 'openai' | 'anthropic', stream: boolean) =>
  ModelSpec.parse({
    id: 'fake-m', provider: 'fake', api, base_url: api === 'openai' ? server!.baseURL : server!.rootURL, api_key_env: 'FAKE_KEY',
    model: 'vendor/fake', vendor: 'fake', region: 'US', params: { max_tokens: 500 }, ...(stream ? { stream: true } : {}),
  });
const client = (api: 'openai' | 'anthropic', stream: boolean) => {
  const opts = { sleep: async () => {}, random: () => 0, ceiling };
  return api === 'openai' ? new OpenAIChatClient(spec(api, stream), 'sk-fake-0123456789', price, opts) : new AnthropicClient(spec(api, stream), 'sk-fake-0123456789', price, opts);
};

describe('usage without an input count', () => {
  for (const [api, usage] of [['openai', { completion_tokens: 10, total_tokens: 10 }], ['anthropic', { output_tokens: 10 }]] as const) {
    for (const stream of [false, true]) {
      it(`${api}${stream ? ', streamed' : ''}: ${JSON.stringify(usage)} is an unknown-cost call at its bound`, async () => {
        server = await startFakeProvider([textReply('ok', { usage })]);
        const reply = await client(api, stream).chat(user);
        expect(reply.call).toMatchObject({ usage_unknown: true, list_usd: null, cap_bound: true });
        // the bound: the request's bytes as prompt tokens, max_tokens as output (not 10 output tokens and no input)
        expect(reply.call.cap_usd).toBeGreaterThan(500 * 8e-6);
      });
    }
    it(`${api}: with its input count the same reply is priced`, async () => {
      server = await startFakeProvider([textReply('ok', { usage: api === 'openai' ? { ...usage, prompt_tokens: 100 } : { ...usage, input_tokens: 100 } })]);
      const reply = await client(api, false).chat(user);
      expect(reply.call.usage_unknown).toBeUndefined();
      expect(reply.call.list_usd).toBeCloseTo((100 * 2 + 10 * 8) / 1e6, 12);
    });
  }
  it('DeepSeek: both cache halves are an input count without prompt_tokens; one half is not', () => {
    expect(normaliseUsage({ completion_tokens: 5, prompt_cache_hit_tokens: 30, prompt_cache_miss_tokens: 70 })).toMatchObject({ missing: false, usage: { input_uncached: 70, cache_read: 30, output: 5 } });
    expect(normaliseUsage({ completion_tokens: 5, prompt_cache_hit_tokens: 30 })).toMatchObject({ missing: true });
  });
});
