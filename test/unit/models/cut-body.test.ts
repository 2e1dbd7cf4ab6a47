// A non-streamed 2xx reply whose body is cut mid-way (or is not JSON) was answered by the provider,
// so it may have been billed: the try counts with unknown tokens (cost null, never 0) and is retried,
// as a cut stream is (atkO15 #4: it was retried as unbilled and its cost lost). Both dialects, through
// the real SDKs over loopback.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelSpec } from '../../../src/config/models.ts';
import type { PriceRow } from '../../../src/config/prices.ts';
import { OpenAIChatClient } from '../../../src/models/openai-chat.ts';
import { AnthropicClient } from '../../../src/models/anthropic.ts';
import { RunBudget, meteredClient } from '../../../src/runner/budget.ts';
import type { ModelCallError } from '../../../src/models/types.ts';

const price: PriceRow = { input: '1.00', output: '2.00' };
const OPENAI = JSON.stringify({ id: 'c1', object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'a long answer' }, finish_reason: 'stop' }], usage: { prompt_tokens: 100000, completion_tokens: 50000 } });
const ANTHROPIC = JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [{ type: 'text', text: 'a long answer' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 100000, output_tokens: 50000 } });
let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** Answers the first request 200 with `first` (`cut`: all but its last 40 bytes, then the connection drops); later ones whole. */
async function start(full: string, first: 'cut' | 'html' | string): Promise<{ url: string; requests: () => number }> {
  let n = 0;
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      if (n > 1) return void res.writeHead(200, { 'content-type': 'application/json' }).end(full);
      if (first === 'html') return void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>maintenance</html>');
      if (first !== 'cut') return void res.writeHead(200, { 'content-type': 'application/json' }).end(first);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(full.length) });
      res.write(full.slice(0, full.length - 40));
      setTimeout(() => res.socket?.destroy(), 50);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, requests: () => n };
}

describe('a 2xx reply whose body cannot be read is a billed try with unknown tokens', () => {
  for (const api of ['openai', 'anthropic'] as const) {
    for (const first of ['cut', 'html'] as const) {
      it(`${api}: first reply ${first === 'cut' ? 'cut mid-body' : 'not JSON'}, then whole`, async () => {
        const { url, requests } = await start(api === 'openai' ? OPENAI : ANTHROPIC, first);
        const spec = ModelSpec.parse({ id: 'm', provider: 'p', api, base_url: api === 'openai' ? `${url}/v1` : url, api_key_env: 'K', model: 'm', vendor: 'v', region: 'US', params: { max_tokens: 60000 } });
        const opts = { sleep: async () => {}, random: () => 0, ceiling: { input: '10', output: '40' } };
        const inner = api === 'openai' ? new OpenAIChatClient(spec, 'sk-test-key', price, opts) : new AnthropicClient(spec, 'sk-test-key', price, opts);
        const budget = new RunBudget(10);
        const reply = await meteredClient(inner, budget, () => {}).chat([{ role: 'user', content: 'hi' }]);
        expect(requests()).toBe(2);
        expect(reply.message.content).toBe('a long answer');
        expect(reply.call.tries).toBe(2);
        // the first try's tokens are unknown: the call's cost is unknown (never the second try's $0.20 alone) …
        expect(reply.call.usage_unknown).toBe(true);
        expect(reply.call.list_usd).toBeNull();
        // … and bounded by the request (max_tokens given): the budget counts more than the whole try it saw
        expect(reply.call.cap_usd).toBeGreaterThan(0.2);
        expect(budget.spentUsd).toBeGreaterThan(0.2);
      });
    }
  }

  // a whole 2xx body with no usable message (a gateway's error, no choices) and no usage: answered, so maybe billed (atkP15 #3)
  for (const body of [JSON.stringify({ error: { code: 502, message: 'upstream failed' } }), JSON.stringify({ id: 'x', choices: [] })]) {
    it(`openai: a 2xx ${body.slice(0, 20)}… is a billed try with unknown tokens`, async () => {
      const { url } = await start(OPENAI, body);
      const spec = ModelSpec.parse({ id: 'm', provider: 'p', api: 'openai', base_url: `${url}/v1`, api_key_env: 'K', model: 'm', vendor: 'v', region: 'US', params: { max_tokens: 60000 } });
      const inner = new OpenAIChatClient(spec, 'sk-test-key', price, { sleep: async () => {}, random: () => 0, ceiling: { input: '10', output: '40' }, maxTries: 1 } as never);
      const err = await inner.chat([{ role: 'user', content: 'hi' }]).then(() => null, (e: ModelCallError) => e);
      expect(err?.call).toMatchObject({ usage_unknown: true, list_usd: null });
      expect(err?.call?.cap_usd).toBeGreaterThan(0);
    });
  }
});
