// The metering proxy through real HTTP: the `openai` SDK (and raw fetch for the Anthropic wire
// format) talks to the proxy, the proxy to a fake upstream on loopback.
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startMeteringProxy, upstreamUrl, type MeteringProxy, type MeteringProxyOptions } from '../../../src/proxy/server.ts';
import { anthropicStream, chatCompletion, chatStream, startFakeUpstream, type FakeUpstream, type UpstreamReply } from '../../helpers/fake-upstream.ts';

const REAL_KEY = 'sk-real-upstream-key-9f8e7d6c5b4a';
let upstream: FakeUpstream | undefined;
let proxy: MeteringProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  proxy = upstream = undefined;
});

async function setup(script: UpstreamReply[], over: Partial<MeteringProxyOptions> = {}, dialect: 'openai' | 'anthropic' = 'openai') {
  upstream = await startFakeUpstream(script);
  proxy = await startMeteringProxy({
    upstream: { dialect, baseURL: dialect === 'openai' ? upstream.openaiBaseURL : upstream.anthropicBaseURL, apiKey: REAL_KEY, model: 'vendor/real-model' },
    price: { input: '2', output: '8', cache_read: '0.5', cache_write: '2.5', cache_write_1h: '4' },
    capUsd: null,
    ...over,
  });
  const client = new OpenAI({ baseURL: proxy.openaiBaseURL, apiKey: proxy.token, maxRetries: 0 });
  return { upstream, proxy, client };
}

const USAGE = { prompt_tokens: 1000, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 400 }, completion_tokens_details: { reasoning_tokens: 50 } };
// (600·2 + 400·0.5 + 200·8) / 1e6 = (1200 + 200 + 1600) / 1e6 = 0.003
const USAGE_USD = 0.003;

describe('metering proxy: OpenAI dialect', () => {
  it('forwards with the real key and the configured model, and meters the call', async () => {
    const { upstream, proxy, client } = await setup([{ json: chatCompletion('hi there', USAGE) }]);
    const reply = await client.chat.completions.create({ model: 'whatever-the-agent-says', messages: [{ role: 'user', content: 'hello' }] });
    expect(reply.choices[0]!.message.content).toBe('hi there');
    expect(upstream.requests[0]!.path).toBe('/v1/chat/completions');
    expect(upstream.requests[0]!.headers.authorization).toBe(`Bearer ${REAL_KEY}`);
    expect(upstream.requests[0]!.body.model).toBe('vendor/real-model');
    expect(proxy.calls).toHaveLength(1);
    expect(proxy.calls[0]).toMatchObject({
      usage: { input_uncached: 600, cache_read: 400, cache_write_5m: 0, cache_write_1h: 0, output: 200, reasoning: 50 },
      path: '/v1/chat/completions',
      status: 200,
      stream: false,
      requested_model: 'whatever-the-agent-says',
    });
    expect(proxy.calls[0]!.list_usd).toBeCloseTo(USAGE_USD, 12);
    expect(proxy.spentUsd()).toBeCloseTo(USAGE_USD, 12);
  });

  it('streams: asks upstream for usage, passes every content chunk through, hides the usage chunk the client did not ask for', async () => {
    const { upstream, proxy, client } = await setup([{ sse: chatStream(['Hel', 'lo ', 'world'], USAGE), splitAt: 7 }]);
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.choices.length).toBe(1);
      text += chunk.choices[0]!.delta.content ?? '';
    }
    expect(text).toBe('Hello world');
    expect(chunks).toBe(4);
    expect(upstream.requests[0]!.body.stream_options).toEqual({ include_usage: true });
    expect(proxy.calls[0]).toMatchObject({ stream: true, usage: { input_uncached: 600, cache_read: 400, output: 200 } });
    expect(proxy.calls[0]!.list_usd).toBeCloseTo(USAGE_USD, 12);
  });

  it('keeps the usage chunk for a client that asked for it', async () => {
    const { client } = await setup([{ sse: chatStream(['ok'], USAGE) }]);
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    let usage: unknown = null;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).toMatchObject({ prompt_tokens: 1000 });
  });

  it('records a 2xx reply without usage with an unknown cost (null, never 0)', async () => {
    const { proxy, client } = await setup([{ json: chatCompletion('x', null) }]);
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(proxy.calls[0]!.list_usd).toBeNull();
    expect(proxy.calls[0]!.raw_usage).toBeNull();
  });

  it('meters the OpenAI Responses API (input_tokens include cached, output_tokens include reasoning)', async () => {
    const { proxy } = await setup([
      { json: { id: 'resp_1', object: 'response', output: [], usage: { input_tokens: 1000, input_tokens_details: { cached_tokens: 400 }, output_tokens: 200, output_tokens_details: { reasoning_tokens: 50 } } } },
    ]);
    const r = await fetch(`${proxy.openaiBaseURL}/responses`, { method: 'POST', headers: { authorization: `Bearer ${proxy.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', input: 'hi' }) });
    expect(r.status).toBe(200);
    expect(proxy.calls[0]!.usage).toMatchObject({ input_uncached: 600, cache_read: 400, output: 200, reasoning: 50 });
  });
});

describe('metering proxy: Anthropic dialect', () => {
  const post = (p: MeteringProxy, body: unknown, key = p.token) =>
    fetch(`${p.anthropicBaseURL}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('streams a Messages reply through and merges message_start and message_delta usage', async () => {
    const start = { input_tokens: 30, cache_creation_input_tokens: 1000, cache_read_input_tokens: 5000, cache_creation: { ephemeral_5m_input_tokens: 600, ephemeral_1h_input_tokens: 400 }, output_tokens: 1 };
    const { upstream, proxy } = await setup([{ sse: anthropicStream('Fixed it.', start, { output_tokens: 321 }), splitAt: 11 }], {}, 'anthropic');
    const r = await post(proxy, { model: 'claude-x', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const text = await r.text();
    expect(r.headers.get('content-type')).toContain('text/event-stream');
    expect(text).toContain('"text":"Fixed it."');
    expect(text).toContain('event: message_stop');
    expect(upstream.requests[0]!.path).toBe('/v1/messages');
    expect(upstream.requests[0]!.headers['x-api-key']).toBe(REAL_KEY);
    expect(upstream.requests[0]!.headers['anthropic-version']).toBe('2023-06-01');
    expect(upstream.requests[0]!.headers.authorization).toBeUndefined();
    expect(upstream.requests[0]!.body.model).toBe('vendor/real-model');
    expect(proxy.calls[0]!.usage).toEqual({ input_uncached: 30, cache_read: 5000, cache_write_5m: 600, cache_write_1h: 400, output: 321, reasoning: 0 });
    // (30·2 + 5000·0.5 + 600·2.5 + 400·4 + 321·8) / 1e6 = (60 + 2500 + 1500 + 1600 + 2568) / 1e6
    expect(proxy.calls[0]!.list_usd).toBeCloseTo(0.008228, 12);
  });

  it('meters a whole (non-streamed) Messages reply', async () => {
    const { proxy } = await setup(
      [{ json: { id: 'msg', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 100, output_tokens: 10, cache_read_input_tokens: 0, cache_creation_input_tokens: 50 } } }],
      {},
      'anthropic',
    );
    const r = await post(proxy, { model: 'c', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect((await r.json()).content[0].text).toBe('ok');
    expect(proxy.calls[0]!.usage).toMatchObject({ input_uncached: 100, cache_write_5m: 50, output: 10 });
  });

  it('answers errors in the Anthropic shape (wrong token → 401 authentication_error)', async () => {
    const { upstream, proxy } = await setup([], {}, 'anthropic');
    const r = await post(proxy, { model: 'c', max_tokens: 10, messages: [] }, 'sk-guess');
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(upstream.requests).toHaveLength(0);
  });

  it('tells an agent speaking an untranslated dialect (OpenAI Responses) which base URL to use', async () => {
    // (OpenAI Chat Completions against an Anthropic upstream is translated: test/unit/proxy/translate.test.ts.)
    const { proxy, client } = await setup([], {}, 'anthropic');
    await expect(client.responses.create({ model: 'm', input: 'x' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('ANTHROPIC_BASE_URL'),
    });
    expect(proxy.calls).toHaveLength(0);
  });
});

describe('metering proxy: guards', () => {
  it('refuses a client without the per-attempt token (401), never reaching upstream', async () => {
    const { upstream, proxy } = await setup([{ json: chatCompletion('x', USAGE) }]);
    const wrong = new OpenAI({ baseURL: proxy.openaiBaseURL, apiKey: REAL_KEY, maxRetries: 0 });
    await expect(wrong.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses calls once the attempt’s USD cap is reached (402 insufficient_quota), after metering the ones before', async () => {
    const { upstream, proxy, client } = await setup([{ json: chatCompletion('a', USAGE) }, { json: chatCompletion('b', USAGE) }, { json: chatCompletion('c', USAGE) }], { capUsd: 0.005 });
    const ask = () => client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    await ask();
    await ask(); // 0.003 < 0.005: allowed; now 0.006
    const err = await ask().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('fixbench_budget_exhausted');
    expect((err as Error).message).toContain('cost cap of 0.005 USD');
    expect(upstream.requests).toHaveLength(2);
    expect(proxy.calls).toHaveLength(2);
    expect(proxy.refusals.count).toBe(1);
  });

  it('meters and caps a model call whatever content-type it claims (text/plain is read as JSON, its model rewritten)', async () => {
    const { upstream, proxy } = await setup([{ json: chatCompletion('a', USAGE) }, { json: chatCompletion('b', USAGE) }], { capUsd: 0.002 });
    const raw = (model: string) =>
      fetch(`${proxy.openaiBaseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${proxy.token}`, 'content-type': 'text/plain' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }] }),
      });
    expect((await raw('openai/o1-pro')).status).toBe(200);
    expect(upstream.requests[0]!.body.model).toBe('vendor/real-model');
    expect(upstream.requests[0]!.headers['content-type']).toBe('application/json');
    expect(proxy.calls).toHaveLength(1);
    expect((await raw('openai/o1-pro')).status).toBe(402); // 0.003 ≥ the 0.002 cap
    expect(upstream.requests).toHaveLength(1);
  });

  it('refuses a model call whose body is not a JSON object (400), never reaching upstream', async () => {
    const { upstream, proxy } = await setup([{ json: chatCompletion('a', USAGE) }]);
    const r = await fetch(`${proxy.openaiBaseURL}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${proxy.token}` }, body: 'not json' });
    expect(r.status).toBe(400);
    expect(upstream.requests).toHaveLength(0);
  });

  it('forwards only model endpoints: batches, files and other paths are refused (403) before the real key is used', async () => {
    const { upstream, proxy } = await setup([{ json: { data: [] } }]);
    const call = (method: string, path: string, body?: string) =>
      fetch(`${proxy.openaiBaseURL}${path}`, { method, headers: { authorization: `Bearer ${proxy.token}`, 'content-type': 'application/json' }, ...(body ? { body } : {}) });
    for (const [method, path] of [['POST', '/batches'], ['POST', '/files'], ['GET', '/files'], ['POST', '/fine_tuning/jobs'], ['GET', '/responses/resp_1'], ['DELETE', '/models/x'], ['POST', '/organization/admin_api_keys']] as const) {
      const r = await call(method, path, method === 'POST' ? '{}' : undefined);
      expect(r.status, `${method} ${path}`).toBe(403);
    }
    expect(upstream.requests).toHaveLength(0);
    expect((await call('GET', '/models')).status).toBe(200); // a model list is free: forwarded, never billed
    expect(upstream.requests).toHaveLength(1);
    expect(proxy.calls).toHaveLength(0);
  });

  it('stops billed calls once one came back without usage while a cap is set (the cap could no longer be enforced)', async () => {
    const { upstream, proxy, client } = await setup([{ json: chatCompletion('a', null) }, { json: chatCompletion('b', USAGE) }], { capUsd: 1 });
    const ask = () => client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    await ask();
    const err = await ask().catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((err as Error).message).toContain('cost unknown');
    expect(upstream.requests).toHaveLength(1);
    expect(proxy.calls).toHaveLength(1);
  });

  it('regression: a stream cut before its usage counts against the cap at the ceiling (request bytes, max_tokens), so the cap holds without refusing', async () => {
    const cut = chatStream(['Hel', 'lo'], null).slice(0, 2); // two content chunks, then the connection ends: no finish, no usage
    const ceiling = { input: '10', output: '40' };
    const { upstream, proxy, client } = await setup([{ sse: cut }, { json: chatCompletion('b', USAGE) }, { json: chatCompletion('c', USAGE) }], { capUsd: 0.05, ceiling });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true, max_tokens: 400 });
    for await (const _ of stream) void _;
    const bytes = Buffer.byteLength(JSON.stringify(upstream.requests[0]!.body));
    const bound = (bytes * 10 + 400 * 40) / 1e6;
    expect(proxy.calls[0]).toMatchObject({ list_usd: null });
    expect(proxy.calls[0]!.cap_usd).toBeCloseTo(bound, 12);
    expect(proxy.spentUsd()).toBeCloseTo(bound, 12);
    // counted, not refused: the next call runs; once the bound and the call pass the cap, the next is refused
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(upstream.requests).toHaveLength(2);
    await proxy.close();
    await upstream.close();
    const tight = await setup([{ sse: cut }, { json: chatCompletion('b', USAGE) }], { capUsd: bound / 2, ceiling });
    const s2 = await tight.client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true, max_tokens: 400 });
    for await (const _ of s2) void _;
    const err = await tight.client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((err as Error).message).toContain('cap of');
  });

  it('regression: under a cap, a router reply naming a model with no row (cost neither known nor stated) stops further calls; a stated cost does not', async () => {
    const ceiling = { input: '10', output: '40' };
    const { upstream, proxy, client } = await setup([{ json: chatCompletion('a', USAGE) }, { json: chatCompletion('b', USAGE) }], { capUsd: 1, ceiling, servedPricer: () => null });
    const ask = (c: OpenAI) => c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    await ask(client);
    expect(proxy.calls[0]).toMatchObject({ list_usd: null, price_key: null });
    expect(proxy.calls[0]!.cap_usd).toBeCloseTo((1000 * 10 + 200 * 40) / 1e6, 12); // far under the cap, yet no bound
    const err = await ask(client).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect(upstream.requests).toHaveLength(1);
    await proxy.close();
    await upstream.close();
    const stated = await setup([{ json: chatCompletion('a', { ...USAGE, cost: 0.02 }) }, { json: chatCompletion('b', USAGE) }], { capUsd: 1, ceiling, servedPricer: () => null });
    await ask(stated.client);
    expect(stated.proxy.calls[0]).toMatchObject({ list_usd: null, cap_usd: 0.02, cap_bound: true });
    await ask(stated.client);
    expect(stated.upstream.requests).toHaveLength(2);
  });

  it('records a call the client abandoned after it was sent, at an unknown cost, so the cap then stops further calls', async () => {
    const { upstream, proxy, client } = await setup([{ json: chatCompletion('slow', USAGE), delayMs: 300 }, { json: chatCompletion('b', USAGE) }], { capUsd: 1 });
    const abort = new AbortController();
    const first = client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { signal: abort.signal }).catch((e: unknown) => e);
    while (upstream.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    await first;
    await new Promise((r) => setTimeout(r, 100));
    expect(proxy.calls).toHaveLength(1);
    expect(proxy.calls[0]!.list_usd).toBeNull();
    const err = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect(upstream.requests).toHaveLength(1);
  });

  it('under a cap, parallel calls go one at a time, so together they cannot overshoot it', async () => {
    const replies = Array.from({ length: 6 }, () => ({ json: chatCompletion('p', USAGE), delayMs: 30 }));
    const { upstream, proxy, client } = await setup(replies, { capUsd: 0.005 });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2); // 0.003, then 0.006 ≥ 0.005
    expect(upstream.requests).toHaveLength(2);
    expect(proxy.calls).toHaveLength(2);
  });

  it('refuses server-side tools and background work (the provider would act outside the sandbox, unmetered); function tools pass', async () => {
    const { upstream, proxy } = await setup([{ json: chatCompletion('ok', USAGE) }]);
    const post = (path: string, body: Record<string, unknown>) =>
      fetch(`${proxy.openaiBaseURL}${path}`, { method: 'POST', headers: { authorization: `Bearer ${proxy.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', ...body }) });
    for (const body of [
      { input: 'x', tools: [{ type: 'web_search' }] },
      { input: 'x', tools: [{ type: 'mcp', server_url: 'https://example.invalid' }] },
      { input: 'x', background: true },
    ]) expect((await post('/responses', body)).status, JSON.stringify(body)).toBe(400);
    expect((await post('/chat/completions', { messages: [], web_search_options: {} })).status).toBe(400);
    expect((await post('/chat/completions', { messages: [], plugins: [{ id: 'web' }] })).status).toBe(400);
    expect(upstream.requests).toHaveLength(0);
    expect((await post('/chat/completions', { messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'bash', parameters: {} } }] })).status).toBe(200);
  });

  it('forwards a model-list path only for a plain model id (no encoded slash an upstream could decode)', async () => {
    const { upstream, proxy } = await setup([]);
    const get = (path: string) => fetch(`${proxy.openaiBaseURL}${path}`, { headers: { authorization: `Bearer ${proxy.token}` } });
    expect((await get('/models/..%2F..%2Ffiles')).status).toBe(403);
    expect((await get('/models/x%2F..%2Forganization%2Fapi_keys')).status).toBe(403);
    expect(upstream.requests).toHaveLength(0);
  });

  it('applies an outside refusal (the run budget) the same way', async () => {
    const { upstream, client } = await setup([{ json: chatCompletion('a', USAGE) }], { refuse: () => 'run budget of 1 USD reached' });
    await expect(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 402 });
    expect(upstream.requests).toHaveLength(0);
  });

  it('rejects a request body over the limit with 413', async () => {
    const { upstream, client } = await setup([{ json: chatCompletion('a', USAGE) }], { maxRequestBytes: 1000 });
    await expect(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(5000) }] })).rejects.toMatchObject({ status: 413 });
    expect(upstream.requests).toHaveLength(0);
  });

  it('passes an upstream error through, counts it, records no call, and never echoes the real key', async () => {
    const { proxy, client } = await setup([{ status: 503, json: { error: { message: `overloaded (key ${REAL_KEY})`, type: 'server_error' } } }]);
    const err = (await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as Error & { status: number };
    expect(err.status).toBe(503);
    expect(err.message).not.toContain(REAL_KEY);
    expect(err.message).toContain('[REDACTED]');
    expect(proxy.calls).toHaveLength(0);
    expect(proxy.upstreamErrors.count).toBe(1);
    expect(proxy.upstreamErrors.last).not.toContain(REAL_KEY);
  });

  it('never passes the real key on in a reply header', async () => {
    const { proxy } = await setup([{ json: chatCompletion('a', USAGE), headers: { 'x-debug-auth': `Bearer ${REAL_KEY}` } }]);
    const res = await fetch(`${proxy.openaiBaseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${proxy.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [] }),
    });
    expect(res.headers.get('x-debug-auth')).toBe('Bearer [REDACTED]');
  });

  it('answers 502 in the OpenAI shape when the upstream cannot be reached', async () => {
    upstream = await startFakeUpstream([]);
    const dead = upstream.openaiBaseURL;
    await upstream.close();
    upstream = undefined;
    proxy = await startMeteringProxy({ upstream: { dialect: 'openai', baseURL: dead, apiKey: REAL_KEY, model: 'm' }, price: null, capUsd: null });
    const client = new OpenAI({ baseURL: proxy.openaiBaseURL, apiKey: proxy.token, maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 502 });
    expect(proxy.upstreamErrors.count).toBe(1);
  });

  it('maps client paths onto the upstream base URL', () => {
    const u = (base: string, dialect: 'openai' | 'anthropic', p: string) => upstreamUrl({ baseURL: base, dialect }, new URL(p, 'http://x')).href;
    expect(u('https://openrouter.ai/api/v1', 'openai', '/v1/chat/completions?x=1')).toBe('https://openrouter.ai/api/v1/chat/completions?x=1');
    expect(u('https://api.deepseek.com/', 'openai', '/v1/models')).toBe('https://api.deepseek.com/models');
    expect(u('https://api.anthropic.com', 'anthropic', '/v1/messages')).toBe('https://api.anthropic.com/v1/messages');
    expect(u('https://api.anthropic.com/v1', 'anthropic', '/v1/messages')).toBe('https://api.anthropic.com/v1/messages');
  });
});

describe('metering proxy: close', () => {
  it('resolves only once a call in flight at the close is recorded, at its bound (atkS15 #3: the agent read calls right after close)', async () => {
    const http = await import('node:http');
    const up = http.createServer((req) => void req.resume()); // never answers
    await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(up.address() as { port: number }).port}`;
    const row = { input: '3', output: '15' };
    const lines: string[] = [];
    const p = await startMeteringProxy({ upstream: { dialect: 'openai', baseURL: `${base}/v1`, apiKey: 'sk-up', model: 'm' }, price: row, ceiling: row, capUsd: null, pending: async () => (lines.push('pending'), 'id1'), onCall: () => void lines.push('billed'), unbilled: () => void lines.push('unbilled') } as unknown as MeteringProxyOptions);
    try {
      fetch(`${p.origin}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }) }).catch(() => {});
      for (let k = 0; k < 100 && !lines.length; k++) await new Promise((r) => setTimeout(r, 10));
      expect(lines).toEqual(['pending']);
      await p.close();
      expect(lines).toEqual(['pending', 'billed']);
      expect(p.calls).toHaveLength(1);
      expect(p.calls[0]).toMatchObject({ list_usd: null, usage_unknown: true });
      expect(p.calls[0]!.cap_usd).toBeGreaterThan(0);
    } finally {
      up.closeAllConnections();
      up.close();
    }
  });
});
