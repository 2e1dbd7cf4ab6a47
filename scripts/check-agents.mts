// `npm run check:agents`: installs every built-in agent preset at its pinned version (into
// $FIXBENCH_CACHE_DIR, default /tmp/fixbench-agents-check) and runs each end to end through
// `fixbench run` in the bwrap sandbox against the scripted fake provider (test/helpers/preset-run.ts),
// printing one line per preset (and per translated pair: claude-code × OpenAI Chat, opencode × Anthropic): outcome, calls, and whether tokens and USD equal what the provider reported.
// Exit 0 when every preset resolved with exact metering, else 1.
import os from 'node:os';
import path from 'node:path';
import { AGENT_PRESETS } from '../src/agents/presets.ts';
import { runCli } from '../test/helpers/cli.ts';
import { cleanup, reported, runPreset } from '../test/helpers/preset-run.ts';

const cache = process.env.FIXBENCH_CACHE_DIR ?? path.join(os.tmpdir(), 'fixbench-agents-check');
const only = process.argv.slice(2);
let bad = 0;
type Api = 'anthropic' | 'openai-chat';
// Each preset against a model of its own protocol, then the translated pairs (src/proxy/translate*.ts).
const native = (p: (typeof AGENT_PRESETS)[number]): Api => (p.protocols.includes('anthropic') && !p.protocols.includes('openai-chat') ? 'anthropic' : 'openai-chat');
const pairs: Array<[(typeof AGENT_PRESETS)[number], Api]> = [
  ...AGENT_PRESETS.map((p) => [p, native(p)] as [(typeof AGENT_PRESETS)[number], Api]),
  [AGENT_PRESETS.find((p) => p.id === 'claude-code')!, 'openai-chat'],
  [AGENT_PRESETS.find((p) => p.id === 'opencode')!, 'anthropic'],
];
for (const [p, api] of pairs.filter(([x]) => !only.length || only.includes(x.id))) {
  const inst = await runCli(['agents', 'install', p.id], { env: { FIXBENCH_CACHE_DIR: cache }, timeoutMs: 900_000 });
  if (inst.exitCode !== 0) {
    bad++;
    console.log(`${p.id.padEnd(12)} ${p.package}@${p.version}  INSTALL FAILED: ${(inst.stdout + inst.stderr).trim().split('\n').slice(-1)[0]}`);
    continue;
  }
  const r = await runPreset(p.id, api, cache);
  const rec = r.record;
  const want = reported(r.billed);
  const exact = !!rec && rec.usage.input_uncached === want.input && rec.usage.output === want.output && Math.abs((rec.list_usd ?? NaN) - want.usd) < 1e-12 && rec.calls === r.billed.length;
  const ok = rec?.outcome === 'resolved' && exact;
  if (!ok) bad++;
  const detail = rec
    ? `${rec.outcome} (${rec.exit_status}) calls ${rec.calls}/${r.billed.length} tokens ${rec.usage.input_uncached}+${rec.usage.output} USD ${rec.list_usd} metering ${exact ? 'exact' : `MISMATCH (provider: ${want.input}+${want.output}, ${want.usd})`}${rec.error ? ` error: ${rec.error.message.slice(0, 200)}` : ''}`
    : `no record (exit ${r.exitCode}): ${r.stderr.trim().split('\n').slice(-1)[0]}`;
  console.log(`${ok ? 'OK  ' : 'FAIL'} ${p.id.padEnd(12)} ${p.package}@${p.version} vs ${api}${api === native(p) ? '' : ' (translated)'}: ${detail}`);
  await cleanup(r);
}
process.exit(bad ? 1 : 0);
