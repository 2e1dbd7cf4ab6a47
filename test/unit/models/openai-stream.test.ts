// OpenAIChatClient with `stream: true` through the real openai SDK against the fake provider:
// usage from the last chunk, unknown (not zero) when the stream is cut, and the transport faults.
import { afterEach, describe, expect, it } from 'vitest';
import { ModelSpec } from '../../../src/config/models.ts';
import type { PriceRow } from '../../../src/config/prices.ts';
import { OpenAIChatClient, type OpenAIChatClientOptions } from '../../../src/models/openai-chat.ts';
import { accumulateChatStream } from '../../../src/models/openai-stream.ts';
import { ModelCallError } from '../../../src/models/types.ts';
import { errorReply, startFakeProvider, textReply, toolCall, type FakeProvider, type FakeScript } from '../../helpers/fake-provider.ts';

const KEY = 'sk-test-stream-0123456789-SECRET';
const price: PriceRow = { input: '0.28', output: '0.42', cache_read: '0.028' }; // USD per million tokens
let server: FakeProvider | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(script: FakeScript, opts: OpenAIChatClientOptions = {}) {
  server = await startFakeProvider(script);
  const spec = ModelSpec.parse({
    id: 'fake-stream', provider: 'fake', api: 'openai', base_url: server.baseURL, api_key_env: 'K', model: 'v/m', vendor: 'v', region: 'CN', stream: true,
  });
  const sleeps: number[] = [];
  return { client: new OpenAIChatClient(spec, KEY, price, { sleep: async (ms) => void sleeps.push(ms), random: () => 0, ...opts }), sleeps };
}

const user = [{ role: 'user' as const, content: 'hi' }];
// DeepSeek-style usage: hit 7 000 + miss 3 000 = prompt 10 000; completion 400.
// USD = (3 000·0.28 + 7 000·0.028 + 400·0.42) / 1e6 = (840 + 196 + 168) / 1e6 = 0.001204
const USAGE = { prompt_tokens: 10_000, completion_tokens: 400, prompt_cache_hit_tokens: 7_000, prompt_cache_miss_tokens: 3_000 };

describe('OpenAIChatClient streaming', () => {
  it('asks for usage in the stream and takes it from the last chunk', async () => {
    const { client } = await setup([textReply('hello world', { usage: USAGE })]);
    const reply = await client.chat(user);
    expect(server!.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(reply.message.content).toBe('hello world');
    expect(reply.finish_reason).toBe('stop');
    expect(reply.call.usage).toMatchObject({ input_uncached: 3_000, cache_read: 7_000, output: 400 });
    expect(reply.call.list_usd).toBeCloseTo(0.001204, 12);
  });

  it('reassembles tool calls from argument pieces', async () => {
    const { client } = await setup([toolCall('bash', { command: 'grep -rn "x" src' }, { usage: USAGE })]);
    const reply = await client.chat(user);
    expect(reply.message.tool_calls).toEqual([{ id: 'call_0_0', type: 'function', function: { name: 'bash', arguments: '{"command":"grep -rn \\"x\\" src"}' } }]);
    expect(reply.finish_reason).toBe('tool_calls');
  });

  it('a stream with no usage chunk gives unknown tokens and a null cost, never 0', async () => {
    const { client } = await setup([textReply('no usage', { usage: null })]);
    const reply = await client.chat(user);
    expect(reply.message.content).toBe('no usage');
    expect(reply.call.usage_unknown).toBe(true);
    expect(reply.call.list_usd).toBeNull();
  });

  it('a cut stream is billed as unknown and retried; the merged call stays unknown', async () => {
    const { client, sleeps } = await setup([{ content: 'half of it', fault: 'cut_stream' }, textReply('whole', { usage: USAGE })]);
    const reply = await client.chat(user);
    expect(reply.message.content).toBe('whole');
    expect(sleeps).toEqual([1000]);
    expect(reply.call.tries).toBe(2);
    expect(reply.call.usage_unknown).toBe(true);
    expect(reply.call.list_usd).toBeNull();
    expect(reply.call.usage.output).toBe(400); // the known tokens are kept
  });

  it('regression: a stream cut before its usage counts against the caps at the ceiling, for the request\'s bytes and its max_tokens (never $0)', async () => {
    server = await startFakeProvider([{ content: 'half of it', fault: 'cut_stream' }, textReply('whole', { usage: USAGE })]);
    const spec = ModelSpec.parse({
      id: 'fake-stream', provider: 'fake', api: 'openai', base_url: server.baseURL, api_key_env: 'K', model: 'v/m', vendor: 'v', region: 'CN', stream: true, params: { max_tokens: 300 },
    });
    const ceiling: PriceRow = { input: '10', output: '40' };
    const client = new OpenAIChatClient(spec, KEY, price, { sleep: async () => {}, random: () => 0, ceiling });
    const reply = await client.chat(user);
    expect(reply.call.usage_unknown).toBe(true);
    expect(reply.call.list_usd).toBeNull();
    // try 1: every byte of the request as one prompt token, max_tokens of output, at the ceiling; try 2 at its list price.
    const bytes = Buffer.byteLength(JSON.stringify(server.requests[0]!.body));
    expect(reply.call.cap_usd).toBeCloseTo((bytes * 10 + 300 * 40) / 1e6 + 0.001204, 12);
  });

  it('a reply with no usage and no max_tokens counts its bytes received as its output (an estimate), never 0', async () => {
    server = await startFakeProvider([textReply('no usage at all', { usage: null })]);
    const spec = ModelSpec.parse({ id: 'fake-stream', provider: 'fake', api: 'openai', base_url: server.baseURL, api_key_env: 'K', model: 'v/m', vendor: 'v', region: 'CN', stream: true });
    const reply = await new OpenAIChatClient(spec, KEY, price, { ceiling: { input: '10', output: '40' } }).chat(user);
    const bytes = Buffer.byteLength(JSON.stringify(server.requests[0]!.body));
    expect(reply.call.cap_usd!).toBeGreaterThan((bytes * 10 + 'no usage at all'.length * 40) / 1e6 - 1e-12);
  });

  it('a stream that never ends is abandoned after streamIdleMs; retries exhausted → network error with the billed call', async () => {
    const { client } = await setup([{ content: 'x', fault: 'hang' }, { content: 'y', fault: 'hang' }], { streamIdleMs: 200, maxTries: 2 });
    const err = await client.chat(user).catch((e) => e);
    expect(err).toBeInstanceOf(ModelCallError);
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(/stream silent for 200 ms/);
    expect(err.call).toMatchObject({ usage_unknown: true, list_usd: null, tries: 2 });
  });

  it('a 429 with Retry-After before the stream is retried after that wait', async () => {
    const { client, sleeps } = await setup([errorReply(429, { message: 'rate limited', type: 'rate_limit' }, { 'retry-after': '2' }), textReply('ok', { usage: USAGE })]);
    const reply = await client.chat(user);
    expect(sleeps).toEqual([2000]);
    expect(reply.call.list_usd).toBeCloseTo(0.001204, 12);
  });

  it('never retries quota exhaustion (402, insufficient_quota on a 429)', async () => {
    for (const r of [errorReply(402, { message: 'pay up' }), errorReply(429, { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' })]) {
      const { client } = await setup([r, textReply('never')]);
      await expect(client.chat(user)).rejects.toMatchObject({ kind: 'quota' });
      expect(server!.requests).toHaveLength(1);
      await server!.close();
      server = undefined;
    }
  });
});

describe('accumulateChatStream', () => {
  it('merges tool-call pieces by index and keeps the last finish_reason and the usage chunk', () => {
    const acc = accumulateChatStream();
    acc.add({ choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi ' } }] });
    acc.add({ choices: [{ index: 0, delta: { content: 'there', tool_calls: [{ index: 1, id: 'b', function: { name: 'two', arguments: '{"x"' } }] } }] });
    acc.add({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'a', function: { name: 'one', arguments: '{}' } }, { index: 1, function: { arguments: ':1}' } }] } }] });
    acc.add({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
    acc.add({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } });
    expect(acc.body()).toEqual({
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: 'Hi there', tool_calls: [
        { id: 'a', type: 'function', function: { name: 'one', arguments: '{}' } },
        { id: 'b', type: 'function', function: { name: 'two', arguments: '{"x":1}' } },
      ] } }],
      usage: { prompt_tokens: 1, completion_tokens: 2 },
    });
  });
});
