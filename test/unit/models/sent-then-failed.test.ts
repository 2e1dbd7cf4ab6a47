// A built-in client's try whose transport fails after the request was sent (the SDK's timeout, a
// socket dropped after sending) may have been billed: it is recorded at its bound, each retried try
// handed to `billedTry` before the retry, never dropped as unbilled (atkB16 #3). A refused
// connection proves nothing was sent: not billed. The SDKs fetch through a dispatcher whose own
// timeouts outlast the request timeout (undici's 300 s default would cut a 600 s timeout short).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it, vi } from 'vitest';
import { ModelSpec } from '../../../src/config/models.ts';
import { AnthropicClient } from '../../../src/models/anthropic.ts';
import { OpenAIChatClient } from '../../../src/models/openai-chat.ts';
import { ModelCallError, type CallRecord } from '../../../src/models/types.ts';
import { upstreamDispatcher } from '../../../src/core/upstream-fetch.ts';

let srv: http.Server | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  srv?.closeAllConnections();
  srv?.close();
  srv = undefined;
});

/** An upstream that reads each whole request, then stays silent or drops the socket. */
async function unanswering(mode: 'silent' | 'reset', got: { n: number }): Promise<string> {
  srv = http.createServer((req) => {
    req.resume();
    req.on('end', () => {
      got.n++;
      if (mode === 'reset') setTimeout(() => req.socket.destroy(), 30);
    });
  });
  await new Promise<void>((r) => srv!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

const client = (api: 'openai' | 'anthropic', root: string, requestTimeoutMs = 400) => {
  const spec = ModelSpec.parse({ id: 'm', provider: 'fake', api, base_url: api === 'openai' ? `${root}/v1` : root, api_key_env: 'K', model: 'm', vendor: 'fake', region: 'US', params: { max_tokens: 4000 } });
  const opts = { sleep: async () => {}, random: () => 0, ceiling: { input: '10', output: '40' }, requestTimeoutMs, maxTries: 3 };
  return api === 'openai' ? new OpenAIChatClient(spec, 'sk-fake-0123456789', { input: '2', output: '8' }, opts) : new AnthropicClient(spec, 'sk-fake-0123456789', { input: '2', output: '8' }, opts);
};

for (const api of ['openai', 'anthropic'] as const) {
  for (const mode of ['silent', 'reset'] as const) {
    it(`${api}: every try the provider received (${mode}) is billed at its bound`, async () => {
      const got = { n: 0 };
      const c = client(api, await unanswering(mode, got));
      const tries: CallRecord[] = [];
      const e = await c.chat([{ role: 'user', content: 'think hard' }], { billedTry: async (call) => void tries.push(call) }).then(() => null, (x: unknown) => x as ModelCallError);
      expect(e).toBeInstanceOf(ModelCallError);
      expect(e!.kind).toBe('network');
      expect(got.n).toBe(3);
      expect(tries).toHaveLength(2); // the retried tries, each on the ledger before its retry
      expect(e!.call).not.toBeNull();
      expect(e!.call!.list_usd).toBeNull();
      expect(e!.call!.usage_unknown).toBe(true);
      expect(e!.call!.cap_usd).toBeGreaterThanOrEqual(3 * 4000 * 40 / 1e6); // 3 tries, each at least max_tokens at the ceiling's output rate
      expect(e!.call!.tries).toBe(3);
    });
  }

  it(`${api}: a refused connection is not billed`, async () => {
    const got = { n: 0 };
    const root = await unanswering('silent', got);
    srv!.close();
    const e = await client(api, root).chat([{ role: 'user', content: 'hi' }]).then(() => null, (x: unknown) => x as ModelCallError);
    expect(e?.kind).toBe('network');
    expect(e?.call).toBeNull();
    expect(e?.message).toContain('is the server running?');
  });

  it(`${api}: the SDK fetches through the dispatcher that outlasts the request timeout`, async () => {
    const got = { n: 0 };
    const root = await unanswering('reset', got);
    const spy = vi.spyOn(globalThis, 'fetch');
    await client(api, root, 400_000).chat([{ role: 'user', content: 'hi' }]).catch(() => null);
    const want = await upstreamDispatcher(400_000);
    expect(want).not.toBeNull();
    const sent = spy.mock.calls.filter(([u]) => String(u).startsWith(root));
    expect(sent.length).toBeGreaterThan(0);
    for (const [, init] of sent) expect((init as { dispatcher?: unknown }).dispatcher).toBe(want);
  });
}
