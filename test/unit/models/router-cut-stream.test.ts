// A router entry (models.yaml `router: true`) whose stream is cut before any event names the served
// model (before message_start / the first chunk): the call's list cost stays unknown (null), and it
// counts against the caps at the ceiling (the sheet's dearest row) over its request bound — never 0.
// Both protocols, through the built-in client and through the metering proxy (an external agent).
import { afterEach, describe, expect, it } from 'vitest';
import { ModelSpec } from '../../../src/config/models.ts';
import { createModelClient } from '../../../src/models/index.ts';
import { ModelCallError, type CallRecord } from '../../../src/models/types.ts';
import { startMeteringProxy, type MeteringProxy } from '../../../src/proxy/server.ts';
import { RunBudget, meteredClient } from '../../../src/runner/budget.ts';
import { startFakeUpstream, type FakeUpstream } from '../../helpers/fake-upstream.ts';

let upstream: FakeUpstream | undefined;
let proxy: MeteringProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  proxy = upstream = undefined;
});

const ceiling = { input: '10.00', output: '40.00' };
// max_tokens 1 000 at $40/M = 0.04, plus the request's bytes at $10/M
const MAX_TOKENS = 1000;
const FLOOR = (MAX_TOKENS * 40) / 1e6;

describe('a router stream cut before it names the served model', () => {
  for (const api of ['openai', 'anthropic'] as const) {
    it(`built-in client, ${api}: list_usd null, counted at the ceiling in the run budget`, async () => {
      upstream = await startFakeUpstream([{ sse: [] }]);
      const spec = ModelSpec.parse({
        id: 'auto', provider: 'openrouter', api, base_url: api === 'openai' ? upstream.openaiBaseURL : upstream.anthropicBaseURL,
        api_key_env: 'K', model: 'openrouter/auto', vendor: 'OpenRouter', region: 'US', stream: true, router: true, params: { max_tokens: MAX_TOKENS },
      });
      const client = createModelClient(spec, 'sk-router-0123456789', null, { servedPricer: () => null, ceiling, maxTries: 1 });
      const budget = new RunBudget(1);
      const err = (await meteredClient(client, budget, () => {}).chat([{ role: 'user', content: 'hi' }]).catch((e: unknown) => e)) as ModelCallError;
      expect(err).toBeInstanceOf(ModelCallError);
      const call = err.call as CallRecord;
      expect(call).toMatchObject({ list_usd: null, served_model: null, price_key: null, usage_unknown: true });
      expect(call.cap_usd!).toBeGreaterThan(FLOOR);
      expect(budget.spentUsd).toBeCloseTo(call.cap_usd!, 12);
      expect(budget.ceilingCalls).toBe(1);
    });

    it(`metering proxy, ${api}: list_usd null, cap_usd at the ceiling, counted against the attempt cap`, async () => {
      upstream = await startFakeUpstream([{ sse: [] }]);
      proxy = await startMeteringProxy({
        upstream: { dialect: api, baseURL: api === 'openai' ? upstream.openaiBaseURL : upstream.anthropicBaseURL, apiKey: 'sk-real-router-key-0123456789', model: 'router/auto' },
        price: null, servedPricer: () => null, ceiling, capUsd: FLOOR,
      });
      const p = proxy;
      const post = () =>
        api === 'openai'
          ? fetch(`${p.openaiBaseURL}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'x', max_tokens: MAX_TOKENS, stream: true, messages: [{ role: 'user', content: 'hi' }] }) })
          : fetch(`${p.anthropicBaseURL}/v1/messages`, { method: 'POST', headers: { 'x-api-key': p.token, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'x', max_tokens: MAX_TOKENS, stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
      await (await post()).text().catch(() => '');
      expect(p.calls).toHaveLength(1);
      expect(p.calls[0]).toMatchObject({ list_usd: null, served_model: null, price_key: null });
      expect(p.calls[0]!.cap_usd!).toBeGreaterThan(FLOOR);
      // the cap (FLOOR) is reached by the cut call's ceiling cost: the next call is refused
      expect((await post()).status).toBe(402);
    });
  }
});
