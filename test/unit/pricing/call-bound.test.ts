import { describe, expect, it } from 'vitest';
import { ModelSpec } from '../../../src/config/models.ts';
import type { PricedModel } from '../../../src/config/catalog.ts';
import { DEFAULT_MAX_TOKENS } from '../../../src/models/anthropic.ts';
import type { ChatMessage } from '../../../src/models/types.ts';
import { ANTHROPIC_DEFAULT_MAX_TOKENS, ANTHROPIC_TOOL_PROMPT_TOKENS, DEFAULT_OUTPUT_TOKENS, callBounder, requestBound } from '../../../src/pricing/call-bound.ts';

const spec = (over: Record<string, unknown> = {}) =>
  ModelSpec.parse({ id: 'm', provider: 'fake', api: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key_env: 'K', model: 'fake/m', vendor: 'F', region: 'US', ...over });
const row = { input: '2.00', output: '8.00' };
const ceiling = { input: '10.00', output: '40.00' };
const messages: ChatMessage[] = [{ role: 'system', content: 'sys' }, { role: 'user', content: 'fix the bug ✓' }];

describe('callBounder (the pending line\'s bound)', () => {
  it('keeps the Anthropic client\'s default max_tokens', () => {
    expect(ANTHROPIC_DEFAULT_MAX_TOKENS).toBe(DEFAULT_MAX_TOKENS);
  });

  it('prices the request bytes as prompt tokens and max_tokens as output at the model\'s row', () => {
    const m: PricedModel = { spec: spec({ params: { max_tokens: 1000 } }), price: row, ceiling };
    const b = callBounder([m])(messages);
    const bytes = Buffer.byteLength(JSON.stringify({ max_tokens: 1000, model: 'fake/m', messages }));
    expect(b).toMatchObject({ price_key: 'm', bounded: true });
    // every byte of the request as sent is a prompt token (a few bytes of slack for the keys)
    expect(b.usd!).toBeGreaterThanOrEqual((bytes * 2 + 1000 * 8) / 1e6);
    expect(b.usd!).toBeLessThanOrEqual(((bytes + 24) * 2 + 1000 * 8) / 1e6);
  });

  it('prices the prompt at the dearest of input and cache-write rates: a request may ask for its prompt to be cached (atkD16 #3)', () => {
    const withWrites = { input: '2.00', output: '8.00', cache_write: '2.50', cache_write_1h: '4.00' };
    const m: PricedModel = { spec: spec({ params: { max_tokens: 1000 } }), price: withWrites, ceiling };
    const b = callBounder([m])(messages);
    const bytes = Buffer.byteLength(JSON.stringify({ max_tokens: 1000, model: 'fake/m', messages }));
    expect(b.usd!).toBeGreaterThanOrEqual((bytes * 4 + 1000 * 8) / 1e6);
    expect(b.usd!).toBeLessThanOrEqual(((bytes + 24) * 4 + 1000 * 8) / 1e6);
  });

  it('an Anthropic request with tools counts the tool-use system prompt Anthropic adds, not in its bytes (atkD16 #3); an OpenAI one does not', () => {
    const tools = [{ type: 'function' as const, function: { name: 'bash', description: 'run', parameters: { type: 'object', properties: {} } } }];
    const per = (api: string, t?: typeof tools) => callBounder([{ spec: spec({ api, params: { max_tokens: 1000 } }), price: row, ceiling }])(messages, t ? { tools: t } : undefined).usd!;
    const toolsBytes = Buffer.byteLength(JSON.stringify(tools));
    expect(per('anthropic', tools) - per('anthropic')).toBeCloseTo(((toolsBytes + ANTHROPIC_TOOL_PROMPT_TOKENS) * 2) / 1e6, 9);
    expect(per('openai', tools) - per('openai')).toBeCloseTo((toolsBytes * 2) / 1e6, 9);
    // the proxy's pending line, from the body it forwards
    const body = JSON.stringify({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'say "tools": [{ here' }] });
    const withTools = JSON.stringify({ model: 'm', max_tokens: 100, tools: [{ name: 'bash', input_schema: { type: 'object' } }], messages: [{ role: 'user', content: 'x' }] });
    const m = (api: string): PricedModel => ({ spec: spec({ api }), price: row, ceiling });
    expect(requestBound(body, m('anthropic')).usd).toBeCloseTo(requestBound(body, m('openai')).usd!, 12);
    expect(requestBound(withTools, m('anthropic')).usd! - requestBound(withTools, m('openai')).usd!).toBeCloseTo((ANTHROPIC_TOOL_PROMPT_TOKENS * 2) / 1e6, 12);
  });

  it('an Anthropic request without max_tokens is bounded by the client\'s default', () => {
    const b = callBounder([{ spec: spec({ api: 'anthropic' }), price: row, ceiling }])(messages);
    expect(b.bounded).toBe(true);
    expect(b.usd!).toBeGreaterThan((DEFAULT_MAX_TOKENS * 8) / 1e6);
    expect(b.usd!).toBeLessThan((DEFAULT_MAX_TOKENS * 8 + 1000 * 2) / 1e6);
  });

  it('no output limit: DEFAULT_OUTPUT_TOKENS, marked not a bound', () => {
    const b = callBounder([{ spec: spec(), price: row, ceiling }])(messages);
    expect(b.bounded).toBe(false);
    expect(b.usd!).toBeGreaterThan((DEFAULT_OUTPUT_TOKENS * 8) / 1e6);
  });

  it('a router entry or an unpriced model is priced at the ceiling (no bound); nothing priced gives null', () => {
    const router = callBounder([{ spec: spec({ params: { max_tokens: 10 } }), price: row, ceiling, served: () => null }])(messages);
    expect(router).toMatchObject({ price_key: 'ceiling', bounded: false });
    const own = callBounder([{ spec: spec({ params: { max_tokens: 10 } }), price: row, ceiling }])(messages);
    expect(router.usd!).toBeGreaterThan(own.usd! * 4);
    expect(callBounder([{ spec: spec(), price: null, ceiling }])(messages).price_key).toBe('ceiling');
    expect(callBounder([{ spec: spec(), price: null, ceiling: null }])(messages)).toEqual({ usd: null, price_key: null, bounded: false });
  });

  it('an image part counts IMAGE_TOKENS, the gpt-4o-mini high-detail worst case, and is no bound (attackC F4: a 2048 px PNG billed 25 501 tokens)', () => {
    const m: PricedModel = { spec: spec({ params: { max_tokens: 10 } }), price: row, ceiling };
    const img = (url: string): ChatMessage[] => [{ role: 'user', content: [{ type: 'text', text: 'see' }, { type: 'image_url', image_url: { url } }] }];
    const local = callBounder([m])(img('data:image/png;base64,AAAA'));
    expect(local.bounded).toBe(false);
    // 20 tiny-file 2048 × 2048 px PNGs at high detail: OpenAI bills 2 833 + 4 × 5 667 tokens each
    const twenty: ChatMessage[] = [{ role: 'user', content: Array.from({ length: 20 }, () => ({ type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AAAA' } })) }];
    expect(callBounder([m])(twenty).usd!).toBeGreaterThanOrEqual((20 * (2833 + 4 * 5667) * Number(row.input)) / 1e6);
    expect(callBounder([m])(img('https://example.invalid/a.png')).bounded).toBe(false);
  });

  it('a step route counts the dearer of its two models; tools are in the prompt', () => {
    const cheap: PricedModel = { spec: spec({ id: 'c', params: { max_tokens: 100 } }), price: row, ceiling };
    const strong: PricedModel = { spec: spec({ id: 's', params: { max_tokens: 100 } }), price: ceiling, ceiling };
    expect(callBounder([cheap, strong])(messages).price_key).toBe('s');
    const tools = [{ type: 'function' as const, function: { name: 'bash', description: 'x'.repeat(500), parameters: {} } }];
    expect(callBounder([cheap])(messages, { tools }).usd! - callBounder([cheap])(messages).usd!).toBeGreaterThan((500 * 2) / 1e6);
  });
});
