// A step-routing contender in the RunConfig: its route (policy, parameters, both models) is part of
// its config_hash, its run.json row names the route, and plain contenders' entries are unchanged
// (no `route`, no `router` field: their hashes stay what older runs stored).
import { describe, expect, it } from 'vitest';
import { contenderConfigHash } from '../../../src/config/run-config.ts';
import { ModelSpec } from '../../../src/config/models.ts';
import { RouteSpec } from '../../../src/config/routes.ts';
import { buildRunConfig, contenderConfigOf, contenderOf, type ContenderPlan } from '../../../src/runner/run-config.ts';
import { planKeys } from '../../../src/agents/factory.ts';

const spec = (id: string, extra: Record<string, unknown> = {}) =>
  ModelSpec.parse({ id, provider: 'fake', api: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key_env: `${id.toUpperCase()}_KEY`, model: `fake/${id}`, vendor: 'Fake', region: 'US', ...extra });
const cheap = { model: { spec: spec('cheap'), price: { input: '0.10', output: '0.40' } }, apiKey: 'sk-cheap-0123456789' };
const strong = { model: { spec: spec('strong'), price: { input: '5.00', output: '25.00' } }, apiKey: 'sk-strong-0123456789' };
const routePlan = (r: Record<string, unknown>): ContenderPlan => ({
  kind: 'model', model: strong.model, apiKey: strong.apiKey,
  route: { spec: RouteSpec.parse({ id: 'r', cheap: 'cheap', strong: 'strong', ...r }), cheap, strong },
});
const sheet = { as_of: '2026-04-01', source: 't', currency: 'USD', unit: 'USD per million tokens', models: {} } as never;
const hashOf = (plan: ContenderPlan) => {
  const config = buildRunConfig({ plans: [plan], limits: { steps: 10, attempt_usd: null, wall_ms: 1000, command_timeout_ms: 1000 }, runBudget: { usd: null, tokens: null }, attempts: 1, rerunFailed: 0, priceSheet: { file: 'p.yaml', sheet } });
  return contenderConfigHash(config, config.contenders[0]!);
};

describe('a step route in the RunConfig', () => {
  it('records the policy, its parameters and both models; the contender id is the route id', () => {
    const c = contenderConfigOf(routePlan({ policy: 'first-k', k: 3 }));
    expect(c).toMatchObject({ kind: 'model', id: 'r', route: { policy: 'first-k', k: 3, cheap: { id: 'cheap', price_key: 'cheap' }, strong: { id: 'strong' } }, agent: { kind: 'bash' } });
    expect(JSON.stringify(c)).not.toContain('sk-');
  });

  it('its config_hash changes with k, the policy, p, the seed and either model', () => {
    const base = hashOf(routePlan({ policy: 'first-k', k: 3 }));
    expect(hashOf(routePlan({ policy: 'first-k', k: 4 }))).not.toBe(base);
    expect(hashOf(routePlan({ policy: 'on-failure' }))).not.toBe(base);
    const rnd = hashOf(routePlan({ policy: 'random', p: 0.2, seed: 1 }));
    expect(hashOf(routePlan({ policy: 'random', p: 0.3, seed: 1 }))).not.toBe(rnd);
    expect(hashOf(routePlan({ policy: 'random', p: 0.2, seed: 2 }))).not.toBe(rnd);
    const swapped: ContenderPlan = { ...routePlan({ policy: 'first-k', k: 3 }) } as ContenderPlan & { kind: 'model' };
    if (swapped.kind === 'model' && swapped.route) swapped.route = { ...swapped.route, cheap: { ...cheap, model: { ...cheap.model, spec: spec('cheap', { params: { temperature: 1 } }) } } };
    expect(hashOf(swapped)).not.toBe(base);
  });

  it('a plain model entry has neither route nor router; a router entry says router: true', () => {
    const plain = contenderConfigOf({ kind: 'model', model: cheap.model, apiKey: cheap.apiKey });
    expect(plain).not.toHaveProperty('route');
    expect(plain.kind === 'model' && plain.model).not.toHaveProperty('router');
    const router = contenderConfigOf({ kind: 'model', model: { spec: spec('auto', { router: true }), price: null }, apiKey: 'k-0123456789' });
    expect(router.kind === 'model' && router.model.router).toBe(true);
  });

  it('the run.json row names the route; both keys are redacted', () => {
    const plan = routePlan({ policy: 'first-k', k: 2 });
    expect(contenderOf(plan)).toMatchObject({ id: 'r', agent: 'bash', model: 'r', upstream: 'fake/cheap / fake/strong', name: 'route: first 2 steps cheap, then strong', price: null });
    expect(planKeys(plan)).toEqual([cheap.apiKey, strong.apiKey]);
  });
});
