// The metering proxy's pending hook: each billed request's pending ledger line is written (awaited)
// before the request is forwarded, and the recorded call settles it by id; a request that never
// reached the provider is settled as unbilled; a refused one has no pending line.
import { afterEach, describe, expect, it } from 'vitest';
import { startMeteringProxy, type MeteringProxy } from '../../../src/proxy/server.ts';
import { chatCompletion, startFakeUpstream, type FakeUpstream } from '../../helpers/fake-upstream.ts';

let upstream: FakeUpstream | undefined;
let proxy: MeteringProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  proxy = upstream = undefined;
});

const USAGE = { prompt_tokens: 1000, completion_tokens: 100 };
const price = { input: '2', output: '8' };

describe('metering proxy: pending ledger lines', () => {
  it('writes the pending line before forwarding, settles it with the bill, and never for a refused call', async () => {
    upstream = await startFakeUpstream([{ json: chatCompletion('a', USAGE) }]);
    const events: string[] = [];
    const up = upstream;
    proxy = await startMeteringProxy({
      upstream: { dialect: 'openai', baseURL: up.openaiBaseURL, apiKey: 'sk-x-0123456789', model: 'm' },
      price, ceiling: price, capUsd: 0.001,
      pending: async (body) => {
        await new Promise((r) => setTimeout(r, 30)); // a slow fsync: the request must wait for it
        events.push(`pending ${JSON.parse(body.toString()).model} upstream-requests=${up.requests.length}`);
        return 'id-1';
      },
      onCall: (_c, id) => events.push(`billed ${id}`),
      unbilled: (id) => events.push(`unbilled ${id}`),
    });
    const post = () => fetch(`${proxy!.openaiBaseURL}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${proxy!.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'x', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }) });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(402); // 0.0028 spent: over the cap, refused before any pending line
    expect(events).toEqual(['pending m upstream-requests=0', 'billed id-1']);
  });

  it('a request whose connection fails (nothing reached the provider) is settled as unbilled', async () => {
    const events: string[] = [];
    proxy = await startMeteringProxy({
      upstream: { dialect: 'openai', baseURL: 'http://127.0.0.1:9/v1', apiKey: 'sk-x-0123456789', model: 'm' },
      price, ceiling: price, capUsd: null,
      pending: async () => (events.push('pending'), 'id-2'),
      onCall: (_c, id) => events.push(`billed ${id}`),
      unbilled: (id) => events.push(`unbilled ${id}`),
    });
    const r = await fetch(`${proxy.openaiBaseURL}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${proxy.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'x', messages: [] }) });
    expect(r.status).toBe(502);
    expect(events).toEqual(['pending', 'unbilled id-2']);
  });

  it('an upstream HTTP error without usage (429, 500) settles its pending line as unbilled; one with usage is billed (attackC F6)', async () => {
    upstream = await startFakeUpstream([{ status: 429, json: { error: { message: 'rate limited', type: 'rate_limit' } } }, { status: 500, json: { error: { message: 'boom' } } }, { status: 400, json: { ...chatCompletion('a', USAGE), error: { message: 'bad' } } }]);
    const events: string[] = [];
    let n = 0;
    proxy = await startMeteringProxy({
      upstream: { dialect: 'openai', baseURL: upstream.openaiBaseURL, apiKey: 'sk-x-0123456789', model: 'm' },
      price, ceiling: price, capUsd: null,
      pending: async () => `id-${++n}`,
      onCall: (_c, id) => events.push(`billed ${id}`),
      unbilled: (id) => events.push(`unbilled ${id}`),
    });
    for (const want of [429, 500, 400]) {
      const r = await fetch(`${proxy.openaiBaseURL}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${proxy.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }) });
      expect(r.status).toBe(want);
    }
    expect(events).toEqual(['unbilled id-1', 'unbilled id-2', 'billed id-3']);
  });

  it('a failing pending write fails the request and sends nothing', async () => {
    upstream = await startFakeUpstream([{ json: chatCompletion('a', USAGE) }]);
    proxy = await startMeteringProxy({
      upstream: { dialect: 'openai', baseURL: upstream.openaiBaseURL, apiKey: 'sk-x-0123456789', model: 'm' },
      price, capUsd: null,
      pending: async () => { throw new Error('ENOSPC'); },
    });
    const r = await fetch(`${proxy.openaiBaseURL}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${proxy.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'x', messages: [] }) });
    expect(r.status).toBeGreaterThanOrEqual(500);
    expect(upstream.requests).toHaveLength(0);
    expect(proxy.calls).toHaveLength(0);
  });
});
