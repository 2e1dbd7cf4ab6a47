import { describe, expect, it } from 'vitest';
import { SseSplitter, dataOf } from '../../../src/proxy/sse.ts';
import { StreamUsage, normaliseAnthropicUsage, normaliseOpenAIUsage, usageOfBody } from '../../../src/proxy/usage.ts';

describe('normaliseAnthropicUsage (input_tokens exclude cache reads and writes)', () => {
  it('splits cache writes by TTL when the breakdown is given', () => {
    const n = normaliseAnthropicUsage({ input_tokens: 10, cache_read_input_tokens: 200, cache_creation_input_tokens: 50, cache_creation: { ephemeral_5m_input_tokens: 20, ephemeral_1h_input_tokens: 30 }, output_tokens: 7 });
    expect(n!.usage).toEqual({ input_uncached: 10, cache_read: 200, cache_write_5m: 20, cache_write_1h: 30, output: 7, reasoning: 0 });
  });
  it('counts all cache writes as 5-minute writes without a breakdown', () => {
    expect(normaliseAnthropicUsage({ input_tokens: 1, cache_creation_input_tokens: 40, output_tokens: 2 })!.usage).toMatchObject({ cache_write_5m: 40, cache_write_1h: 0 });
  });
  it('is null for a missing usage', () => {
    expect(normaliseAnthropicUsage(undefined)).toBeNull();
    expect(usageOfBody('anthropic', { content: [] })).toBeNull();
  });
});

describe('normaliseOpenAIUsage', () => {
  it('reads Chat Completions usage (prompt_tokens include cached_tokens)', () => {
    expect(normaliseOpenAIUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 60 } })!.usage).toMatchObject({ input_uncached: 40, cache_read: 60, output: 5 });
  });
  it('reads Responses usage (input_tokens include cached, output_tokens include reasoning)', () => {
    const n = normaliseOpenAIUsage({ input_tokens: 100, input_tokens_details: { cached_tokens: 60 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 20 } });
    expect(n!.usage).toMatchObject({ input_uncached: 40, cache_read: 60, output: 30, reasoning: 20 });
  });
  it('keeps OpenRouter’s reported cost as billed_usd', () => {
    expect(normaliseOpenAIUsage({ prompt_tokens: 1, completion_tokens: 1, cost: 0.0123 })!.billed_usd).toBe(0.0123);
  });
});

describe('StreamUsage', () => {
  it('Anthropic: message_delta’s cumulative counts override message_start’s; nulls do not erase', () => {
    const s = new StreamUsage('anthropic');
    s.add({ type: 'message_start', message: { usage: { input_tokens: 12, cache_read_input_tokens: 900, output_tokens: 1 } } });
    s.add({ type: 'content_block_delta', delta: { text: 'x' } });
    s.add({ type: 'message_delta', usage: { output_tokens: 40, cache_read_input_tokens: null } });
    s.add({ type: 'message_delta', usage: { output_tokens: 77 } });
    expect(s.result()!.usage).toMatchObject({ input_uncached: 12, cache_read: 900, output: 77 });
  });
  it('OpenAI: the chunk that carries usage; Responses: response.completed', () => {
    const chat = new StreamUsage('openai');
    chat.add({ choices: [{ delta: { content: 'a' } }], usage: null });
    chat.add({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 3 } });
    expect(chat.result()!.usage).toMatchObject({ input_uncached: 9, output: 3 });
    const resp = new StreamUsage('openai');
    resp.add({ type: 'response.output_text.delta', delta: 'a' });
    resp.add({ type: 'response.completed', response: { usage: { input_tokens: 5, output_tokens: 2 } } });
    expect(resp.result()!.usage).toMatchObject({ input_uncached: 5, output: 2 });
  });
  it('is null when the stream reported no usage', () => {
    expect(new StreamUsage('openai').result()).toBeNull();
    expect(new StreamUsage('anthropic').result()).toBeNull();
    // events whose usage holds no count: unknown, not a crash of the pricing after it (atkT15 #2)
    const empty = new StreamUsage('anthropic');
    empty.add({ type: 'message_start', message: { usage: {} } });
    empty.add({ type: 'message_delta', usage: {} });
    empty.add({ type: 'message_stop' });
    expect(empty.result()).toBeNull();
  });
});

describe('SseSplitter', () => {
  it('reassembles events split across chunks, with \\n\\n or \\r\\n\\r\\n separators', () => {
    const s = new SseSplitter();
    expect(s.push('event: a\ndata: {"x"').events).toEqual([]);
    const { events } = s.push(':1}\n\ndata: two\r\n\r\ndata: thr');
    expect(events.map((e) => e.data)).toEqual(['{"x":1}', 'two']);
    expect(events[0]!.raw).toBe('event: a\ndata: {"x":1}');
    expect(s.rest()).toBe('data: thr');
  });
  it('joins multi-line data and strips one optional space', () => {
    expect(dataOf('data: a\ndata:b\nid: 3')).toBe('a\nb');
  });
  it('gives up parsing (and passes text through) when one event grows past the bound', () => {
    const s = new SseSplitter(10);
    const r = s.push('data: 0123456789abc');
    expect(r.events).toEqual([]);
    expect(r.overflow).toBe('data: 0123456789abc');
    expect(s.broken).toBe(true);
    expect(s.push('\n\ndata: x\n\n')).toEqual({ events: [], overflow: '\n\ndata: x\n\n' });
  });
});

describe('a usage object with no count (atkS15 #2)', () => {
  it('is no usage in either dialect: the call is priced as unknown, never $0', () => {
    for (const raw of [{}, { total_tokens: 51234 }, { input_tokens: '10' }]) {
      expect(normaliseOpenAIUsage(raw), JSON.stringify(raw)).toBeNull();
      expect(normaliseAnthropicUsage(raw), JSON.stringify(raw)).toBeNull();
    }
    // an input count without an output count is no usage either (atkT15 #3: priced as output 0)
    expect(normaliseAnthropicUsage({ input_tokens: 1000 })).toBeNull();
    expect(normaliseAnthropicUsage({ cache_read_input_tokens: 0 })).toBeNull();
    expect(normaliseOpenAIUsage({ prompt_tokens: 1000 })).toBeNull();
    expect(normaliseOpenAIUsage({ input_tokens: 1000 })).toBeNull();
    // and an output count without an input count (its input would be priced at 0)
    expect(normaliseAnthropicUsage({ output_tokens: 3 })).toBeNull();
    expect(normaliseOpenAIUsage({ completion_tokens: 3 })).toBeNull();
    expect(normaliseAnthropicUsage({ input_tokens: 0, output_tokens: 3 })?.usage.output).toBe(3);
    expect(normaliseOpenAIUsage({ input_tokens: 4, output_tokens: 2 })?.usage.output).toBe(2);
  });
});

describe('total_tokens beyond input + output is output (atkB16 #6)', () => {
  it('in both OpenAI usage shapes', () => {
    expect(normaliseOpenAIUsage({ prompt_tokens: 20, completion_tokens: 151, total_tokens: 553 })?.usage).toMatchObject({ input_uncached: 20, output: 533, reasoning: 382 });
    expect(normaliseOpenAIUsage({ input_tokens: 20, output_tokens: 151, total_tokens: 553 })?.usage).toMatchObject({ input_uncached: 20, output: 533, reasoning: 382 });
  });
});
