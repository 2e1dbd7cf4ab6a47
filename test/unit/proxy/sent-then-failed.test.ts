// A proxied call whose upstream exchange fails after the request was sent (the socket dropped, a
// timeout) is recorded at its bound, never settled unbilled: the provider got the request (atkB16 #2).
// Only a failure proving no connection was made (refused: pending.test.ts) is unbilled. And the
// upstream fetch goes through a dispatcher whose own timeouts outlast the proxy's upstream timeout.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it, vi } from 'vitest';
import { startMeteringProxy, type MeteringProxy } from '../../../src/proxy/server.ts';
import { upstreamDispatcher } from '../../../src/core/upstream-fetch.ts';

let srv: http.Server | undefined;
let proxy: MeteringProxy | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await proxy?.close();
  srv?.closeAllConnections();
  srv?.close();
  proxy = srv = undefined;
});

/** An upstream that reads the whole request, then drops the socket without a reply. */
async function droppingUpstream(received: string[]): Promise<string> {
  srv = http.createServer((req) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      received.push(b);
      setTimeout(() => req.socket.destroy(), 50);
    });
  });
  await new Promise<void>((r) => srv!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1`;
}

const post = (p: MeteringProxy) =>
  fetch(`${p.openaiBaseURL}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'x', max_tokens: 4000, messages: [{ role: 'user', content: 'think hard' }] }) });

it('a socket dropped after the whole request was sent: the call is recorded at its bound, not settled unbilled', async () => {
  const received: string[] = [];
  const events: string[] = [];
  const baseURL = await droppingUpstream(received);
  proxy = await startMeteringProxy({
    upstream: { dialect: 'openai', baseURL, apiKey: 'sk-real-0123456789', model: 'm' },
    price: { input: '2', output: '8' }, ceiling: { input: '2', output: '8' }, capUsd: null,
    pending: async () => 'c1', unbilled: (id) => events.push(`unbilled ${id}`), onCall: (_c, id) => events.push(`billed ${id}`),
  });
  const r = await post(proxy);
  expect(r.status).toBe(502);
  expect(await r.text()).toContain('failed after the request was sent');
  expect(received).toHaveLength(1);
  expect(events).toEqual(['billed c1']);
  expect(proxy.calls).toHaveLength(1);
  const call = proxy.calls[0]!;
  expect(call.list_usd).toBeNull();
  expect(call.cap_usd).toBeGreaterThan(4000 * 8 / 1e6 - 1e-12); // at least max_tokens of output at the ceiling
});

it('the upstream fetch uses a dispatcher whose headers and body timeouts outlast the upstream timeout', async () => {
  const received: string[] = [];
  const baseURL = await droppingUpstream(received);
  const spy = vi.spyOn(globalThis, 'fetch');
  proxy = await startMeteringProxy({
    upstream: { dialect: 'openai', baseURL, apiKey: 'sk-real-0123456789', model: 'm' },
    price: { input: '2', output: '8' }, ceiling: { input: '2', output: '8' }, capUsd: null, upstreamTimeoutMs: 400_000,
  });
  await post(proxy);
  const want = await upstreamDispatcher(400_000);
  expect(want).not.toBeNull();
  const upstreamCall = spy.mock.calls.find(([u]) => String(u).startsWith(baseURL));
  expect((upstreamCall?.[1] as { dispatcher?: unknown } | undefined)?.dispatcher).toBe(want);
  const sym = Object.getOwnPropertySymbols(want).find((s) => s.description === 'options')!;
  const o = (want as Record<symbol, { headersTimeout: number; bodyTimeout: number }>)[sym]!;
  expect(o.headersTimeout).toBeGreaterThan(400_000); // undici's default, 300 s, would cut first
  expect(o.bodyTimeout).toBeGreaterThan(400_000);
});
