// Anthropic usage has one normaliser (src/models/usage.ts) for the built-in client and the proxy:
// a partial cache_creation split keeps the rest as 5-minute writes (atkB16 #1b), and a stream's
// message_delta with null fields never erases message_start's cache counts (atkB16 #1).
import { expect, it } from 'vitest';
import { accumulateAnthropicStream } from '../../../src/models/anthropic-messages.ts';
import { normaliseAnthropicUsage } from '../../../src/models/usage.ts';
import { StreamUsage, usageOfBody } from '../../../src/proxy/usage.ts';

it('a cache_creation split naming fewer tokens than the total: the rest are 5-minute writes, in both readers', () => {
  const raw = { input_tokens: 10, output_tokens: 20, cache_creation_input_tokens: 50_000, cache_creation: { ephemeral_1h_input_tokens: 30_000 } };
  const want = { input_uncached: 10, cache_read: 0, cache_write_5m: 20_000, cache_write_1h: 30_000, output: 20, reasoning: 0 };
  expect(normaliseAnthropicUsage(raw)).toMatchObject({ missing: false, usage: want });
  expect(usageOfBody('anthropic', { usage: raw })?.usage).toEqual(want);
  // a split larger than the total counts the split; a full split as given
  expect(normaliseAnthropicUsage({ ...raw, cache_creation_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 5, ephemeral_1h_input_tokens: 7 } }).usage).toMatchObject({ cache_write_5m: 5, cache_write_1h: 7 });
  expect(normaliseAnthropicUsage({ ...raw, cache_creation: { ephemeral_5m_input_tokens: 20_000, ephemeral_1h_input_tokens: 30_000 } }).usage).toMatchObject({ cache_write_5m: 20_000, cache_write_1h: 30_000 });
});

const start = { input_tokens: 10, cache_read_input_tokens: 200_000, cache_creation_input_tokens: 50_000, output_tokens: 1 };
const events = (delta: Record<string, unknown>) => [
  { type: 'message_start', message: { id: 'm1', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, usage: start } },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: delta },
  { type: 'message_stop' },
];

it('a message_delta whose cache (and input) fields are null keeps message_start\'s counts, in both readers', () => {
  for (const delta of [{ input_tokens: null, cache_read_input_tokens: null, cache_creation_input_tokens: null, output_tokens: 20 }, { cache_read_input_tokens: null, output_tokens: 20 }]) {
    const want = { input_uncached: 10, cache_read: 200_000, cache_write_5m: 50_000, cache_write_1h: 0, output: 20, reasoning: 0 };
    const acc = accumulateAnthropicStream();
    for (const ev of events(delta)) acc.add(ev);
    expect(normaliseAnthropicUsage(acc.body().usage).usage, JSON.stringify(delta)).toEqual(want);
    const s = new StreamUsage('anthropic');
    for (const ev of events(delta)) s.add(ev);
    expect(s.result()?.usage).toEqual(want);
  }
});
