// AnthropicClient through the real @anthropic-ai/sdk against the fake provider on 127.0.0.1:
// translation both ways, usage and cost, streaming, and fixbench's retry policy.
import { afterEach, describe, expect, it } from 'vitest';
import { ModelSpec } from '../../../src/config/models.ts';
import type { PriceRow } from '../../../src/config/prices.ts';
import { AnthropicClient, type AnthropicClientOptions } from '../../../src/models/anthropic.ts';
import { createModelClient } from '../../../src/models/index.ts';
import { ModelCallError, type ChatMessage, type ToolDef } from '../../../src/models/types.ts';
import { errorReply, startFakeProvider, textReply, toolCall, type FakeProvider, type FakeScript } from '../../helpers/fake-provider.ts';

const KEY = 'test-anthropic-key-0123456789-SECRET';
// USD per million tokens
const price: PriceRow = { input: '5.00', output: '25.00', cache_read: '0.50', cache_write: '6.25', cache_write_1h: '10.00' };

let server: FakeProvider | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(script: FakeScript, opts: AnthropicClientOptions = {}, specExtra: Record<string, unknown> = {}) {
  server = await startFakeProvider(script);
  const spec = ModelSpec.parse({
    id: 'fake-claude',
    provider: 'anthropic',
    api: 'anthropic',
    base_url: server.rootURL,
    api_key_env: 'FAKE_ANTHROPIC_KEY',
    model: 'claude-fake-4',
    vendor: 'Anthropic',
    region: 'US',
    params: { temperature: 0, top_p: 0.9, max_tokens: 1000 },
    ...specExtra,
  });
  const sleeps: number[] = [];
  const client = new AnthropicClient(spec, KEY, price, { sleep: async (ms) => void sleeps.push(ms), random: () => 0, ...opts });
  return { client, sleeps, spec };
}

const USAGE = { input_tokens: 2_000, cache_creation_input_tokens: 10_000, cache_read_input_tokens: 30_000, output_tokens: 800 };
// (2 000·5.00 + 30 000·0.50 + 10 000·6.25 + 800·25.00) / 1e6 = (10 000 + 15 000 + 62 500 + 20 000) / 1e6 = 0.1075
const USD = 0.1075;
const tools: ToolDef[] = [{ type: 'function', function: { name: 'bash', description: 'run', parameters: { type: 'object', properties: { command: { type: 'string' } } } } }];
const convo: ChatMessage[] = [
  { role: 'system', content: 'You fix bugs.' },
  { role: 'user', content: 'Fix it.' },
  { role: 'assistant', content: 'Looking.', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'bash', arguments: '{"command":"ls"}' } }] },
  { role: 'tool', tool_call_id: 'toolu_1', content: 'a.js' },
];

describe('AnthropicClient (non-streaming)', () => {
  it('translates messages and tools, drops temperature/top_p, and costs the reply from its usage', async () => {
    const { client } = await setup([toolCall('bash', { command: 'cat a.js' }, { usage: USAGE })]);
    const reply = await client.chat(convo, { tools });
    const req = server!.requests[0]!;
    expect(req.path).toBe('/v1/messages');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`); // @anthropic-ai/sdk 1.x sends the API key as a bearer token
    expect(req.headers['anthropic-version']).toBeTruthy();
    expect(req.body).not.toHaveProperty('temperature');
    expect(req.body).not.toHaveProperty('top_p');
    expect(req.body).toMatchObject({
      model: 'claude-fake-4',
      max_tokens: 1000,
      system: 'You fix bugs.',
      tools: [{ name: 'bash', description: 'run', input_schema: tools[0]!.function.parameters }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Fix it.' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Looking.' }, { type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: 'ls' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a.js' }] },
      ],
    });
    expect(reply.message.tool_calls).toEqual([{ id: 'toolu_0_0', type: 'function', function: { name: 'bash', arguments: '{"command":"cat a.js"}' } }]);
    expect(reply.finish_reason).toBe('tool_calls');
    expect(reply.call.usage).toEqual({ input_uncached: 2_000, cache_read: 30_000, cache_write_5m: 10_000, cache_write_1h: 0, output: 800, reasoning: 0 });
    expect(reply.call.raw_usage).toEqual(USAGE);
    expect(reply.call.list_usd).toBeCloseTo(USD, 12);
    expect(reply.call.billed_usd).toBeNull();
    expect(reply.call.tries).toBe(1);
  });

  it('is chosen by createModelClient for api: anthropic', async () => {
    const { spec } = await setup([]);
    expect(createModelClient(spec, KEY, price)).toBeInstanceOf(AnthropicClient);
  });

  it('retries 529 overloaded and 429 with retry-after; only the billed success is charged', async () => {
    const { client, sleeps } = await setup([
      errorReply(529, { type: 'overloaded_error', message: 'Overloaded' }),
      errorReply(429, { type: 'rate_limit_error', message: 'slow down' }, { 'retry-after': '3' }),
      textReply('done', { usage: USAGE }),
    ]);
    const reply = await client.chat(convo);
    expect(reply.message.content).toBe('done');
    expect(sleeps).toEqual([1000, 3000]); // back-off 1 s (random 0: no jitter), then retry-after 3 s
    expect(reply.call.tries).toBe(3);
    expect(reply.call.list_usd).toBeCloseTo(USD, 12);
    expect(server!.requests).toHaveLength(3);
  });

  it('does not retry a context overflow, a 401 or an empty balance', async () => {
    for (const [reply, kind] of [
      [errorReply(400, { type: 'invalid_request_error', message: 'prompt is too long: 250000 tokens > 200000 maximum' }), 'context_exceeded'],
      [errorReply(401, { type: 'authentication_error', message: `invalid x-api-key ${KEY}` }), 'auth'],
      [errorReply(400, { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API.' }), 'quota'],
      [errorReply(404, { type: 'not_found_error', message: 'model: claude-nope' }), 'not_found'],
    ] as const) {
      const { client } = await setup([reply, textReply('never')]);
      const err = await client.chat(convo).catch((e) => e);
      expect(err).toBeInstanceOf(ModelCallError);
      expect(err.kind).toBe(kind);
      expect(err.message).not.toContain(KEY);
      expect(server!.requests).toHaveLength(1);
      await server!.close();
      server = undefined;
    }
  });

  it('retries a connection reset and malformed JSON, then succeeds; the reset try was sent, so billed at its bound', async () => {
    const { client } = await setup([{ fault: 'reset' }, textReply('ok', { usage: USAGE })]);
    const reply = await client.chat(convo);
    expect(reply.message.content).toBe('ok');
    expect(reply.call.tries).toBe(2);
    expect(reply.call.list_usd).toBeNull(); // the reset try's tokens are unknown (atkB16 #3)
    expect(reply.call.usage_unknown).toBe(true);
    await server!.close();
    // a 200 whose body is not JSON was answered, so maybe billed: its tokens are unknown, and so is the call's cost (atkO15 #4)
    const malformed = await (await setup([{ fault: 'malformed' }, textReply('ok', { usage: USAGE })])).client.chat(convo);
    expect(malformed.call.tries).toBe(2);
    expect(malformed.call.usage_unknown).toBe(true);
    expect(malformed.call.list_usd).toBeNull();
  });

  it('gives up after maxTries with kind server', async () => {
    const { client } = await setup([errorReply(500, { message: 'boom' }), errorReply(500, { message: 'boom' })], { maxTries: 2 });
    const err = await client.chat(convo).catch((e) => e);
    expect(err).toMatchObject({ kind: 'server', status: 500, call: null });
    expect(err.message).toMatch(/after 2 tries/);
  });

  it('an unknown price gives a null cost, never 0', async () => {
    server = await startFakeProvider([textReply('x', { usage: USAGE })]);
    const spec = ModelSpec.parse({ id: 'm', provider: 'p', api: 'anthropic', base_url: server.rootURL, api_key_env: 'K', model: 'm', vendor: 'v', region: 'US' });
    const reply = await new AnthropicClient(spec, KEY, null).chat(convo);
    expect(reply.call.list_usd).toBeNull();
    expect(reply.call.usage.cache_read).toBe(30_000);
  });
});

describe('AnthropicClient (streaming)', () => {
  it('folds the event stream: text, tool input JSON, and usage from message_start + message_delta', async () => {
    const { client } = await setup([{ content: 'Let me look.', tool_calls: [{ name: 'bash', arguments: { command: 'ls -la' } }], usage: USAGE }], {}, { stream: true });
    const reply = await client.chat(convo, { tools });
    expect(server!.requests[0]!.body.stream).toBe(true);
    expect(reply.message.content).toBe('Let me look.');
    expect(reply.message.tool_calls[0]!.function).toEqual({ name: 'bash', arguments: '{"command":"ls -la"}' });
    expect(reply.finish_reason).toBe('tool_calls');
    expect(reply.call.usage).toMatchObject({ input_uncached: 2_000, cache_read: 30_000, cache_write_5m: 10_000, output: 800 });
    expect(reply.call.list_usd).toBeCloseTo(USD, 12);
  });

  it('a stream cut before its usage is billed with unknown tokens (null cost), and retried', async () => {
    const { client } = await setup([{ content: 'partial answer', fault: 'cut_stream' }, textReply('whole', { usage: USAGE })], {}, { stream: true });
    const reply = await client.chat(convo);
    expect(reply.message.content).toBe('whole');
    expect(reply.call.tries).toBe(2);
    expect(reply.call.usage_unknown).toBe(true);
    expect(reply.call.list_usd).toBeNull(); // unknown, not the second call's 0.1075 alone
  });

  it('regression: a cut stream counts against the caps at the ceiling for its request bytes and max_tokens', async () => {
    const { client } = await setup([{ content: 'partial answer', fault: 'cut_stream' }, { content: 'partial again', fault: 'cut_stream' }], { maxTries: 2, sleep: async () => {}, ceiling: { input: '10', output: '40' } }, { stream: true, params: { max_tokens: 700 } });
    const err = (await client.chat(convo).catch((e: unknown) => e)) as ModelCallError;
    const bytes = server!.requests.map((r) => Buffer.byteLength(JSON.stringify(r.body)));
    expect(err.call).toMatchObject({ usage_unknown: true, list_usd: null, tries: 2 });
    expect(err.call!.cap_usd).toBeCloseTo(((bytes[0]! + bytes[1]!) * 10 + 2 * 700 * 40) / 1e6, 12);
  });

  it('a stream that never ends is abandoned after streamIdleMs and retried', async () => {
    const { client } = await setup([{ content: 'never finishes', fault: 'hang' }, textReply('ok', { usage: USAGE })], { streamIdleMs: 300 }, { stream: true });
    const t0 = Date.now();
    const reply = await client.chat(convo);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(reply.message.content).toBe('ok');
    expect(reply.call.usage_unknown).toBe(true);
  });
});
