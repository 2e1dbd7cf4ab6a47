import { describe, expect, it } from 'vitest';
import { normaliseUsage } from '../../../src/models/usage.ts';

const zero = { input_uncached: 0, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 0, reasoning: 0 };

describe('normaliseUsage', () => {
  it('an object with no count is unknown usage, never 0 tokens (atkS15 #2)', () => {
    for (const raw of [{}, { total_tokens: 51234 }, { prompt_tokens: '10', completion_tokens: '5' }, { prompt_tokens: 1000 }]) expect(normaliseUsage(raw), JSON.stringify(raw)).toMatchObject({ missing: true });
    // an output count without an input count is unknown too: its input would be priced at 0
    expect(normaliseUsage({ completion_tokens: 5 })).toMatchObject({ missing: true });
    expect(normaliseUsage({ prompt_tokens: 0, completion_tokens: 5 })).toMatchObject({ missing: false, usage: { output: 5 } });
  });

  const table: Array<[string, unknown, Partial<typeof zero>, number | null]> = [
    ['OpenAI plain: prompt and completion', { prompt_tokens: 1200, completion_tokens: 80, total_tokens: 1280 }, { input_uncached: 1200, output: 80 }, null],
    [
      'OpenAI: prompt_tokens includes cached_tokens; completion_tokens includes reasoning_tokens',
      { prompt_tokens: 1000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 600 }, completion_tokens_details: { reasoning_tokens: 300 } },
      { input_uncached: 400, cache_read: 600, output: 500, reasoning: 300 },
      null,
    ],
    [
      'DeepSeek: prompt_cache_hit_tokens + prompt_cache_miss_tokens = prompt_tokens',
      { prompt_tokens: 900, completion_tokens: 50, prompt_cache_hit_tokens: 640, prompt_cache_miss_tokens: 260 },
      { input_uncached: 260, cache_read: 640, output: 50 },
      null,
    ],
    [
      'DeepSeek hit/miss take precedence over prompt_tokens_details.cached_tokens',
      { prompt_tokens: 900, completion_tokens: 50, prompt_cache_hit_tokens: 640, prompt_cache_miss_tokens: 260, prompt_tokens_details: { cached_tokens: 600 } },
      { input_uncached: 260, cache_read: 640, output: 50 },
      null,
    ],
    [
      'OpenRouter: cache_write_tokens are part of prompt_tokens and become 5-minute writes; cost is billed_usd',
      { prompt_tokens: 3000, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 1500 }, cost: 0.01234 },
      { input_uncached: 500, cache_read: 1000, cache_write_5m: 1500, output: 200 },
      0.01234,
    ],
    ['OpenRouter cost of 0 is a reported cost of 0', { prompt_tokens: 10, completion_tokens: 1, cost: 0 }, { input_uncached: 10, output: 1 }, 0],
    [
      'reasoning above completion: the provider excluded it, so output = completion + reasoning',
      { prompt_tokens: 10, completion_tokens: 5, completion_tokens_details: { reasoning_tokens: 20 } },
      { input_uncached: 10, output: 25, reasoning: 20 },
      null,
    ],
    ['null details and junk count as 0', { prompt_tokens: 10, completion_tokens: 0, prompt_tokens_details: null, cost: 'x' }, { input_uncached: 10 }, null],
    ['cached above prompt never makes input negative', { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 50 } }, { cache_read: 10, output: 1 }, null],
  ];
  it.each(table)('%s', (_name, raw, expected, billed) => {
    const n = normaliseUsage(raw);
    expect(n.usage).toEqual({ ...zero, ...expected });
    expect(n.missing).toBe(false);
    expect(n.raw).toBe(raw);
    expect(n.billed_usd).toBe(billed);
  });

  it.each([[undefined], [null], ['usage'], [[1, 2]]])('missing usage (%j) gives zeros, raw null, marked missing', (raw) => {
    const n = normaliseUsage(raw);
    expect(n).toEqual({ usage: zero, raw: null, missing: true, billed_usd: null });
  });
});

describe('normaliseUsage: total_tokens beyond prompt + completion (atkB16 #6)', () => {
  it('prices the tokens only the total counts as output (Gemini thought tokens, mozilla-ai/any-llm #1290)', () => {
    expect(normaliseUsage({ prompt_tokens: 20, completion_tokens: 151, total_tokens: 553 }).usage).toEqual({ ...zero, input_uncached: 20, output: 533, reasoning: 382 });
  });
  it('never counts reported reasoning twice, and a total that adds nothing changes nothing', () => {
    // completion includes its reasoning; the total agrees
    expect(normaliseUsage({ prompt_tokens: 10, completion_tokens: 100, total_tokens: 110, completion_tokens_details: { reasoning_tokens: 60 } }).usage).toEqual({ ...zero, input_uncached: 10, output: 100, reasoning: 60 });
    // completion excludes reasoning (reasoning > completion): output = completion + reasoning; the total agrees
    expect(normaliseUsage({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 95, completion_tokens_details: { reasoning_tokens: 80 } }).usage).toEqual({ ...zero, input_uncached: 10, output: 85, reasoning: 80 });
    // completion excludes a reasoning count smaller than itself: the total shows it once, as output and as reasoning (atkD16 #4)
    expect(normaliseUsage({ prompt_tokens: 100, completion_tokens: 500, total_tokens: 900, completion_tokens_details: { reasoning_tokens: 300 } }).usage).toEqual({ ...zero, input_uncached: 100, output: 800, reasoning: 300 });
    // a total smaller than prompt + completion, or none: as before
    expect(normaliseUsage({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 3 }).usage).toEqual({ ...zero, input_uncached: 10, output: 5 });
    expect(normaliseUsage({ prompt_tokens: 10, completion_tokens: 5 }).usage).toEqual({ ...zero, input_uncached: 10, output: 5 });
  });
});
