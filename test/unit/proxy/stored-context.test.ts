// OpenAI Responses requests that make the provider replay context it stores (`previous_response_id`,
// `conversation`, a stored `prompt`, an `item_reference` input item) are refused by the metering
// proxy before anything is sent: their prompt tokens are not bounded by the request's bytes, so a
// reply cut before its usage event was recorded at a "bound" hundreds of times below the bill
// (atkD16 #1: 102 bytes, 200,000 input tokens billed, $0.0007 recorded as a true bound).
import http from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverSideFeature } from '../../../src/proxy/endpoints.ts';
import { startMeteringProxy, type MeteringProxy } from '../../../src/proxy/server.ts';

let upstreamHits = 0;
let fake: http.Server;
let proxy: MeteringProxy;

beforeAll(async () => {
  fake = http.createServer((req, res) => {
    upstreamHits++;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'resp_2', object: 'response', model: 'gpt-x', status: 'completed', output: [{ type: 'message', id: 'm1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'ok', annotations: [] }] }], usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 1, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 11 } }));
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const port = (fake.address() as { port: number }).port;
  const price = { input: '2', output: '8' };
  proxy = await startMeteringProxy({ upstream: { dialect: 'openai', baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'sk-real', model: 'gpt-x' }, price, ceiling: price, capUsd: 0.1 });
});
afterAll(async () => {
  await proxy?.close();
  fake?.close();
});

describe('stored provider context through the metering proxy', () => {
  it('each form is refused with the reason and the fix, and never reaches the provider; a request carrying its whole input passes', async () => {
    const client = new OpenAI({ apiKey: proxy.token, baseURL: proxy.openaiBaseURL, maxRetries: 0 });
    const forms: Record<string, unknown>[] = [
      { previous_response_id: 'resp_1', input: 'go on' },
      { conversation: 'conv_1', input: 'go on' },
      { prompt: { id: 'pmpt_1' }, input: 'go on' },
      { input: [{ type: 'item_reference', id: 'msg_1' }, { role: 'user', content: 'go on' }] },
    ];
    for (const form of forms) {
      const err = await client.responses.create({ model: 'gpt-x', max_output_tokens: 64, ...form } as never).then(() => null, (e: unknown) => e as { status?: number; message?: string });
      expect(err, JSON.stringify(form)).not.toBeNull();
      expect(err!.status, JSON.stringify(form)).toBeGreaterThanOrEqual(400);
      expect(err!.status).toBeLessThan(500);
      expect(err!.message).toMatch(/is refused: the provider would replay context it stores.*send the whole conversation in `input`/);
    }
    expect(upstreamHits).toBe(0);
    const ok = await client.responses.create({ model: 'gpt-x', max_output_tokens: 64, input: [{ role: 'user', content: 'the whole conversation' }], store: false });
    expect(ok.output_text).toBe('ok');
    expect(upstreamHits).toBe(1);
  });

  it('serverSideFeature names the field; null values and a string prompt (the completions API) pass', () => {
    expect(serverSideFeature('openai', { previous_response_id: 'r' })).toMatch(/`previous_response_id`/);
    expect(serverSideFeature('openai', { previous_response_id: null, conversation: null, prompt: 'text', input: [{ type: 'message' }] })).toBeNull();
  });
});
