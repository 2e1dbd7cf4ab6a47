// Benchmark: latency the metering proxy adds to a model call, direct vs through the proxy, side by
// side, against a fake upstream on loopback (so the numbers are the proxy's own cost).
// Run: node --import tsx bench/proxy-overhead.ts [calls=200]
import OpenAI from 'openai';
import { startMeteringProxy } from '../src/proxy/server.ts';
import { chatCompletion, chatStream, startFakeUpstream, type UpstreamReply } from '../test/helpers/fake-upstream.ts';

const N = Number(process.argv[2] ?? 200);
const usage = { prompt_tokens: 5000, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 4000 } };
const big = 'x'.repeat(20_000); // a 20 kB reply
const parts = Array.from({ length: 200 }, (_, i) => `tok${i} `); // a 200-chunk stream

async function time(label: string, client: OpenAI, stream: boolean): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    if (stream) {
      const s = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
      for await (const _ of s) void _;
    } else {
      await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    }
  }
  const per = (performance.now() - t0) / N;
  return per;
}

const rows: string[] = [];
for (const stream of [false, true]) {
  const reply = (): UpstreamReply => (stream ? { sse: chatStream(parts, usage) } : { json: chatCompletion(big, usage) });
  const up = await startFakeUpstream(Array.from({ length: 2 * N }, reply));
  const proxy = await startMeteringProxy({ upstream: { dialect: 'openai', baseURL: up.openaiBaseURL, apiKey: 'sk-bench-key-000000', model: 'm' }, price: { input: '1', output: '2' }, capUsd: null });
  const direct = await time('direct', new OpenAI({ baseURL: up.openaiBaseURL, apiKey: 'k', maxRetries: 0 }), stream);
  const via = await time('proxy', new OpenAI({ baseURL: proxy.openaiBaseURL, apiKey: proxy.token, maxRetries: 0 }), stream);
  rows.push(`${stream ? 'stream, 200 chunks' : 'JSON, 20 kB reply '} | direct ${direct.toFixed(2)} ms | via proxy ${via.toFixed(2)} ms | overhead ${(via - direct).toFixed(2)} ms/call | metered calls ${proxy.calls.length}/${N}`);
  await proxy.close();
  await up.close();
}
console.log(`metering proxy overhead, ${N} calls each (node ${process.version})`);
for (const r of rows) console.log(r);
