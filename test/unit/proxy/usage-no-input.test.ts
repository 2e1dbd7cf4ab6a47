// Through the metering proxy: an upstream usage object with an output count but no input count
// (`completion_tokens` alone, Anthropic's `output_tokens` alone, Responses' `output_tokens` alone)
// is an unknown-cost call counted at its bound, never a call whose input costs 0. The agent side is
// the real SDK; the upstream the loopback fake provider, plain and streamed.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startMeteringProxy, type MeteringProxy } from '../../../src/proxy/server.ts';
import { normaliseOpenAIUsage } from '../../../src/proxy/usage.ts';
import { startFakeProvider, textReply, type FakeProvider } from '../../helpers/fake-provider.ts';

const row = { input: '2', output: '8' };
let server: FakeProvider | undefined;
let proxy: MeteringProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await server?.close();
  proxy = server = undefined;
});

async function send(dialect: 'openai' | 'anthropic', usage: Record<string, unknown>, stream: boolean) {
  server = await startFakeProvider([textReply('ok', { usage })]);
  proxy = await startMeteringProxy({ upstream: { dialect, baseURL: dialect === 'openai' ? server.baseURL : server.rootURL, apiKey: 'sk-up-0123456789', model: 'vendor/fake' }, price: row, ceiling: row, capUsd: null });
  if (dialect === 'openai') {
    const c = new OpenAI({ baseURL: proxy.openaiBaseURL, apiKey: proxy.token, maxRetries: 0 });
    const body = { model: 'm', max_tokens: 500, messages: [{ role: 'user' as const, content: 'hi' }] };
    if (stream) for await (const _ of await c.chat.completions.create({ ...body, stream: true }));
    else await c.chat.completions.create(body);
  } else {
    const c = new Anthropic({ baseURL: proxy.anthropicBaseURL, apiKey: proxy.token, maxRetries: 0 });
    const body = { model: 'm', max_tokens: 500, messages: [{ role: 'user' as const, content: 'hi' }] };
    if (stream) for await (const _ of await c.messages.create({ ...body, stream: true }));
    else await c.messages.create(body);
  }
  expect(proxy.calls).toHaveLength(1);
  return proxy.calls[0]!;
}

describe('metering proxy: usage without an input count', () => {
  for (const [dialect, usage] of [['openai', { completion_tokens: 10, total_tokens: 10 }], ['anthropic', { output_tokens: 10 }]] as const) {
    for (const stream of [false, true]) {
      it(`${dialect}${stream ? ', streamed' : ''}: ${JSON.stringify(usage)} is counted at its bound`, async () => {
        const call = await send(dialect, usage, stream);
        expect(call).toMatchObject({ list_usd: null, usage_unknown: true });
        expect(call.cap_usd).toBeGreaterThan(500 * 8e-6); // max_tokens at the output rate, and the request as input
        expect(proxy!.spentUsd()).toBeGreaterThan(500 * 8e-6);
      });
    }
    it(`${dialect}: with its input count the same reply is priced`, async () => {
      const call = await send(dialect, dialect === 'openai' ? { ...usage, prompt_tokens: 100 } : { ...usage, input_tokens: 100 }, false);
      expect(call.usage_unknown).toBeUndefined();
      expect(call.list_usd).toBeCloseTo((100 * 2 + 10 * 8) / 1e6, 12);
    });
  }
  it('Responses usage: output_tokens without input_tokens is unknown', () => {
    expect(normaliseOpenAIUsage({ output_tokens: 10 })).toBeNull();
    expect(normaliseOpenAIUsage({ input_tokens: 4, output_tokens: 10 })?.usage).toMatchObject({ input_uncached: 4, output: 10 });
  });
});
