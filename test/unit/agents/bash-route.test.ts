// Step routing (models.yaml `routes:`): the per-step policies, the routed client's marking of each
// call with the model that answered, and the config checks that name the bad field.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pickArm, RoutedClient } from '../../../src/agents/bash-route.ts';
import { loadModelsFile } from '../../../src/config/catalog.ts';
import { RouteSpec } from '../../../src/config/routes.ts';
import { ModelCallError, type ChatReply, type ModelClient, type StepContext } from '../../../src/models/types.ts';
import { zeroUsage } from '../../../src/core/usage.ts';

const at = { instanceId: 'repo-1', attempt: 0 };
const step = (index: number, previous: StepContext['previous'] = 'ok'): StepContext => ({ index, previous: index === 1 ? null : previous });

describe('pickArm', () => {
  it('first-k: the cheap model for steps 1..k, the strong one after', () => {
    const r = RouteSpec.parse({ id: 'r', policy: 'first-k', k: 3, cheap: 'a', strong: 'b' });
    expect([1, 2, 3, 4, 5].map((i) => pickArm(r, step(i), at))).toEqual(['cheap', 'cheap', 'cheap', 'strong', 'strong']);
  });

  it('on-failure: the strong model right after a failed command or a reply without one, the cheap one otherwise', () => {
    const r = RouteSpec.parse({ id: 'r', policy: 'on-failure', cheap: 'a', strong: 'b' });
    expect(pickArm(r, step(1), at)).toBe('cheap');
    expect(pickArm(r, step(2, 'ok'), at)).toBe('cheap');
    expect(pickArm(r, step(3, 'failed'), at)).toBe('strong');
    expect(pickArm(r, step(4, 'no_command'), at)).toBe('strong');
    expect(pickArm(r, step(5, 'ok'), at)).toBe('cheap');
  });

  it('random: the same picks for the same seed, task, attempt and step; other seeds, tasks and attempts differ; p bounds hold', () => {
    const r = RouteSpec.parse({ id: 'r', policy: 'random', p: 0.5, seed: 7, cheap: 'a', strong: 'b' }) as Extract<RouteSpec, { policy: 'random' }>;
    const picks = (o = at, rr: RouteSpec = r) => Array.from({ length: 200 }, (_, i) => pickArm(rr, step(i + 1), o));
    expect(picks()).toEqual(picks());
    const strong = picks().filter((a) => a === 'strong').length;
    expect(strong).toBeGreaterThan(60);
    expect(strong).toBeLessThan(140);
    expect(picks({ instanceId: 'repo-2', attempt: 0 })).not.toEqual(picks());
    expect(picks({ instanceId: 'repo-1', attempt: 1 })).not.toEqual(picks());
    expect(picks(at, { ...r, seed: 8 })).not.toEqual(picks());
    expect(new Set(picks(at, { ...r, p: 0 }))).toEqual(new Set(['cheap']));
    expect(new Set(picks(at, { ...r, p: 1 }))).toEqual(new Set(['strong']));
  });
});

/** A client that answers with a fixed cost, or fails with a billed call. */
function fakeClient(id: string, usd: number, fail = false): ModelClient & { asked: number } {
  const call = { usage: zeroUsage(), raw_usage: {}, list_usd: usd, billed_usd: null, ms: 1 };
  return {
    id,
    asked: 0,
    async chat(): Promise<ChatReply> {
      this.asked++;
      if (fail) throw new ModelCallError(`${id}: HTTP 500 server`, 'server', 500, call);
      return { message: { content: 'x', tool_calls: [] }, finish_reason: 'stop', call };
    },
  };
}

describe('RoutedClient', () => {
  it('sends each step to the model the policy picks and marks the call with that model and its price row', async () => {
    const cheap = fakeClient('a', 0.001);
    const strong = fakeClient('b', 0.02);
    const r = RouteSpec.parse({ id: 'route-ab', policy: 'first-k', k: 1, cheap: 'a', strong: 'b' });
    const client = new RoutedClient(r, { cheap: { client: cheap, id: 'a', priceKey: 'a-row' }, strong: { client: strong, id: 'b', priceKey: null } }, at);
    expect(client.id).toBe('route-ab');
    const first = await client.chat([], { step: step(1) });
    const second = await client.chat([], { step: step(2) });
    expect(first.call).toMatchObject({ model: 'a', price_key: 'a-row', list_usd: 0.001 });
    expect(second.call).toMatchObject({ model: 'b', price_key: null, list_usd: 0.02 });
    expect([cheap.asked, strong.asked]).toEqual([1, 1]);
  });

  it('a failed billed call keeps its cost and is marked with the model that failed', async () => {
    const r = RouteSpec.parse({ id: 'route-ab', policy: 'first-k', k: 5, cheap: 'a', strong: 'b' });
    const client = new RoutedClient(r, { cheap: { client: fakeClient('a', 0.003, true), id: 'a', priceKey: 'a' }, strong: { client: fakeClient('b', 1), id: 'b', priceKey: 'b' } }, at);
    const e = await client.chat([], { step: step(2) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelCallError);
    expect((e as ModelCallError).call).toMatchObject({ model: 'a', price_key: 'a', list_usd: 0.003 });
  });
});

describe('routes in models.yaml: bad input names the field', () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const model = (id: string, toolCalls = true) =>
    `  - { id: ${id}, provider: p, api: openai, base_url: "https://x.invalid/v1", api_key_env: K, model: v/${id}, vendor: V, region: US, tool_calls: ${toolCalls} }`;
  async function load(routes: string, models = [model('a'), model('b')]) {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-routes-'));
    const file = path.join(dir, 'models.yaml');
    await writeFile(file, ['models:', ...models, 'routes:', routes, ''].join('\n'));
    return loadModelsFile(file).then(() => 'ok', (e: Error) => e.message);
  }

  it('accepts the three policies', async () => {
    expect(await load('  - { id: r1, policy: first-k, k: 2, cheap: a, strong: b }\n  - { id: r2, policy: on-failure, cheap: a, strong: b }\n  - { id: r3, policy: random, p: 0.3, seed: 1, cheap: a, strong: b }')).toBe('ok');
  });
  it('a route naming an unknown model', async () => {
    expect(await load('  - { id: r, policy: first-k, k: 2, cheap: a, strong: nope }')).toMatch(/routes\.0\.strong: no model "nope" in models:; use one of a, b/);
  });
  it('first-k without k, and a p out of range', async () => {
    expect(await load('  - { id: r, policy: first-k, cheap: a, strong: b }')).toMatch(/routes\.0\.k:/);
    expect(await load('  - { id: r, policy: random, p: 1.5, cheap: a, strong: b }')).toMatch(/routes\.0\.p:/);
  });
  it('an unknown policy, and a misspelt field', async () => {
    expect(await load('  - { id: r, policy: cheapest, cheap: a, strong: b }')).toMatch(/routes\.0\.policy: policy must be one of first-k \(with k\), on-failure, random/);
    expect(await load('  - { id: r, policy: on-failure, cheap: a, strong: b, kk: 3 }')).toMatch(/routes\.0.*kk/);
  });
  it('a route id that is already a model id, the same model twice, and models of two protocols', async () => {
    expect(await load('  - { id: a, policy: on-failure, cheap: a, strong: b }')).toMatch(/routes\.0\.id: "a" is already a model or route id/);
    expect(await load('  - { id: r, policy: on-failure, cheap: a, strong: a }')).toMatch(/routes\.0\.strong: cheap and strong name the same model/);
    expect(await load('  - { id: r, policy: on-failure, cheap: a, strong: b }', [model('a'), model('b', false)])).toMatch(/routes\.0\.strong: a and b differ in tool_calls/);
  });
});
