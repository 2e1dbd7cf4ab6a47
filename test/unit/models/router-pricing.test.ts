// A router entry (models.yaml `router: true`) through the real SDKs against the fake provider on
// 127.0.0.1: each reply is priced by the model it names (`model` in the body, streamed or not, both
// protocols), from the price sheet; a served model missing from the sheet is an unknown cost (null).
import { afterEach, describe, expect, it } from 'vitest';
import { ModelSpec } from '../../../src/config/models.ts';
import { createModelClient } from '../../../src/models/index.ts';
import { servedPricer } from '../../../src/pricing/served.ts';
import { modelMix, unpricedServedWarnings } from '../../../src/pricing/model-mix.ts';
import { textReply, startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';

let server: FakeProvider | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

// USD per million tokens. The router's own row is absent: only served models are priced.
const SHEET = {
  models: {
    'cheap-one': { input: '0.20', output: '0.80' },
    'vendor/strong-one': { input: '3.00', output: '15.00' },
  },
};
const catalogModels = [
  ModelSpec.parse({ id: 'cheap-one', provider: 'x', api: 'openai', base_url: 'https://example.invalid/v1', api_key_env: 'K', model: 'vendor/cheap-one', vendor: 'V', region: 'US' }),
];
const OPENAI_USAGE = { prompt_tokens: 1000, completion_tokens: 100 };
const ANTHROPIC_USAGE = { input_tokens: 1000, output_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
// cheap-one: (1 000·0.20 + 100·0.80) / 1e6 = 0.00028; vendor/strong-one: (1 000·3.00 + 100·15.00) / 1e6 = 0.0045
const CHEAP_USD = 0.00028;
const STRONG_USD = 0.0045;

async function router(api: 'openai' | 'anthropic', stream: boolean, served: string[]) {
  const usage = api === 'openai' ? OPENAI_USAGE : ANTHROPIC_USAGE;
  server = await startFakeProvider(served.map((model) => textReply('ok', { model, usage })));
  const spec = ModelSpec.parse({
    id: 'auto-router', provider: 'openrouter', api, base_url: api === 'openai' ? server.baseURL : server.rootURL,
    api_key_env: 'FAKE_KEY', model: 'openrouter/auto', vendor: 'OpenRouter', region: 'US', stream, router: true,
  });
  return createModelClient(spec, 'sk-router-test-0123456789', null, { servedPricer: servedPricer(catalogModels, SHEET), maxTries: 1 });
}

describe('a router endpoint is priced per reply by the model the reply names', () => {
  for (const api of ['openai', 'anthropic'] as const) {
    for (const stream of [false, true]) {
      it(`${api}${stream ? ', streamed' : ''}: two replies naming two models are billed at each one's row; an unknown one costs null`, async () => {
        // the first name matches a catalog model's upstream slug, the second a sheet row by name, the third nothing
        const client = await router(api, stream, ['vendor/cheap-one', 'vendor/strong-one', 'mystery/model-x']);
        const calls = [];
        for (let i = 0; i < 3; i++) calls.push((await client.chat([{ role: 'user', content: `q${i}` }])).call);
        expect(server!.requests.map((r) => r.body.model)).toEqual(['openrouter/auto', 'openrouter/auto', 'openrouter/auto']);
        expect(calls[0]).toMatchObject({ served_model: 'vendor/cheap-one', price_key: 'cheap-one' });
        expect(calls[0]!.list_usd).toBeCloseTo(CHEAP_USD, 12);
        expect(calls[1]).toMatchObject({ served_model: 'vendor/strong-one', price_key: 'vendor/strong-one' });
        expect(calls[1]!.list_usd).toBeCloseTo(STRONG_USD, 12);
        expect(calls[2]).toMatchObject({ served_model: 'mystery/model-x', price_key: null, list_usd: null });
        expect(calls[2]!.usage.output).toBe(100); // tokens are known; only the price is not

        const mix = modelMix(calls).model_mix!;
        expect(mix.map((m) => [m.model, m.calls, m.price_key])).toEqual([
          ['vendor/cheap-one', 1, 'cheap-one'],
          ['vendor/strong-one', 1, 'vendor/strong-one'],
          ['mystery/model-x', 1, null],
        ]);
        expect(mix[2]!.list_usd).toBeNull();
        const warnings = unpricedServedWarnings([{ contender: 'auto-router', model_mix: mix }]);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/^auto-router: 1 call\(s\) served by mystery\/model-x, which has no price in the sheet: their cost is unknown/);
      });
    }
  }

  it('a plain entry keeps its own row whatever model its replies name, and records no served model', async () => {
    server = await startFakeProvider([textReply('ok', { model: 'vendor/strong-one-2026-01-01', usage: OPENAI_USAGE })]);
    const spec = ModelSpec.parse({ id: 'cheap-one', provider: 'x', api: 'openai', base_url: server.baseURL, api_key_env: 'K', model: 'vendor/cheap-one', vendor: 'V', region: 'US' });
    const { call } = await createModelClient(spec, 'sk-plain-0123456789', SHEET.models['cheap-one'], { maxTries: 1 }).chat([{ role: 'user', content: 'q' }]);
    expect(call.list_usd).toBeCloseTo(CHEAP_USD, 12);
    expect(call).not.toHaveProperty('served_model');
    expect(modelMix([call])).toEqual({});
  });
});

describe('servedPricer', () => {
  const price = servedPricer(catalogModels, { models: { ...SHEET.models, 'vendor/nulled': null } });
  it('matches a sheet row by name, a catalog upstream slug, and a dated variant of either', () => {
    expect(price('vendor/strong-one')?.key).toBe('vendor/strong-one');
    expect(price('vendor/cheap-one')?.key).toBe('cheap-one');
    expect(price('vendor/cheap-one-20250929')?.key).toBe('cheap-one');
    expect(price('vendor/strong-one-2025-08-07')?.key).toBe('vendor/strong-one');
  });
  it('gives null for a name not in the sheet and for a row that is null (unknown price)', () => {
    expect(price('other/model')).toBeNull();
    expect(price('vendor/nulled')).toBeNull();
  });
});
