// close() with a call queued behind the cap's turn (billed calls go one at a time under a cap): the
// call in flight, sent and unanswered, is recorded at its bound (the provider may bill it); the
// queued one never reaches the provider, so it is neither sent nor recorded, and its ledger has no
// line left pending (nothing for a resume to count at a bound).
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startMeteringProxy, type MeteringProxy } from '../../../src/proxy/server.ts';

let up: http.Server | undefined;
afterEach(() => {
  up?.closeAllConnections();
  up?.close();
  up = undefined;
});

describe('metering proxy: close with a call queued behind the cap', () => {
  it('records the call sent at its bound; the queued call is not sent, not recorded, and leaves no pending line', async () => {
    const received: string[] = [];
    up = http.createServer((req) => {
      received.push(req.url ?? '');
      req.resume(); // never answers
    });
    await new Promise<void>((r) => up!.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(up.address() as { port: number }).port}`;
    const row = { input: '3', output: '15' };
    const ledger: string[] = [];
    let n = 0;
    const proxy: MeteringProxy = await startMeteringProxy({
      upstream: { dialect: 'openai', baseURL: `${base}/v1`, apiKey: 'sk-up-0123456789', model: 'm' },
      price: row,
      ceiling: row,
      capUsd: 10, // a cap: billed calls take turns
      pending: async () => {
        const id = `c${++n}`;
        ledger.push(`pending ${id}`);
        return id;
      },
      onCall: (_c, id) => void ledger.push(`billed ${id}`),
      unbilled: (id) => void ledger.push(`unbilled ${id}`),
    });
    const post = () =>
      fetch(`${proxy.origin}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${proxy.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }),
      }).catch(() => null);
    void post();
    for (let k = 0; k < 200 && received.length < 1; k++) await new Promise((r) => setTimeout(r, 10));
    expect(received).toHaveLength(1);
    void post(); // waits for the first call's turn
    await new Promise((r) => setTimeout(r, 200));
    expect(ledger).toEqual(['pending c1']);
    const closed = proxy.close();
    const settled = await Promise.race([closed.then(() => true), new Promise((r) => setTimeout(() => r(false), 10_000))]);
    expect(settled, 'close() waited for a call it should never have sent').toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(1); // the queued call never reached the provider
    expect(ledger).toEqual(['pending c1', 'billed c1']); // the call sent is billed (at its bound); no pending line for the queued one
    expect(proxy.calls).toHaveLength(1);
    expect(proxy.calls[0]).toMatchObject({ list_usd: null, usage_unknown: true });
    expect(proxy.calls[0]!.cap_usd).toBeGreaterThan(0);
  });

  it('a call whose pending line is being written at the close is not sent: the line is settled unbilled', async () => {
    let received = 0;
    up = http.createServer((req) => (received++, void req.resume()));
    await new Promise<void>((r) => up!.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(up.address() as { port: number }).port}`;
    const ledger: string[] = [];
    let written!: () => void;
    const proxy = await startMeteringProxy({
      upstream: { dialect: 'openai', baseURL: `${base}/v1`, apiKey: 'sk-up-0123456789', model: 'm' },
      price: { input: '3', output: '15' },
      capUsd: null,
      pending: () => (ledger.push('pending c1'), new Promise<string>((r) => (written = () => r('c1')))),
      onCall: (_c, id) => void ledger.push(`billed ${id}`),
      unbilled: (id) => void ledger.push(`unbilled ${id}`),
    });
    void fetch(`${proxy.origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${proxy.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }),
    }).catch(() => null);
    for (let k = 0; k < 200 && !ledger.length; k++) await new Promise((r) => setTimeout(r, 10));
    const closed = proxy.close();
    await new Promise((r) => setTimeout(r, 50));
    written(); // the pending line is on disk only now, after the close
    const settled = await Promise.race([closed.then(() => true), new Promise((r) => setTimeout(() => r(false), 10_000))]);
    expect(settled, 'close() waited for a call it should never have sent').toBe(true);
    expect(ledger).toEqual(['pending c1', 'unbilled c1']);
    expect(received).toBe(0);
    expect(proxy.calls).toEqual([]);
  });
});
