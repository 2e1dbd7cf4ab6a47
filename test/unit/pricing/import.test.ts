// Price importers: OpenRouter /api/v1/models JSON and LiteLLM price JSON (both fixtures written by us
// in the sources' formats), converted exactly to USD per million tokens; bad input named precisely.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertPerToken, detectPriceSource, importLiteLLM, importOpenRouter, type ImportTarget } from '../../../src/pricing/import.ts';
import { perTokenToPerMillion, shiftDecimal } from '../../../src/pricing/units.ts';
import { UserInputError } from '../../../src/core/errors.ts';
import { ROOT } from '../../helpers/cli.ts';

const dir = path.join(ROOT, 'test', 'fixtures', 'prices');
const load = async (f: string) => JSON.parse(await readFile(path.join(dir, f), 'utf8'));
const targets: ImportTarget[] = [
  { key: 'deepseek-v3.2', upstream: 'deepseek/deepseek-v3.2' },
  { key: 'claude-opus-4.6', upstream: 'anthropic/claude-opus-4.6' },
  { key: 'step-3.5-flash', upstream: 'stepfun/step-3.5-flash' },
  { key: 'absent', upstream: 'nobody/nothing' },
];

describe('exact per-token → per-million conversion', () => {
  it('moves the decimal point instead of multiplying floats', () => {
    expect(perTokenToPerMillion('0.00000028')).toBe('0.28'); // 0.00000028·1e6 in floats is 0.27999999999999997
    expect(perTokenToPerMillion(2.8e-7)).toBe('0.28');
    expect(perTokenToPerMillion('0.000025')).toBe('25');
    expect(perTokenToPerMillion(3.75e-5)).toBe('37.5');
    expect(perTokenToPerMillion('0')).toBe('0');
    expect(shiftDecimal('1.5', 0)).toBe('1.5');
    expect(perTokenToPerMillion('abc')).toBeNull();
    expect(perTokenToPerMillion(-1)).toBeNull();
  });
});

describe('importOpenRouter', () => {
  it('converts USD-per-token strings to USD per million tokens, with source and date', async () => {
    const r = importOpenRouter(await load('openrouter-models.json'), targets, 'openrouter-models.json', '2026-04-01');
    expect(r.sheet.as_of).toBe('2026-04-01');
    expect(r.sheet.models['deepseek-v3.2']).toEqual({ input: '0.28', output: '0.42', cache_read: '0.028', source: 'OpenRouter /api/v1/models "deepseek/deepseek-v3.2", 2026-04-01' });
    expect(r.sheet.models['claude-opus-4.6']).toMatchObject({ input: '5', output: '25', cache_read: '0.5', cache_write: '6.25' });
    expect(r.found).toEqual(['deepseek-v3.2', 'claude-opus-4.6']);
  });

  it('"-1" (unknown) and absent models give null rows, with reasons', async () => {
    const r = importOpenRouter(await load('openrouter-models.json'), targets, 'f.json', '2026-04-01');
    expect(r.sheet.models['step-3.5-flash']).toBeNull();
    expect(r.sheet.models.absent).toBeNull();
    expect(r.missing.map((m) => m.key)).toEqual(['step-3.5-flash', 'absent']);
    expect(r.missing[0]!.reason).toMatch(/"-1"/);
  });

  it('keeps a per-request fee in USD per request (not converted)', async () => {
    const r = importOpenRouter(await load('openrouter-models.json'), [{ key: 'x', upstream: 'example/per-request' }], 'f.json', '2026-04-01');
    expect(r.sheet.models.x).toMatchObject({ input: '1', output: '2', request: '0.005' });
  });

  it('rejects a file that is not a models list, naming the file', () => {
    expect(() => importOpenRouter({ models: [] }, targets, 'wrong.json', '2026-04-01')).toThrow(/wrong\.json: not an OpenRouter models list/);
    expect(() => importOpenRouter({ data: [{ name: 'no id' }] }, targets, 'w.json', '2026-04-01')).toThrow(/w\.json: data\[0\]/);
    expect(() => importOpenRouter({ data: [{ id: 'deepseek/deepseek-v3.2' }] }, targets, 'w.json', '2026-04-01')).toThrow(/no "pricing"/);
  });

  it('rejects per-million values read as per-token, naming the model and field', () => {
    const json = { data: [{ id: 'deepseek/deepseek-v3.2', pricing: { prompt: '0.28', completion: '0.42' } }] };
    let err: unknown;
    try {
      importOpenRouter(json, targets, 'or.json', '2026-04-01');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserInputError);
    expect((err as Error).message).toMatch(/or\.json: model "deepseek\/deepseek-v3\.2", field pricing\.prompt: "0\.28".*implausibly large.*per million tokens already/);
  });

  it('rejects negative, non-numeric and implausibly small prices', () => {
    const at = { file: 'f', model: 'm', field: 'pricing.prompt' };
    expect(() => convertPerToken('-0.5', at)).toThrow(/f: model "m", field pricing\.prompt: "-0\.5" is not a price/);
    expect(() => convertPerToken('cheap', at)).toThrow(/"cheap" is not a price/);
    expect(() => convertPerToken({}, at)).toThrow(/is not a price/);
    expect(() => convertPerToken('0.0000000000001', at)).toThrow(/implausibly small/);
    expect(convertPerToken('-1', at)).toBeNull();
    expect(convertPerToken(undefined, at)).toBeNull();
  });
});

describe('importLiteLLM', () => {
  it('converts USD-per-token floats, 1-hour cache writes and >200k tiers', async () => {
    const r = importLiteLLM(await load('litellm-prices.json'), targets, 'litellm.json', '2026-04-01');
    expect(r.sheet.models['deepseek-v3.2']).toMatchObject({ input: '0.28', output: '0.42', cache_read: '0.028' });
    expect(r.sheet.models['claude-opus-4.6']).toMatchObject({
      input: '5',
      output: '25',
      cache_read: '0.5',
      cache_write: '6.25',
      cache_write_1h: '10',
      tiers: [{ above_prompt_tokens: 200_000, input: '10', output: '37.5' }],
    });
    expect(r.sheet.models['step-3.5-flash']).toBeNull();
  });

  it('rejects wrong shapes and per-million magnitudes, naming file, model and field', () => {
    expect(() => importLiteLLM({ data: [] }, targets, 'l.json', '2026-04-01')).toThrow(/l\.json: not a LiteLLM price file/);
    expect(() => importLiteLLM({ 'deepseek/deepseek-v3.2': 'x' }, targets, 'l.json', '2026-04-01')).toThrow(/model "deepseek\/deepseek-v3\.2": expected an object/);
    expect(() => importLiteLLM({ 'deepseek/deepseek-v3.2': { input_cost_per_token: 0.28, output_cost_per_token: 0.42 } }, targets, 'l.json', '2026-04-01')).toThrow(
      /l\.json: model "deepseek\/deepseek-v3\.2", field input_cost_per_token: 0\.28 .*implausibly large/,
    );
  });
});

describe('both sources agree', () => {
  it('give the same per-million prices for a model present in both', async () => {
    const or = importOpenRouter(await load('openrouter-models.json'), targets, 'or.json', '2026-04-01');
    const ll = importLiteLLM(await load('litellm-prices.json'), targets, 'll.json', '2026-04-01');
    for (const key of ['deepseek-v3.2', 'claude-opus-4.6']) {
      const a = or.sheet.models[key]!;
      const b = ll.sheet.models[key]!;
      for (const f of ['input', 'output', 'cache_read'] as const) expect(a[f], `${key}.${f}`).toBe(b[f]);
    }
    expect(or.sheet.models['claude-opus-4.6']!.cache_write).toBe(ll.sheet.models['claude-opus-4.6']!.cache_write);
  });

  it('detects the format', async () => {
    expect(detectPriceSource(await load('openrouter-models.json'), 'a')).toBe('openrouter');
    expect(detectPriceSource(await load('litellm-prices.json'), 'b')).toBe('litellm');
    expect(() => detectPriceSource([1, 2], 'c.json')).toThrow(/c\.json: neither/);
  });
});
