// bill5: what the pending ledger line adds to a model call (ms per call). A real OpenAI-dialect
// client against the fake provider on 127.0.0.1, metered with the attempt's ledger: A = billed line
// only (main at 2edbcf6: `meteredClient(..., ledger.billed)`), B = pending line before the request +
// billed line (this branch). Blocks of CALLS calls, A and B interleaved, PAIRS pairs; prints each
// pair's ms/call and the B − A difference. `npx tsx bench/ledger-pending.ts [pairs] [calls]`
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ModelSpec } from '../src/config/models.ts';
import { createModelClient } from '../src/models/index.ts';
import { callBounder } from '../src/pricing/call-bound.ts';
import { RunBudget, meteredClient } from '../src/runner/budget.ts';
import { callLedger, openAttemptLedger } from '../src/runner/ledger-fold.ts';
import { startFakeProvider, textReply } from '../test/helpers/fake-provider.ts';

const PAIRS = Number(process.argv[2] ?? 8);
const CALLS = Number(process.argv[3] ?? 100);
const server = await startFakeProvider(() => textReply('ok'));
const spec = ModelSpec.parse({ id: 'm', provider: 'fake', api: 'openai', base_url: server.baseURL, api_key_env: 'K', model: 'fake/m', vendor: 'F', region: 'US' });
const price = { input: '2.00', output: '8.00' };
const inner = createModelClient(spec, 'sk-bench-0123456789', price, { maxTries: 1 });
const dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-bench-pending-'));
// a realistic prompt: ~20 kB of history
const messages = [{ role: 'system' as const, content: 'x'.repeat(2000) }, ...Array.from({ length: 20 }, (_, i) => ({ role: 'user' as const, content: `step ${i} ${'y'.repeat(900)}` }))];

async function block(kind: 'A' | 'B', n: number): Promise<number> {
  const budget = new RunBudget(null);
  const ledger = await openAttemptLedger(dir, { key: `${kind}-${n}`, model: 'm', instance_id: 't', attempt: 0 }, false, budget);
  const client = kind === 'A' ? meteredClient(inner, budget, () => {}, ledger.billed) : meteredClient(inner, budget, () => {}, callLedger(ledger, callBounder([{ spec, price, ceiling: price }])));
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) await client.chat(messages);
  const ms = (performance.now() - t0) / CALLS;
  ledger.close();
  return ms;
}

{
  // the bound's CPU share: serialising the request once more and reading its limits
  const bound = callBounder([{ spec, price, ceiling: price }]);
  for (let i = 0; i < 200; i++) bound(messages);
  const t0 = performance.now();
  for (let i = 0; i < 2000; i++) bound(messages);
  console.log(`bound of a ${Buffer.byteLength(JSON.stringify(messages))}-byte prompt: ${((performance.now() - t0) / 2000).toFixed(4)} ms CPU per call`);
}
await block('A', -1); // warm-up
await block('B', -1);
const rows: Array<[number, number]> = [];
for (let p = 0; p < PAIRS; p++) {
  const first = p % 2 === 0 ? 'A' : 'B';
  const x = await block(first, p);
  const y = await block(first === 'A' ? 'B' : 'A', p);
  const [a, b] = first === 'A' ? [x, y] : [y, x];
  rows.push([a, b]);
  console.log(`pair ${p + 1}: A ${a.toFixed(3)} ms/call, B ${b.toFixed(3)} ms/call, B−A ${(b - a).toFixed(3)} ms, B/A ${(b / a).toFixed(3)}`);
}
const diffs = rows.map(([a, b]) => b - a).sort((u, v) => u - v);
const ratios = rows.map(([a, b]) => b / a).sort((u, v) => u - v);
console.log(`median B−A ${diffs[Math.floor(diffs.length / 2)]!.toFixed(3)} ms/call (range ${diffs[0]!.toFixed(3)} … ${diffs.at(-1)!.toFixed(3)}); B/A median ${ratios[Math.floor(ratios.length / 2)]!.toFixed(3)} (range ${ratios[0]!.toFixed(3)} … ${ratios.at(-1)!.toFixed(3)})`);
await server.close();
rmSync(dir, { recursive: true, force: true });
