// A key echoed in a streamed reply (issue 13.6), through the real CLI: the probe agent's streamed
// calls (OpenAI and Anthropic dialects) carry the provider key split over deltas and TCP chunks; it
// reaches neither the agent (its output, stored in the trajectory, shows what it received) nor any
// file under the results and reports folders. The agent is declared with `network: host`, which
// run.json and the report's header record.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';
import { anthropicStream, chatStream, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import type { AttemptRecord, RunHeader } from '../../src/store/records.ts';

const PROBE = path.join(ROOT, 'test', 'fixtures', 'agents', 'net-probe-agent.mjs');
const KEY = 'sk-upstream-stream-secret-for-redaction-77';
const TASK = 'js-duration-1';
let tmp: string;
let upstream: FakeUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('a key echoed in a streamed reply, through the CLI', () => {
  it.each(['openai', 'anthropic'] as const)('%s dialect: never reaches the agent, results or reports', async (dialect) => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-sse-key-'));
    const half = KEY.length >> 1;
    const delta = (text: string) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
    const anthropic = anthropicStream('', { input_tokens: 10 }, { output_tokens: 4 });
    anthropic.splice(2, 1, delta(`my key: ${KEY.slice(0, half)}`), delta(`${KEY.slice(half)}!`));
    upstream = await startFakeUpstream([
      dialect === 'openai'
        ? { sse: chatStream([`my key: ${KEY.slice(0, half)}`, `${KEY.slice(half)}!`], { prompt_tokens: 10, completion_tokens: 4 }), splitAt: 9 }
        : { sse: anthropic, splitAt: 9 },
    ]);
    const modelsFile = path.join(tmp, 'models.yaml');
    await writeFile(
      modelsFile,
      `models:\n  - id: fake-coder\n    provider: fake\n    api: ${dialect === 'openai' ? 'openai-chat' : 'anthropic'}\n    base_url: ${dialect === 'openai' ? upstream.openaiBaseURL : upstream.anthropicBaseURL}\n    api_key_env: FAKE_UPSTREAM_KEY\n    model: fake/coder-2\n    vendor: Fake Labs\n    region: US\n` +
        `agents:\n  - id: probe\n    command: node '${PROBE}' --dialect ${dialect}\n    network: host\n`,
    );
    const prices = path.join(tmp, '2026-04-01.yaml');
    await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00" }\n');
    const results = path.join(tmp, 'results');
    const reports = path.join(tmp, 'reports');
    const r = await runCli(
      ['run', '--task', TASK, '--no-reference', '--agents', 'probe', '--models-file', modelsFile, '--prices', prices, '--results', results, '--reports', reports, '--run-id', 'sse', '--sandbox', 'local'],
      { env: { FAKE_UPSTREAM_KEY: KEY } },
    );
    expect(r.stderr).toMatch(/WARNING: agent probe has network: host/);
    const rec = JSON.parse((await readFile(path.join(results, 'sse', 'attempts.jsonl'), 'utf8')).trim()) as AttemptRecord;
    expect(rec.calls, r.stderr).toBe(1);
    const traj = JSON.parse(await readFile(path.join(results, 'sse', 'trajectories', 'fake-coder@probe', TASK, '0.json'), 'utf8'));
    expect(traj.output).toContain('"text":"my key: [REDACTED]!"');
    expect(traj.output).toContain('"malformed":0');
    const header = JSON.parse(await readFile(path.join(results, 'sse', 'run.json'), 'utf8')) as RunHeader;
    expect(header.contenders.find((c) => c.id === 'fake-coder@probe')?.agent_network).toBe('host');
    expect((await readdir(reports)).length).toBeGreaterThan(0);
    const html = (await execa('grep', ['-rl', 'host network for fake-coder@probe', reports], { reject: false })).stdout;
    expect(html).not.toBe('');
    // Neither half of the key anywhere fixbench wrote.
    for (const piece of [KEY.slice(0, half), KEY.slice(half)]) {
      const grep = await execa('grep', ['-rlF', piece, results, reports], { reject: false });
      expect(grep.exitCode, grep.stdout).toBe(1);
    }
  }, 180_000);
});
