// The `command` agent end to end through the real CLI: a scripted external agent CLI
// (test/fixtures/agents/scripted-agent.mjs, using the `openai` SDK) declared in the `agents:` section
// of models.yaml fixes a bundled task; its model calls pass fixbench's metering proxy to a fake
// upstream on loopback, and its tokens and cost land in the attempt record.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { ROOT, runCli } from '../helpers/cli.ts';
import { chatCompletion, startFakeUpstream, type FakeUpstream, type UpstreamReply } from '../helpers/fake-upstream.ts';
import type { AttemptRecord } from '../../src/store/records.ts';

const TASK = 'js-duration-1';
const SCRIPT = path.join(ROOT, 'test', 'fixtures', 'agents', 'scripted-agent.mjs');
const KEY = 'sk-upstream-secret-for-command-agent-42';
let tmp: string;
let upstream: FakeUpstream | undefined;

afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
  await rm(tmp, { recursive: true, force: true });
});

const say = (action: unknown, usage: Record<string, unknown>): UpstreamReply => ({ json: chatCompletion(JSON.stringify(action), usage) });

async function run(script: UpstreamReply[], agentYaml: string, extra: string[] = []) {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-cmd-int-'));
  upstream = await startFakeUpstream(script);
  const modelsFile = path.join(tmp, 'models.yaml');
  await writeFile(
    modelsFile,
    `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${upstream.openaiBaseURL}\n    api_key_env: FAKE_UPSTREAM_KEY\n    model: fake/coder-2\n    vendor: Fake Labs\n    region: US\n` +
      `agents:\n${agentYaml}`,
  );
  const prices = path.join(tmp, '2026-04-01.yaml');
  await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00", cache_read: "0.50" }\n');
  const resultsDir = path.join(tmp, 'results');
  const r = await runCli(
    ['run', '--task', TASK, '--no-reference', '--agents', 'scripted', '--models-file', modelsFile, '--prices', prices, '--results', resultsDir, '--reports', path.join(tmp, 'reports'), '--run-id', 'cmd-run', '--sandbox', 'local', ...extra],
    { env: { FAKE_UPSTREAM_KEY: KEY } },
  );
  const lines = (await readFile(path.join(resultsDir, 'cmd-run', 'attempts.jsonl'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
  return { ...r, resultsDir, lines };
}

const scriptedAgent = `  - id: scripted\n    command: node '${SCRIPT}' --problem {{problem_file}} --model {{model}}\n    timeout_s: 120\n`;

describe('command agent end to end', () => {
  it('benchmarks a scripted external agent: resolved, with its tokens, cost and cache-hit share in the attempt record', async () => {
    const gold = await readFile(path.join(ROOT, 'tasks', TASK, 'gold.patch'), 'utf8');
    const r = await run(
      [
        say({ git_apply: gold }, { prompt_tokens: 2000, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 0 } }),
        say({ done: true }, { prompt_tokens: 2600, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 2000 } }),
      ],
      scriptedAgent,
    );
    expect(r.lines, r.stderr).toHaveLength(1);
    const rec = JSON.parse(r.lines[0]!) as AttemptRecord;
    expect(rec).toMatchObject({ contender: 'fake-coder@scripted', agent: 'scripted', outcome: 'resolved', exit_status: 'submitted', calls: 2, steps: 2 });
    // input_uncached = 2000 + 600 = 2600; cache_read = 2000; output = 320
    expect(rec.usage).toEqual({ input_uncached: 2600, cache_read: 2000, cache_write_5m: 0, cache_write_1h: 0, output: 320, reasoning: 0 });
    // (2600·2 + 2000·0.5 + 320·8) / 1e6 = (5200 + 1000 + 2560) / 1e6 = 0.00876
    expect(rec.list_usd).toBeCloseTo(0.00876, 12);
    expect(rec.cache_hit_share).toBeCloseTo(2000 / 4600, 12);
    expect(r.exitCode).toBe(0);
    // Each proxied call had a pending ledger line before it was forwarded, settled by its billed line (bill5).
    const ledger = (await readFile(path.join(r.resultsDir, 'cmd-run', 'ledgers', `${rec.key}.recorded.jsonl`), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(ledger.map((l) => l.kind ?? 'billed')).toEqual(['pending', 'billed', 'pending', 'billed']);
    expect(ledger[1].call_id).toBe(ledger[0].call_id);
    expect(ledger[3].call_id).toBe(ledger[2].call_id);
    // The upstream saw the real key and the configured model; nothing stored holds the key.
    expect(upstream!.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(upstream!.requests.every((q) => q.body.model === 'fake/coder-2')).toBe(true);
    const trajectory = JSON.parse(await readFile(path.join(r.resultsDir, 'cmd-run', 'trajectories', 'fake-coder@scripted', TASK, '0.json'), 'utf8'));
    expect(trajectory.calls).toHaveLength(2);
    expect(trajectory.format).toBe('fixbench-command-trajectory/1');
    // The report's attempt page reads the external agent's trajectory: one step per metered call.
    const page = await readFile(path.join(tmp, 'reports', 'cmd-run', 'attempts', '0', '0.html'), 'utf8');
    expect(page).not.toContain('could not be read');
    expect(page).toContain('External agent scripted');
    expect(page.match(/2\.00k in \(0 cached\) · 300 out|2\.60k in \(2\.00k cached\) · 20 out/g)).toHaveLength(2);
    const grep = await execa('grep', ['-rl', KEY, tmp], { reject: false });
    expect(grep.exitCode, grep.stdout).toBe(1);
    expect(r.stderr).toMatch(/fake-coder@scripted js-duration-1#0: resolved \$0\.00\d+ 4920 tok/);
  }, 120_000);

  it('refuses an unknown --agents id, naming the known ones (exit 2)', async () => {
    const r = await run([], scriptedAgent, ['--agents', 'aider']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/unknown agent id\(s\) aider; known: bash, claude-code, .*scripted/);
  }, 60_000);

  it('refuses an agent that would receive a credential from the host (exit 2, naming the field)', async () => {
    const r = await run([], `  - id: scripted\n    command: node x {{problem_file}}\n    env: [OPENAI_API_KEY]\n`);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/agents.*env.*looks like a credential/s);
  }, 60_000);
});
