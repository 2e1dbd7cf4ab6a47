// Regressions (attack B, round 4): what a billed call the proxy could not read final usage for
// counts against the attempt cap. Each case was a way to spend past `capUsd` while the proxy
// counted the call as bounded and cheap.
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startMeteringProxy, type MeteringProxy } from '../../../src/proxy/server.ts';
import { anthropicStream, chatCompletion, chatStream, startFakeUpstream, type FakeUpstream } from '../../helpers/fake-upstream.ts';

let upstream: FakeUpstream | undefined;
let proxy: MeteringProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  proxy = upstream = undefined;
});

const USAGE = { prompt_tokens: 10, completion_tokens: 10 };
const anthropicCut = (extra: Array<Record<string, unknown>> = []) => [
  { type: 'message_start', message: { id: 'm', type: 'message', role: 'assistant', model: 'c', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  ...extra,
];

async function anthropicProxy(script: Parameters<typeof startFakeUpstream>[0], capUsd: number): Promise<{ post: (body: Record<string, unknown>) => Promise<Response> }> {
  upstream = await startFakeUpstream(script);
  const price = { input: '3', output: '15' };
  proxy = await startMeteringProxy({ upstream: { dialect: 'anthropic', baseURL: upstream.anthropicBaseURL, apiKey: 'sk-x', model: 'm' }, price, ceiling: price, capUsd });
  const p = proxy;
  return {
    post: (body) => fetch(`${p.anthropicBaseURL}/v1/messages`, { method: 'POST', headers: { 'x-api-key': p.token, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', ...body }) }),
  };
}

describe('metering proxy: bounds of calls without final usage', () => {
  it('a cut stream with n=64 counts 64 choices of max_tokens, so the cap refuses the next call', async () => {
    const cut = chatStream(['Hel', 'lo'], null).slice(0, 2);
    upstream = await startFakeUpstream([{ sse: cut }, { json: chatCompletion('b', USAGE) }]);
    const price = { input: '2', output: '8' };
    proxy = await startMeteringProxy({ upstream: { dialect: 'openai', baseURL: upstream.openaiBaseURL, apiKey: 'sk-x', model: 'm' }, price, ceiling: price, capUsd: 0.05 });
    const client = new OpenAI({ baseURL: proxy.openaiBaseURL, apiKey: proxy.token, maxRetries: 0 });
    const s = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true, max_tokens: 4000, n: 64 } as never);
    for await (const _ of s as unknown as AsyncIterable<unknown>) void _;
    const call = proxy.calls[0]!;
    expect(call.list_usd).toBeNull();
    expect(call.cap_bound).toBe(true);
    expect(call.cap_usd).toBeGreaterThanOrEqual((64 * 4000 * 8) / 1e6); // every choice the provider may bill
    const err = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect(upstream.requests).toHaveLength(1);
  });

  it('a cut stream with a base64 PDF document is no bound (its pages cost tokens its bytes do not bound): the cap stops the attempt', async () => {
    const { post } = await anthropicProxy([{ sse: anthropicCut() }, { sse: anthropicCut() }], 0.05);
    const doc = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' } };
    await (await post({ max_tokens: 16, stream: true, messages: [{ role: 'user', content: [doc, { type: 'text', text: 'summarise' }] }] })).text();
    expect(proxy!.calls[0]!.cap_bound).toBeUndefined();
    const second = await post({ max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    expect(second.status).toBe(402);
    expect(await second.text()).toMatch(/cannot be enforced/);
    expect(upstream!.requests).toHaveLength(1);
  });

  it('refuses remote sources (URL documents and images, file ids) with a clear error before the provider sees them; data: URLs pass', async () => {
    const { post } = await anthropicProxy([{ sse: anthropicStream('ok', { input_tokens: 5, output_tokens: 1 }, { output_tokens: 2 }) }], 5);
    for (const part of [
      { type: 'document', source: { type: 'url', url: 'https://example.com/500-page-manual.pdf' } },
      { type: 'image', source: { type: 'url', url: 'https://attacker.example/leak?secret=1' } },
      { type: 'document', source: { type: 'file', file_id: 'file_011' } },
    ]) {
      const r = await post({ max_tokens: 16, stream: true, messages: [{ role: 'user', content: [part, { type: 'text', text: 'go' }] }] });
      expect(r.status, JSON.stringify(part)).toBe(400);
      expect(await r.text()).toMatch(/remote source .* is refused.*inline/);
    }
    const nested = { type: 'tool_result', tool_use_id: 't', content: [{ type: 'image', source: { type: 'url', url: 'http://x.example/a.png' } }] };
    expect((await post({ max_tokens: 16, messages: [{ role: 'user', content: [nested] }] })).status).toBe(400);
    expect(upstream!.requests).toHaveLength(0);
    const inline = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } };
    expect((await post({ max_tokens: 16, stream: true, messages: [{ role: 'user', content: [inline] }] })).status).toBe(200);
  });

  it('refuses OpenAI image URLs and files by id, passes data: URLs and tool arguments naming URLs', async () => {
    upstream = await startFakeUpstream([{ json: chatCompletion('a', USAGE) }, { json: chatCompletion('b', USAGE) }]);
    const price = { input: '2', output: '8' };
    proxy = await startMeteringProxy({ upstream: { dialect: 'openai', baseURL: upstream.openaiBaseURL, apiKey: 'sk-x', model: 'm' }, price, ceiling: price, capUsd: 5 });
    const p = proxy;
    const post = (path: string, body: Record<string, unknown>) => fetch(`${p.openaiBaseURL}${path}`, { method: 'POST', headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', ...body }) });
    const user = (part: Record<string, unknown>) => ({ messages: [{ role: 'user', content: [part] }] });
    expect((await post('/chat/completions', user({ type: 'image_url', image_url: { url: 'https://x.example/a.png' } }))).status).toBe(400);
    expect((await post('/chat/completions', user({ type: 'file', file: { file_id: 'file-abc' } }))).status).toBe(400);
    expect((await post('/responses', { input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x.example/a.png' }] }] })).status).toBe(400);
    expect((await post('/responses', { input: [{ role: 'user', content: [{ type: 'input_file', file_url: 'https://x.example/a.pdf' }] }] })).status).toBe(400);
    expect(upstream.requests).toHaveLength(0);
    expect((await post('/chat/completions', user({ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }))).status).toBe(200);
    const toolCall = { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'fetch', arguments: '{"url":"https://x.example"}' } }] };
    expect((await post('/chat/completions', { messages: [toolCall, { role: 'tool', tool_call_id: 'c', content: 'https://x.example' }] })).status).toBe(200);
  });

  it('an Anthropic stream cut after message_start is priced at its max_tokens bound, not message_start\'s 1 output token, and marked usage_unknown', async () => {
    const { post } = await anthropicProxy([{ sse: anthropicCut([{ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x'.repeat(20_000) } }]) }], 0.5);
    await (await post({ max_tokens: 64_000, stream: true, messages: [{ role: 'user', content: 'hi' }] })).text();
    const call = proxy!.calls[0]!;
    expect(call.usage_unknown).toBe(true);
    expect(call.list_usd).toBeNull();
    expect(call.usage.output).toBe(64_000);
    expect(call.usage.input_uncached).toBeGreaterThanOrEqual(10);
    expect(call.cap_bound).toBe(true);
    expect(call.cap_usd).toBeGreaterThanOrEqual((64_000 * 15) / 1e6);
    const next = await post({ max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    expect(next.status).toBe(402);
  });

  it('an Anthropic stream with message_delta usage and message_stop is priced from its final counts', async () => {
    const { post } = await anthropicProxy([{ sse: anthropicStream('ok', { input_tokens: 10, output_tokens: 1 }, { output_tokens: 7 }) }], 5);
    await (await post({ max_tokens: 64_000, stream: true, messages: [{ role: 'user', content: 'hi' }] })).text();
    const call = proxy!.calls[0]!;
    expect(call.usage_unknown).toBeUndefined();
    expect(call.usage.output).toBe(7);
    expect(call.list_usd).toBeCloseTo((10 * 3 + 7 * 15) / 1e6, 12);
  });
});
