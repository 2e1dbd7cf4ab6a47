// SseRedactor: the key is removed from every event of both dialects, also when spread over many
// deltas; held-back text goes out in a well-formed delta before the event that ends its channel.
import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../../src/core/redact.ts';
import { dataOf } from '../../../src/proxy/sse.ts';
import { SseRedactor } from '../../../src/proxy/sse-redact.ts';
import type { Dialect } from '../../../src/proxy/usage.ts';

const KEY = 'sk-test-sse-key-0123456789';

/** Feeds events (objects as `data:` JSON, strings verbatim as data) and returns the parsed output events. */
function run(dialect: Dialect, events: Array<Record<string, unknown> | string>): Array<Record<string, unknown> | string> {
  const r = new SseRedactor(dialect, [KEY]);
  const out: string[] = [];
  for (const ev of events) {
    const raw = typeof ev === 'string' ? `data: ${ev}` : `${typeof ev.type === 'string' ? `event: ${ev.type}\n` : ''}data: ${JSON.stringify(ev)}`;
    out.push(...r.event({ raw, data: dataOf(raw) }, typeof ev === 'string' ? null : structuredClone(ev)));
  }
  out.push(...r.end());
  return out.map((raw) => {
    const d = dataOf(raw);
    return d === '[DONE]' ? d : (JSON.parse(d) as Record<string, unknown>);
  });
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });
const textOf = (evs: ReturnType<typeof run>) =>
  evs.map((e) => (typeof e === 'string' ? '' : ((e.choices as any)?.[0]?.delta?.content ?? (e as any).delta?.text ?? ''))).join('');

describe('SseRedactor', () => {
  it('OpenAI: a key over three deltas becomes [REDACTED]; a tail that only looks like its start is sent before finish_reason', () => {
    const out = run('openai', [chunk({ content: 'k=sk-test' }), chunk({ content: '-sse-key-01' }), chunk({ content: '23456789; sk-te' }), chunk({}, 'stop'), '[DONE]']);
    expect(textOf(out)).toBe(`k=${REDACTED}; sk-te`);
    expect(JSON.stringify(out)).not.toContain('sse-key');
    // The held-back "sk-te" went out in its own delta, before the finishing chunk, which stays last but [DONE].
    const finishAt = out.findIndex((e) => typeof e !== 'string' && (e.choices as any)[0].finish_reason === 'stop');
    expect(textOf(out.slice(0, finishAt))).toBe(`k=${REDACTED}; sk-te`);
    expect(out.at(-1)).toBe('[DONE]');
  });

  it('OpenAI: a last delta that also carries finish_reason sends its held-back text itself, in order', () => {
    const out = run('openai', [chunk({ content: 'k=sk-test-sse' }), chunk({ content: '-key-0123456789 sk-t' }, 'stop'), '[DONE]']);
    expect(textOf(out)).toBe(`k=${REDACTED} sk-t`);
    expect(out).toHaveLength(3);
    expect((out[1] as any).choices[0]).toMatchObject({ finish_reason: 'stop', delta: { content: `${REDACTED} sk-t` } });
  });

  it('OpenAI: tool-call arguments are a channel of their own', () => {
    const tool = (args: string) => chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] });
    const out = run('openai', [tool('{"k":"sk-test-sse'), tool('-key-0123456789"}'), chunk({}, 'tool_calls')]);
    const args = out.map((e) => (typeof e === 'string' ? '' : ((e.choices as any)[0].delta.tool_calls?.[0]?.function?.arguments ?? ''))).join('');
    expect(args).toBe(`{"k":"${REDACTED}"}`);
  });

  it('Anthropic: a key over deltas with a ping between; the held tail is sent before content_block_stop', () => {
    const delta = (text: string) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
    const out = run('anthropic', [
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      delta(`x ${KEY.slice(0, 9)}`),
      { type: 'ping' },
      delta(`${KEY.slice(9)} sk-te`),
      { type: 'content_block_stop', index: 0 },
      { type: 'message_stop' },
    ]);
    expect(textOf(out)).toBe(`x ${REDACTED} sk-te`);
    const types = out.map((e) => (e as Record<string, unknown>).type);
    expect(types.slice(-2)).toEqual(['content_block_stop', 'message_stop']);
    expect(JSON.stringify(out)).not.toContain(KEY);
  });

  it('redacts a key anywhere in an event, as written or JSON-escaped', () => {
    const out = run('anthropic', [{ type: 'error', error: { type: 'api_error', message: `bad key ${KEY}` } }]);
    expect(JSON.stringify(out)).not.toContain(KEY);
    expect(JSON.stringify(out)).toContain(REDACTED);
  });
});
