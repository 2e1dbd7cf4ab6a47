// The metering proxy in front of a router endpoint (models.yaml `router: true`, an external agent's
// calls): each reply is priced by the model it names, plain and streamed, both dialects; a served
// model missing from the sheet is an unknown cost (null), never 0.
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startMeteringProxy, type MeteringProxy } from '../../../src/proxy/server.ts';
import { servedPricer } from '../../../src/pricing/served.ts';
import { anthropicStream, chatCompletion, chatStream, startFakeUpstream, type FakeUpstream, type UpstreamReply } from '../../helpers/fake-upstream.ts';

let upstream: FakeUpstream | undefined;
let proxy: MeteringProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  proxy = upstream = undefined;
});

// USD per million tokens
const pricer = servedPricer([], { models: { 'vendor/a': { input: '1.00', output: '2.00' }, 'vendor/b': { input: '10.00', output: '20.00' }, 'claude-up': { input: '3.00', output: '15.00' } } });
const USAGE = { prompt_tokens: 1000, completion_tokens: 100 };
const named = (model: string, body: Record<string, unknown>) => ({ ...body, model });

async function setup(script: UpstreamReply[], dialect: 'openai' | 'anthropic' = 'openai') {
  upstream = await startFakeUpstream(script);
  proxy = await startMeteringProxy({
    upstream: { dialect, baseURL: dialect === 'openai' ? upstream.openaiBaseURL : upstream.anthropicBaseURL, apiKey: 'sk-real-router-key-0123456789', model: 'router/auto' },
    price: null,
    servedPricer: pricer,
    capUsd: null,
  });
  return proxy;
}

describe('metering proxy: a router endpoint is priced per served model', () => {
  it('OpenAI dialect, plain and streamed: two served models at their own rows, an unknown one null', async () => {
    const p = await setup([
      { json: named('vendor/a', chatCompletion('one', USAGE)) },
      { sse: chatStream(['t', 'wo'], USAGE).map((c) => (typeof c === 'string' ? c : named('vendor/b', c))) },
      { json: named('mystery/x', chatCompletion('three', USAGE)) },
    ]);
    const client = new OpenAI({ baseURL: p.openaiBaseURL, apiKey: p.token, maxRetries: 0 });
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: '1' }] });
    for await (const _ of await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: '2' }], stream: true })) void _;
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: '3' }] });
    expect(upstream!.requests.map((r) => r.body.model)).toEqual(['router/auto', 'router/auto', 'router/auto']);
    expect(p.calls.map((c) => [c.served_model, c.price_key])).toEqual([['vendor/a', 'vendor/a'], ['vendor/b', 'vendor/b'], ['mystery/x', null]]);
    // (1 000·1 + 100·2) / 1e6 = 0.0012; (1 000·10 + 100·20) / 1e6 = 0.012
    expect(p.calls[0]!.list_usd).toBeCloseTo(0.0012, 12);
    expect(p.calls[1]!.list_usd).toBeCloseTo(0.012, 12);
    expect(p.calls[2]!.list_usd).toBeNull();
  });

  it('Anthropic dialect, streamed: the model named in message_start prices the call', async () => {
    const p = await setup([{ sse: anthropicStream('ok', { input_tokens: 1000, output_tokens: 1 }, { output_tokens: 100 }) }], 'anthropic');
    const r = await fetch(`${p.anthropicBaseURL}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': p.token, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'x', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await r.text();
    expect(p.calls[0]).toMatchObject({ served_model: 'claude-up', price_key: 'claude-up' });
    // (1 000·3 + 100·15) / 1e6 = 0.0045
    expect(p.calls[0]!.list_usd).toBeCloseTo(0.0045, 12);
  });

  it('Anthropic dialect, a stream cut before message_delta: served model still named, cost unknown (never message_start\'s 1 output token)', async () => {
    const cut = anthropicStream('ok', { input_tokens: 1000, output_tokens: 1 }, { output_tokens: 100 }).slice(0, 3);
    const p = await setup([{ sse: cut }], 'anthropic');
    const r = await fetch(`${p.anthropicBaseURL}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': p.token, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'x', max_tokens: 500, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await r.text();
    expect(p.calls[0]).toMatchObject({ served_model: 'claude-up', price_key: 'claude-up', list_usd: null, usage_unknown: true });
    expect(p.calls[0]!.usage).toMatchObject({ input_uncached: 1000, output: 500 });
  });
});
