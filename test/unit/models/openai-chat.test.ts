import { afterEach, describe, expect, it } from 'vitest';
import { ModelSpec } from '../../../src/config/models.ts';
import type { PriceRow } from '../../../src/config/prices.ts';
import { OpenAIChatClient, type OpenAIChatClientOptions } from '../../../src/models/openai-chat.ts';
import { ModelCallError, type ToolDef } from '../../../src/models/types.ts';
import { errorReply, startFakeOpenAI, textReply, toolCall, type FakeOpenAI, type FakeScript } from '../../helpers/fake-openai.ts';

const KEY = 'sk-test-0123456789abcdef-SECRET';
const price: PriceRow = { input: '0.28', output: '0.42', cache_read: '0.028' };

let server: FakeOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A client against a fresh fake server; sleeps are recorded, not slept. */
async function setup(script: FakeScript, opts: OpenAIChatClientOptions = {}, specExtra: Record<string, unknown> = {}) {
  server = await startFakeOpenAI(script);
  const spec = ModelSpec.parse({
    id: 'fake-chat',
    provider: 'fake',
    api: 'openai',
    base_url: server.baseURL,
    api_key_env: 'FAKE_API_KEY',
    model: 'vendor/fake-model',
    vendor: 'fake',
    region: 'US',
    params: { temperature: 0 },
    ...specExtra,
  });
  const sleeps: number[] = [];
  const client = new OpenAIChatClient(spec, KEY, price, {
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0,
    ...opts,
  });
  return { client, sleeps, server };
}

const user = [{ role: 'user' as const, content: 'hi' }];

describe('OpenAIChatClient', () => {
  it('returns the message and a CallRecord with normalised usage and list_usd from the price row', async () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 400 }, completion_tokens_details: { reasoning_tokens: 50 } };
    const { client } = await setup([textReply('hello', { usage })]);
    const reply = await client.chat(user);
    expect(reply.message).toEqual({ content: 'hello', tool_calls: [] });
    expect(reply.finish_reason).toBe('stop');
    expect(reply.call.usage).toEqual({ input_uncached: 600, cache_read: 400, cache_write_5m: 0, cache_write_1h: 0, output: 200, reasoning: 50 });
    expect(reply.call.raw_usage).toEqual(usage);
    // (600·0.28 + 400·0.028 + 200·0.42) / 1e6
    expect(reply.call.list_usd).toBeCloseTo((600 * 0.28 + 400 * 0.028 + 200 * 0.42) / 1e6, 15);
    expect(reply.call.billed_usd).toBeNull();
    expect(reply.call.ms).toBeGreaterThanOrEqual(0);
  });

  it('sends model, params, messages and tools, with the key in the Authorization header', async () => {
    const { client } = await setup([toolCall('bash', { command: 'ls' })]);
    const tools: ToolDef[] = [{ type: 'function', function: { name: 'bash', description: 'run', parameters: { type: 'object', properties: {} } } }];
    const reply = await client.chat(user, { tools });
    const req = server!.requests[0]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.body).toMatchObject({ model: 'vendor/fake-model', temperature: 0, messages: user, tools, stream: false });
    expect(reply.message.tool_calls).toEqual([{ id: 'call_0_0', type: 'function', function: { name: 'bash', arguments: '{"command":"ls"}' } }]);
    expect(reply.finish_reason).toBe('tool_calls');
  });

  it('sends no tools field when none are given', async () => {
    const { client } = await setup([textReply('x')]);
    await client.chat(user);
    expect(server!.requests[0]!.body).not.toHaveProperty('tools');
  });

  it('works with a base URL without /v1', async () => {
    server = await startFakeOpenAI([textReply('ok')]);
    const spec = ModelSpec.parse({
      id: 'm', provider: 'p', api: 'openai', base_url: server.baseURL.replace(/\/v1$/, ''), api_key_env: 'K', model: 'm', vendor: 'v', region: 'US',
    });
    const reply = await new OpenAIChatClient(spec, KEY, null).chat(user);
    expect(reply.message.content).toBe('ok');
    expect(server.requests[0]!.path).toBe('/chat/completions');
    expect(reply.call.list_usd).toBeNull(); // unknown price → null, never 0
  });

  it('keeps OpenRouter usage.cost as billed_usd beside list_usd', async () => {
    const { client } = await setup([textReply('x', { usage: { prompt_tokens: 100, completion_tokens: 10, cost: 0.0042 } })]);
    const { call } = await client.chat(user);
    expect(call.billed_usd).toBe(0.0042);
    expect(call.list_usd).toBeCloseTo((100 * 0.28 + 10 * 0.42) / 1e6, 15);
  });

  it('a reply without usage gives zero tokens, raw_usage null and an unknown (null) cost', async () => {
    const { client } = await setup([textReply('x', { usage: null })]);
    const { call } = await client.chat(user);
    expect(call.raw_usage).toBeNull();
    expect(call.usage.input_uncached + call.usage.output).toBe(0);
    expect(call.list_usd).toBeNull();
  });

  it('retries a 429 after the retry-after wait, and only the successful (billed) call is recorded', async () => {
    const { client, sleeps } = await setup([
      errorReply(429, { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' }, { 'retry-after': '2' }),
      textReply('done', { usage: { prompt_tokens: 10, completion_tokens: 5 } }),
    ]);
    const reply = await client.chat(user);
    expect(reply.message.content).toBe('done');
    expect(server!.requests).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
    expect(reply.call.usage.input_uncached).toBe(10);
    expect(reply.call.usage.output).toBe(5);
  });

  it('honours retry-after-ms over retry-after', async () => {
    const { client, sleeps } = await setup([
      errorReply(503, { message: 'overloaded' }, { 'retry-after-ms': '150', 'retry-after': '9' }),
      textReply('ok'),
    ]);
    await client.chat(user);
    expect(sleeps).toEqual([150]);
  });

  it('backs off exponentially on 5xx and gives up after maxTries with kind server', async () => {
    const { client, sleeps } = await setup(
      [errorReply(500, { message: 'a' }), errorReply(502, { message: 'b' }), errorReply(500, { message: 'c' }), errorReply(503, { message: 'd' })],
      { baseDelayMs: 10, maxTries: 4 },
    );
    const err = await client.chat(user).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelCallError);
    expect((err as ModelCallError).kind).toBe('server');
    expect((err as ModelCallError).status).toBe(503);
    expect((err as ModelCallError).call).toBeNull();
    expect(server!.requests).toHaveLength(4);
    expect(sleeps).toEqual([10, 20, 40]);
  });

  it('does not retry a 401, reports kind auth, and never puts the key in the message', async () => {
    const { client } = await setup([errorReply(401, { message: `Incorrect API key provided: ${KEY}.`, type: 'invalid_request_error', code: 'invalid_api_key' }), textReply('never')]);
    const err = (await client.chat(user).catch((e: unknown) => e)) as ModelCallError;
    expect(err).toBeInstanceOf(ModelCallError);
    expect(err.kind).toBe('auth');
    expect(err.status).toBe(401);
    expect(server!.requests).toHaveLength(1);
    expect(err.message).not.toContain(KEY);
    expect(err.message).not.toContain('0123456789abcdef');
    expect(JSON.stringify(client)).not.toContain(KEY);
    expect(String(err.stack)).not.toContain(KEY);
  });

  it.each([
    [403, { message: 'forbidden' }, 'auth'],
    [404, { message: 'The model `x` does not exist', code: 'model_not_found' }, 'not_found'],
    [402, { message: 'Insufficient credits' }, 'quota'],
    [429, { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' }, 'quota'],
    [400, { message: 'Invalid value for temperature', code: 'invalid_value' }, 'bad_request'],
  ] as const)('does not retry HTTP %i (%j) → kind %s', async (status, error, kind) => {
    const { client } = await setup([errorReply(status, error), textReply('never')]);
    const err = (await client.chat(user).catch((e: unknown) => e)) as ModelCallError;
    expect(err.kind).toBe(kind);
    expect(server!.requests).toHaveLength(1);
  });

  it('maps a context-length 400 to context_exceeded without retrying (by code)', async () => {
    const { client } = await setup([
      errorReply(400, { message: "This model's maximum context length is 8192 tokens.", type: 'invalid_request_error', code: 'context_length_exceeded' }),
      textReply('never'),
    ]);
    const err = (await client.chat(user).catch((e: unknown) => e)) as ModelCallError;
    expect(err.kind).toBe('context_exceeded');
    expect(server!.requests).toHaveLength(1);
  });

  it('maps a context-length 400 to context_exceeded by its message when there is no code', async () => {
    const { client } = await setup([errorReply(400, { message: 'This endpoint\'s maximum context length is 163840 tokens. However, you requested about 170000 tokens' })]);
    const err = (await client.chat(user).catch((e: unknown) => e)) as ModelCallError;
    expect(err.kind).toBe('context_exceeded');
  });

  it('retries network errors and reports kind network with no status', async () => {
    const probe = await startFakeOpenAI([]);
    const deadURL = probe.baseURL;
    await probe.close();
    const spec = ModelSpec.parse({ id: 'm', provider: 'p', api: 'openai-chat', base_url: deadURL, api_key_env: 'K', model: 'm', vendor: 'v', region: 'US' });
    const sleeps: number[] = [];
    const client = new OpenAIChatClient(spec, KEY, null, { sleep: async (ms) => void sleeps.push(ms), random: () => 0, baseDelayMs: 1, maxTries: 3 });
    const err = (await client.chat(user).catch((e: unknown) => e)) as ModelCallError;
    expect(err).toBeInstanceOf(ModelCallError);
    expect(err.kind).toBe('network');
    expect(err.status).toBeNull();
    expect(err.message).toContain(`(${deadURL}: is the server running?)`); // names where it called, for a local server not started
    expect(sleeps).toHaveLength(2);
  });

  it('a 2xx reply without choices is a bad_response whose billed call is kept, not retried', async () => {
    const { client } = await setup([{ body: { id: 'x', object: 'chat.completion', choices: [], usage: { prompt_tokens: 50, completion_tokens: 0 } } }, textReply('never')]);
    const err = (await client.chat(user).catch((e: unknown) => e)) as ModelCallError;
    expect(err.kind).toBe('bad_response');
    expect(err.call?.usage.input_uncached).toBe(50);
    expect(err.call?.list_usd).toBeCloseTo((50 * 0.28) / 1e6, 15);
    expect(server!.requests).toHaveLength(1);
  });

  it('a 2xx body carrying an upstream error (OpenRouter) is classified by its code and retried', async () => {
    const { client } = await setup([{ body: { error: { code: 502, message: 'Upstream error' } } }, textReply('ok')]);
    const reply = await client.chat(user);
    expect(reply.message.content).toBe('ok');
    expect(server!.requests).toHaveLength(2);
  });

  it('throws the abort reason, not a ModelCallError, when the signal aborts', async () => {
    const { client } = await setup([errorReply(500, { message: 'x' }), textReply('ok')], {
      sleep: (_ms, signal) => new Promise((_r, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
    });
    const ac = new AbortController();
    const p = client.chat(user, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stop')), 10);
    await expect(p).rejects.toThrow('stop');
  });

  it('refuses an empty API key naming the variable', () => {
    const spec = ModelSpec.parse({ id: 'm', provider: 'p', api: 'openai-chat', base_url: 'http://127.0.0.1:9/v1', api_key_env: 'MY_KEY', model: 'm', vendor: 'v', region: 'US' });
    expect(() => new OpenAIChatClient(spec, '', null)).toThrow(/MY_KEY/);
  });
});
