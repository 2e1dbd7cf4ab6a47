// Cost accounting through the real CLI and pipeline, with the models served by the fake provider on
// 127.0.0.1 (real HTTP through the real SDKs): retries are charged exactly and wait as the server
// asked, caps stop work before the next call or attempt, unparseable replies are charged, the
// Anthropic dialect streams, and a finished run is re-priced under another sheet.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';
import { errorReply, startFakeProvider, textReply, toolCall, type FakeProvider, type FakeReply } from '../helpers/fake-provider.ts';
import type { AttemptRecord, RunHeader } from '../../src/store/records.ts';
import { repricedReportName } from '../../src/report/paths.ts';

const TASK = 'js-duration-1';
const KEY = 'sk-test-cost-secret-0123456789';
let tmp: string;
let server: FakeProvider | undefined;
let gold: string;

beforeAll(async () => {
  gold = await readFile(path.join(ROOT, 'tasks', TASK, 'gold.patch'), 'utf8');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(tmp, { recursive: true, force: true });
});

interface Model {
  api?: 'openai-chat' | 'anthropic';
  stream?: boolean;
  toolCalls?: boolean;
}

/** Runs `fixbench run` on TASK with one fake model; returns its records, header and the CLI result. */
async function run(script: FakeReply[], args: string[], m: Model = {}) {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-cost-'));
  server = await startFakeProvider(script);
  const modelsFile = path.join(tmp, 'models.yaml');
  await writeFile(
    modelsFile,
    [
      'models:',
      '  - id: fake-coder',
      '    provider: fake',
      `    api: ${m.api ?? 'openai-chat'}`,
      `    base_url: ${m.api === 'anthropic' ? server.rootURL : server.baseURL}`,
      '    api_key_env: FAKE_PROVIDER_API_KEY',
      '    model: fake/coder-1',
      '    vendor: Fake Labs',
      '    region: US',
      `    stream: ${m.stream ?? false}`,
      `    tool_calls: ${m.toolCalls ?? true}`,
      '',
    ].join('\n'),
  );
  // USD per million tokens
  const prices = path.join(tmp, '2026-04-01.yaml');
  await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00", cache_read: "0.50", cache_write: "2.50" }\n');
  const resultsDir = path.join(tmp, 'results');
  const r = await runCli(
    ['run', '--task', TASK, '--no-reference', '--models-file', modelsFile, '--prices', prices, '--results', resultsDir, '--reports', path.join(tmp, 'reports'), '--run-id', 'cost-run', '--concurrency', '1', ...args],
    { env: { FAKE_PROVIDER_API_KEY: KEY } },
  );
  const dir = path.join(resultsDir, 'cost-run');
  const lines = (await readFile(path.join(dir, 'attempts.jsonl'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
  const header = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8').catch(() => 'null')) as RunHeader;
  return { ...r, records: lines.map((l) => JSON.parse(l) as AttemptRecord), header, dir };
}

const bash = (command: string, usage: Record<string, unknown>): FakeReply => toolCall('bash', { command }, { usage });
const applyGold = () => `git apply - <<'FIXBENCH_PATCH_EOF'\n${gold}FIXBENCH_PATCH_EOF`;

// U1: (1 200·2.00 + 80·8.00) / 1e6 = (2 400 + 640) / 1e6 = 0.00304
// U2: uncached 3 100 − 2 048 = 1 052: (1 052·2.00 + 2 048·0.50 + 20·8.00) / 1e6 = (2 104 + 1 024 + 160) / 1e6 = 0.003288
// OpenRouter-style `cost` 10% above list on both: 0.003344 + 0.0036168 = 0.0069608 billed vs 0.006328 list.
const U1 = { prompt_tokens: 1200, completion_tokens: 80, cost: 0.003344 };
const U2 = { prompt_tokens: 3100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 2048 }, cost: 0.0036168 };

describe('cost accounting, end to end', () => {
  it('a call that gets 429 twice then succeeds: the attempt costs exactly the billed calls, the waits honour Retry-After, and --prices re-prices it', async () => {
    const rate = errorReply(429, { message: 'Rate limit exceeded', type: 'rate_limit_error', code: 429 }, { 'retry-after': '1' });
    const { records, exitCode, stderr, dir } = await run([rate, rate, bash(applyGold(), U1), bash('echo FIXBENCH_SUBMIT', U2)], []);
    expect(exitCode, stderr).toBe(0);
    const [rec] = records;
    expect(rec!.outcome).toBe('resolved');
    expect(rec!.calls).toBe(2); // two billed calls; the 429s were not billed
    expect(rec!.list_usd).toBeCloseTo(0.006328, 12);
    expect(rec!.billed_usd).toBeCloseTo(0.0069608, 12);
    // (0.0069608 − 0.006328) / 0.006328 = 0.1: past the 5% threshold
    expect(rec!.cost_drift).toBeCloseTo(0.1, 9);
    const at = server!.requests.map((r) => r.at);
    expect(at).toHaveLength(4);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1000); // Retry-After: 1 (second)
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(1000);
    const traj = JSON.parse(await readFile(path.join(dir, 'trajectories', 'fake-coder', TASK, '0.json'), 'utf8'));
    expect(traj.steps[0].call.tries).toBe(3);

    // Re-price under a sheet with doubled prices: (0.00304 + 0.003288) · 2 = 0.012656.
    const dearer = path.join(tmp, '2026-06-01.yaml');
    await writeFile(dearer, 'as_of: "2026-06-01"\nsource: dearer sheet\nmodels:\n  fake-coder: { input: "4.00", output: "16.00", cache_read: "1.00" }\n');
    const rep = await runCli(['report', dir, '--prices', dearer, '--reports', path.join(tmp, 'reports')]);
    expect(rep.exitCode, rep.stderr).toBe(0);
    const folder = repricedReportName('cost-run', '2026-06-01', await readFile(dearer));
    expect(rep.stdout).toContain(folder);
    const html = await readFile(path.join(tmp, 'reports', folder, 'index.html'), 'utf8');
    expect(html).toContain('2026-06-01');
    expect(html).toMatch(/\$0\.01(27|266)/); // the re-priced total, $0.012656, in the report's format
    // The stored results are untouched.
    expect(JSON.parse((await readFile(path.join(dir, 'attempts.jsonl'), 'utf8')).trim()).list_usd).toBeCloseTo(0.006328, 12);
  });

  it('a per-attempt cap stops the agent before its next call', async () => {
    // (5 000·2.00 + 500·8.00) / 1e6 = 0.014 ≥ the 0.01 cap
    const big = { prompt_tokens: 5000, completion_tokens: 500 };
    const { records } = await run([bash('ls', big), bash('ls', big), bash('echo FIXBENCH_SUBMIT', big)], ['--attempt-usd', '0.01']);
    expect(records[0]!.exit_status).toBe('cost_limit');
    expect(records[0]!.calls).toBe(1);
    expect(records[0]!.list_usd).toBeCloseTo(0.014, 12);
    expect(server!.requests).toHaveLength(1);
    expect(server!.remaining()).toBe(2);
  });

  it('a run cap stops new attempts, and the run says so', async () => {
    const big = { prompt_tokens: 5000, completion_tokens: 500 }; // 0.014 USD, 5 500 tokens
    const { records, header, stderr } = await run([bash('echo FIXBENCH_SUBMIT', big), bash('echo FIXBENCH_SUBMIT', big)], ['--attempts', '3', '--budget-usd', '0.01']);
    expect(records).toHaveLength(1);
    expect(server!.requests).toHaveLength(1);
    expect(header.status).toBe('budget_exhausted');
    expect(header.note).toMatch(/run budget of \$0\.01 reached after \$0\.0140; later model attempts were not started/);
    expect(stderr).toMatch(/run budget of \$0\.01 reached/);
  });

  it('records set aside by --retry-errors still count in the run budget (their calls were paid for)', async () => {
    const big = { prompt_tokens: 5000, completion_tokens: 500 }; // 0.014 USD
    const first = await run([bash('echo FIXBENCH_SUBMIT', big), bash('echo FIXBENCH_SUBMIT', big)], ['--budget-usd', '0.01']);
    expect(first.records).toHaveLength(1);
    // mark it as an infra error, so --retry-errors sets it aside and runs it again
    await writeFile(path.join(first.dir, 'attempts.jsonl'), JSON.stringify({ ...first.records[0], outcome: 'infra_error' }) + '\n');
    const r = await runCli(
      ['run', '--retry-errors', 'cost-run', '--no-reference', '--models-file', path.join(tmp, 'models.yaml'), '--prices', path.join(tmp, '2026-04-01.yaml'), '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--concurrency', '1', '--budget-usd', '0.01'],
      { env: { FAKE_PROVIDER_API_KEY: KEY } },
    );
    expect(r.exitCode, r.stderr).not.toBe(2);
    expect(await readFile(path.join(first.dir, 'attempts.superseded.jsonl'), 'utf8')).toContain('"infra_error"');
    expect(server!.requests, 'the $0.014 already spent exhausts the $0.01 budget: no new call').toHaveLength(1);
    expect(JSON.parse(await readFile(path.join(first.dir, 'run.json'), 'utf8')).status).toBe('budget_exhausted');
  });

  it('a run token cap stops new attempts too', async () => {
    const big = { prompt_tokens: 5000, completion_tokens: 500 };
    const { records, header } = await run([bash('echo FIXBENCH_SUBMIT', big), bash('echo FIXBENCH_SUBMIT', big)], ['--attempts', '3', '--budget-tokens', '4000']);
    expect(records).toHaveLength(1);
    expect(header.limits.run_budget_tokens).toBe(4000);
    expect(header.note).toMatch(/token budget of 4000 tokens reached after 5500 tokens/);
  });

  it('a model whose replies never parse still has every call charged', async () => {
    // Fenced-block protocol; no reply holds a ```bash block. Each: (1 000·2.00 + 100·8.00) / 1e6 = 0.0028; three: 0.0084.
    const u = { prompt_tokens: 1000, completion_tokens: 100 };
    const { records } = await run([textReply('The bug is in the parser.', { usage: u }), textReply('I would change it.', { usage: u }), textReply('Done, I think.', { usage: u })], [], { toolCalls: false });
    expect(records[0]!.exit_status).toBe('format_errors');
    expect(records[0]!.calls).toBe(3);
    expect(records[0]!.list_usd).toBeCloseTo(0.0084, 12);
    expect(records[0]!.usage).toMatchObject({ input_uncached: 3000, output: 300 });
  });

  it('the Anthropic dialect, streamed, through a 529: resolves and costs the billed calls', async () => {
    // A1: input 1 500, cache write 2 000, output 100: (1 500·2.00 + 2 000·2.50 + 100·8.00) / 1e6 = (3 000 + 5 000 + 800) / 1e6 = 0.0088
    // A2: input 200, cache read 2 000, output 30:     (200·2.00 + 2 000·0.50 + 30·8.00) / 1e6 = (400 + 1 000 + 240) / 1e6 = 0.00164
    const A1 = { input_tokens: 1500, cache_creation_input_tokens: 2000, cache_read_input_tokens: 0, output_tokens: 100 };
    const A2 = { input_tokens: 200, cache_creation_input_tokens: 0, cache_read_input_tokens: 2000, output_tokens: 30 };
    const { records, stderr } = await run(
      [errorReply(529, { type: 'overloaded_error', message: 'Overloaded' }, { 'retry-after': '0' }), bash(applyGold(), A1), bash('echo FIXBENCH_SUBMIT', A2)],
      [],
      { api: 'anthropic', stream: true },
    );
    expect(records[0]!.outcome, stderr).toBe('resolved');
    expect(records[0]!.usage).toEqual({ input_uncached: 1700, cache_read: 2000, cache_write_5m: 2000, cache_write_1h: 0, output: 130, reasoning: 0 });
    expect(records[0]!.list_usd).toBeCloseTo(0.01044, 12);
    expect(server!.requests.every((r) => r.path === '/v1/messages' && r.body.stream === true)).toBe(true);
    expect(server!.requests[0]!.body).not.toHaveProperty('temperature');
  });
});
