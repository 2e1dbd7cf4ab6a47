// Anthropic Messages clients against an OpenAI Chat upstream (issue 20.3): the real Anthropic SDK
// talks to the metering proxy, the proxy to the scripted fake provider speaking OpenAI's protocol.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startMeteringProxy, type MeteringProxy } from '../../../src/proxy/server.ts';
import { anthropicToOpenAIRequest, ChatToMessagesStream, openAIToAnthropicResponse } from '../../../src/proxy/translate.ts';
import { classifyEndpoint, serverSideFeature } from '../../../src/proxy/endpoints.ts';
import { errorReply, startFakeProvider, textReply, toolCall, type FakeProvider, type FakeScript } from '../../helpers/fake-provider.ts';

const KEY = 'sk-real-upstream-key-translate-1234';
let fake: FakeProvider | undefined;
let proxy: MeteringProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await fake?.close();
  proxy = fake = undefined;
});

async function setup(script: FakeScript, capUsd: number | null = null) {
  fake = await startFakeProvider(script);
  proxy = await startMeteringProxy({
    upstream: { dialect: 'openai', baseURL: fake.baseURL, apiKey: KEY, model: 'vendor/chat-model' },
    price: { input: '2', output: '8', cache_read: '0.5', cache_write: '2.5', cache_write_1h: '4' },
    capUsd,
  });
  return new Anthropic({ baseURL: proxy.anthropicBaseURL, apiKey: proxy.token, maxRetries: 0 });
}

const USAGE = { prompt_tokens: 1000, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 400 } };
// (600·2 + 400·0.5 + 200·8) / 1e6 = 0.003
const USD = 0.003;
const TOOLS = [{ name: 'bash', description: 'run a command', input_schema: { type: 'object' as const, properties: { command: { type: 'string' } }, required: ['command'] } }];

describe('translating proxy: Anthropic client, OpenAI Chat upstream', () => {
  it('a whole reply with a tool call: translated both ways, metered from the upstream usage', async () => {
    const client = await setup([toolCall('bash', { command: 'ls' }, { usage: USAGE, finish_reason: 'tool_calls' })]);
    const msg = await client.messages.create({
      model: 'claude-x', max_tokens: 500, system: 'be brief', tools: TOOLS, tool_choice: { type: 'any' },
      messages: [
        { role: 'user', content: 'list files' },
        { role: 'assistant', content: [{ type: 'text', text: 'ok' }, { type: 'tool_use', id: 'call_1', name: 'bash', input: { command: 'pwd' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '/repo' }, { type: 'text', text: 'go on' }] },
      ],
    });
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content).toEqual([{ type: 'tool_use', id: expect.any(String), name: 'bash', input: { command: 'ls' } }]);
    expect(msg.usage).toMatchObject({ input_tokens: 600, output_tokens: 200, cache_read_input_tokens: 400 });
    const sent = fake!.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.body).toMatchObject({
      model: 'vendor/chat-model', max_tokens: 500, tool_choice: 'required',
      tools: [{ type: 'function', function: { name: 'bash', parameters: TOOLS[0]!.input_schema } }],
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'list files' },
        { role: 'assistant', content: 'ok', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'bash', arguments: '{"command":"pwd"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '/repo' },
        { role: 'user', content: 'go on' },
      ],
    });
    expect(proxy!.calls).toHaveLength(1);
    expect(proxy!.calls[0]).toMatchObject({ path: '/v1/messages', status: 200, stream: false, requested_model: 'claude-x', usage: { input_uncached: 600, cache_read: 400, output: 200 } });
    expect(proxy!.calls[0]!.list_usd).toBeCloseTo(USD, 12);
  });

  it('a streamed reply: text and tool-call deltas become Anthropic events; usage metered exactly', async () => {
    const client = await setup([{ content: 'Applying the fix.', tool_calls: [{ id: 'call_9', name: 'bash', arguments: { command: 'git apply x.patch' } }], finish_reason: 'tool_calls', usage: USAGE }]);
    const stream = client.messages.stream({ model: 'claude-x', max_tokens: 100, tools: TOOLS, messages: [{ role: 'user', content: 'fix it' }] });
    const final = await stream.finalMessage();
    expect(final.content).toMatchObject([
      { type: 'text', text: 'Applying the fix.' },
      { type: 'tool_use', id: 'call_9', name: 'bash', input: { command: 'git apply x.patch' } },
    ]);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage).toMatchObject({ input_tokens: 600, output_tokens: 200, cache_read_input_tokens: 400 });
    expect(fake!.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(proxy!.calls).toHaveLength(1);
    expect(proxy!.calls[0]).toMatchObject({ stream: true, usage: { input_uncached: 600, cache_read: 400, output: 200 } });
    expect(proxy!.calls[0]!.list_usd).toBeCloseTo(USD, 12);
  });

  it('upstream errors reach the client as Anthropic errors with the status, without the key', async () => {
    const client = await setup([errorReply(429, { message: `slow down (key ${KEY})`, type: 'rate_limit' })]);
    const err = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as InstanceType<typeof Anthropic.APIError>);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.status).toBe(429);
    expect((err.error as { error: { type: string; message: string } }).error.type).toBe('rate_limit_error');
    expect(JSON.stringify(err.error)).not.toContain(KEY);
    expect(proxy!.calls).toHaveLength(0);
    expect(proxy!.upstreamErrors.count).toBe(1);
  });

  it('count_tokens is answered by the proxy, never billed or recorded; the cap refuses in the Anthropic dialect', async () => {
    const client = await setup([textReply('one', { usage: USAGE })], 0.002);
    const counted = await client.messages.countTokens({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    expect(counted.input_tokens).toBeGreaterThan(100);
    expect(fake!.requests).toHaveLength(0);
    await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const refused = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'again' }] }).then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as InstanceType<typeof Anthropic.APIError>);
    expect(refused.status).toBe(402);
    expect((refused.error as { error: { type: string } }).error.type).toBe('billing_error');
    expect(proxy!.calls).toHaveLength(1);
    expect(proxy!.calls.every((c) => c.list_usd !== null)).toBe(true);
  });
});

describe('translation, pure', () => {
  it('request: images, error tool results, stop sequences, server tools dropped', () => {
    const out = anthropicToOpenAIRequest({
      model: 'm', max_tokens: 5, stop_sequences: ['END'], temperature: 0,
      tools: [{ type: 'web_search_20250305', name: 'web_search' }, TOOLS[0]],
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', is_error: true, content: [{ type: 'text', text: 'boom' }] }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAA' } }, { type: 'text', text: 'see' }] }],
    });
    expect(out).toEqual({
      model: 'm', max_tokens: 5, stop: ['END'], temperature: 0,
      tools: [{ type: 'function', function: { name: 'bash', description: 'run a command', parameters: TOOLS[0]!.input_schema } }],
      messages: [
        { role: 'tool', tool_call_id: 't1', content: '[error] boom' },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAA' } }, { type: 'text', text: 'see' }] },
      ],
    });
  });
  it('response: finish reasons map; a malformed 200 becomes an api_error', () => {
    expect(openAIToAnthropicResponse(200, { choices: [{ message: { content: 'x' }, finish_reason: 'length' }] })).toMatchObject({ stop_reason: 'max_tokens', content: [{ type: 'text', text: 'x' }] });
    expect(openAIToAnthropicResponse(200, { nope: 1 })).toEqual({ type: 'error', error: { type: 'api_error', message: 'upstream HTTP 502' } });
  });
  it('stream: a stream cut before [DONE] is still closed by end(), text split across chunks at any byte', () => {
    const t = new ChatToMessagesStream('m');
    const body = `data: ${JSON.stringify({ id: 'c1', choices: [{ index: 0, delta: { content: 'he' } }] })}\n\ndata: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'llo' }, finish_reason: 'stop' }] })}\n\n`;
    let out = '';
    for (let i = 0; i < body.length; i += 7) out += t.push(body.slice(i, i + 7));
    out += t.end() + t.end();
    const events = out.split('\n\n').filter(Boolean).map((e) => JSON.parse(e.split('\ndata: ')[1]!));
    expect(events.map((e) => e.type)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(events.filter((e) => e.type === 'content_block_delta').map((e) => e.delta.text).join('')).toBe('hello');
    expect(events[5].delta.stop_reason).toBe('end_turn');
  });
  it('free endpoints are count_tokens and model lists only; every other model endpoint is billed; the rest is refused', () => {
    expect(classifyEndpoint('anthropic', 'POST', '/v1/messages/count_tokens')).toEqual({ kind: 'free' });
    expect(classifyEndpoint('openai', 'GET', '/v1/models')).toEqual({ kind: 'free' });
    expect(classifyEndpoint('openai', 'GET', '/v1/models/gpt-x')).toEqual({ kind: 'free' });
    expect(classifyEndpoint('anthropic', 'POST', '/v1/messages')).toEqual({ kind: 'billed' });
    expect(classifyEndpoint('openai', 'POST', '/v1/chat/completions')).toEqual({ kind: 'billed' });
    expect(classifyEndpoint('openai', 'POST', '/v1/responses')).toEqual({ kind: 'billed' });
    expect(classifyEndpoint('openai', 'POST', '/v1/batches')).toHaveProperty('refused');
    expect(classifyEndpoint('openai', 'GET', '/v1/files')).toHaveProperty('refused');
  });
  it('server-side tools and MCP servers are refused in the Anthropic dialect; client tools (custom, bash, text editor) pass', () => {
    expect(serverSideFeature('anthropic', { tools: [{ type: 'web_search_20250305', name: 'web_search' }] })).toMatch(/web_search_20250305/);
    expect(serverSideFeature('anthropic', { tools: [{ type: 'web_fetch_20250910', name: 'web_fetch' }] })).toMatch(/web_fetch/);
    expect(serverSideFeature('anthropic', { mcp_servers: [{ type: 'url', url: 'https://example.invalid' }] })).toMatch(/mcp_servers/);
    expect(serverSideFeature('anthropic', { tools: [{ name: 'Bash', input_schema: {} }, { type: 'bash_20250124', name: 'bash' }, { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' }] })).toBeNull();
  });
});

describe('translating proxy: OpenAI Chat client, Anthropic upstream', () => {
  async function setupA(script: FakeScript) {
    fake = await startFakeProvider(script);
    proxy = await startMeteringProxy({
      upstream: { dialect: 'anthropic', baseURL: fake.rootURL, apiKey: KEY, model: 'claude-real' },
      price: { input: '2', output: '8', cache_read: '0.5', cache_write: '2.5', cache_write_1h: '4' },
      capUsd: null,
    });
    return new OpenAI({ baseURL: proxy.openaiBaseURL, apiKey: proxy.token, maxRetries: 0 });
  }
  const AUSAGE = { input_tokens: 600, output_tokens: 200, cache_read_input_tokens: 400, cache_creation_input_tokens: 0 };
  const FN = [{ type: 'function' as const, function: { name: 'bash', parameters: { type: 'object', properties: { command: { type: 'string' } } } } }];

  it('a whole reply with a tool call, translated both ways and metered from the Anthropic usage', async () => {
    const client = await setupA([toolCall('bash', { command: 'ls' }, { usage: AUSAGE, finish_reason: 'tool_calls' })]);
    const r = await client.chat.completions.create({
      model: 'gpt-ish', tools: FN, tool_choice: 'required',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'list' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'bash', arguments: '{"command":"pwd"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: '/repo' },
      ],
    });
    expect(r.choices[0]!.finish_reason).toBe('tool_calls');
    expect(r.choices[0]!.message.tool_calls![0]).toMatchObject({ type: 'function', function: { name: 'bash', arguments: '{"command":"ls"}' } });
    expect(r.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 400 } });
    const sent = fake!.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(KEY);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.body).toEqual({
      model: 'claude-real', max_tokens: 8192, system: 'be brief', tool_choice: { type: 'any' },
      tools: [{ name: 'bash', input_schema: FN[0]!.function.parameters }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'list' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'bash', input: { command: 'pwd' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c1', content: '/repo' }] },
      ],
    });
    expect(proxy!.calls[0]).toMatchObject({ path: '/v1/chat/completions', usage: { input_uncached: 600, cache_read: 400, output: 200 } });
    expect(proxy!.calls[0]!.list_usd).toBeCloseTo(USD, 12);
  });

  it('a streamed reply: text and tool-call chunks, usage chunk only when asked; metered exactly', async () => {
    const reply = { content: 'On it.', tool_calls: [{ id: 'tu_1', name: 'bash', arguments: { command: 'git apply p' } }], finish_reason: 'tool_calls', usage: AUSAGE };
    const client = await setupA([reply, reply]);
    for (const includeUsage of [true, false]) {
      const stream = await client.chat.completions.create({ model: 'x', tools: FN, messages: [{ role: 'user', content: 'fix' }], stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) });
      let text = '';
      let args = '';
      let name = '';
      let finish: string | null = null;
      let usage: unknown = null;
      for await (const c of stream) {
        if (c.usage) usage = c.usage;
        const ch = c.choices[0];
        if (!ch) continue;
        text += ch.delta.content ?? '';
        for (const t of ch.delta.tool_calls ?? []) {
          name ||= t.function?.name ?? '';
          args += t.function?.arguments ?? '';
        }
        finish = ch.finish_reason ?? finish;
      }
      expect({ text, name, args: JSON.parse(args), finish }).toEqual({ text: 'On it.', name: 'bash', args: { command: 'git apply p' }, finish: 'tool_calls' });
      expect(usage).toEqual(includeUsage ? { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200, prompt_tokens_details: { cached_tokens: 400 } } : null);
    }
    expect(proxy!.calls).toHaveLength(2);
    for (const c of proxy!.calls) {
      expect(c).toMatchObject({ stream: true, usage: { input_uncached: 600, cache_read: 400, output: 200 } });
      expect(c.list_usd).toBeCloseTo(USD, 12);
    }
  });

  it('an upstream error reaches the client as an OpenAI error with its status', async () => {
    const client = await setupA([errorReply(529, { message: 'overloaded', type: 'overloaded_error' })]);
    const err = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }).then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    expect(err.status).toBe(529);
    expect(err.message).toMatch(/overloaded/);
    expect(proxy!.calls).toHaveLength(0);
  });
});
