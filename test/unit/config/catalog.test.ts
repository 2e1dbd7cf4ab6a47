import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, selectModels } from '../../../src/config/catalog.ts';
import { callCostUsd } from '../../../src/pricing/cost.ts';
import { ROOT } from '../../helpers/cli.ts';

describe('bundled models.yaml and price sheet', () => {
  it('holds the nine models that lead agentic-coding traffic, each routed through OpenRouter with vendor and region', async () => {
    const c = await loadCatalog(path.join(ROOT, 'models.yaml'), path.join(ROOT, 'prices', '2026-03-31.yaml'));
    expect(c.models.map((m) => [m.spec.model, m.spec.region])).toEqual([
      ['xiaomi/mimo-v2-pro', 'CN'],
      ['stepfun/step-3.5-flash', 'CN'],
      ['minimax/minimax-m2.7', 'CN'],
      ['minimax/minimax-m2.5', 'CN'],
      ['deepseek/deepseek-v3.2', 'CN'],
      ['z-ai/glm-5-turbo', 'CN'],
      ['moonshotai/kimi-k2.5', 'CN'],
      ['openai/gpt-5.4', 'US'],
      ['anthropic/claude-opus-4.6', 'US'],
    ]);
    for (const m of c.models) {
      expect(m.spec.base_url).toBe('https://openrouter.ai/api/v1');
      expect(m.spec.api_key_env).toBe('OPENROUTER_API_KEY');
    }
  });

  it('prices every bundled model in both dated sheets, each row with a source, billed at OpenRouter', async () => {
    for (const sheetFile of ['2026-03-31.yaml', '2026-06-30.yaml']) {
      const c = await loadCatalog(path.join(ROOT, 'models.yaml'), path.join(ROOT, 'prices', sheetFile));
      expect(c.sheet.billed_at).toBe('OpenRouter');
      for (const m of c.models) {
        expect(m.price, `${sheetFile}: ${m.spec.id}`).not.toBeNull();
        expect(m.price!.source, `${sheetFile}: ${m.spec.id}`).toMatch(/\w{8,}/);
      }
    }
    const c = await loadCatalog(path.join(ROOT, 'models.yaml'), path.join(ROOT, 'prices', '2026-03-31.yaml'));
    const price = (id: string) => selectModels(c, [id])[0]!.price;
    expect(price('deepseek-v3.2')).toMatchObject({ input: '0.28', output: '0.42' });
    // OpenRouter's price where it differs from the vendor's (0.30 / 1.20).
    expect(price('minimax-m2.5')).toMatchObject({ input: '0.30', output: '1.10' });
    expect(price('kimi-k2.5')).toMatchObject({ input: '0.42', output: '2.20' });
    expect(price('gpt-5.4')).toMatchObject({ input: '2.50', output: '15.00' });
    expect(price('claude-opus-4.6')).toMatchObject({ input: '5.00', output: '25.00' });
    expect(price('mimo-v2-pro')).toMatchObject({ input: '1.00', output: '3.00' });
    expect(price('step-3.5-flash')).toMatchObject({ input: '0.10', output: '0.30' });
    expect(price('minimax-m2.7')).toMatchObject({ input: '0.30', output: '1.20' });
    expect(price('glm-5-turbo')).toMatchObject({ input: '1.20', output: '4.00' });
    // 1M uncached input + 1M output of Claude Opus 4.6 at list price: 5 + 25 = 30 USD.
    const usage = { input_uncached: 1_000_000, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 1_000_000, reasoning: 400_000 };
    expect(callCostUsd(usage, price('claude-opus-4.6'))).toBeCloseTo(30, 10);
    expect(callCostUsd(usage, null)).toBeNull();
  });
});

describe('selectModels', () => {
  it('names an unknown id and lists the known route ids beside the model ids', async () => {
    const c = await loadCatalog(path.join(ROOT, 'models.yaml'), path.join(ROOT, 'prices', '2026-03-31.yaml'));
    const withRoute = { ...c, routes: [{ id: 'flash>opus', cheap: 'step-3.5-flash', strong: 'claude-opus-4.6' }] } as unknown as typeof c;
    expect(() => selectModels(withRoute, ['nosuch'])).toThrow(/unknown model id\(s\): nosuch .*known ids: .*step-3\.5-flash.*; step routes: flash>opus/);
  });
});
