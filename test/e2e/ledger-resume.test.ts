// Issue 14.9 must-show: `kill -9` during a model call, then `--resume`: the run's totals (tokens and
// USD in the summary, the records and the report) equal the fake provider's own count of billed
// calls — the interrupted attempt's billed call included, exactly once.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OUTPUT_TOKENS } from '../../src/pricing/call-bound.ts';
import { formatUsd } from '../../src/report/format.ts';
import { AttemptRecord } from '../../src/store/records.ts';
import { BIN, ROOT, runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { gone } from '../helpers/process.ts';

let tmp: string;
let server: FakeOpenAI;
/** The provider's own count of billed calls: replies sent with a usage object. */
let billed = 0;
const usage = { prompt_tokens: 1000, completion_tokens: 100 };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-ledger-'));
  // Call 0: a command (billed). Call 1: held forever (never answered, never billed) — the kill
  // comes while it is in flight. After the resume: a command, then submit (both billed).
  server = await startFakeOpenAI((_req, i) => {
    if (i === 1) return { fault: 'hang' };
    billed++;
    return toolCall('bash', { command: i >= 3 ? 'echo FIXBENCH_SUBMIT' : 'echo step' }, { usage });
  });
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('billed-call ledger', () => {
  it('kill -9 during a model call, then --resume: totals equal the provider\'s billed calls', async () => {
    const modelsFile = path.join(tmp, 'models.yaml');
    await writeFile(modelsFile, `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${server.baseURL}\n    api_key_env: FAKE_PROVIDER_API_KEY\n    model: fake/coder-1\n    vendor: Fake Labs\n    region: US\n`);
    const prices = path.join(tmp, '2026-04-01.yaml');
    // USD per call = (1000 · 2.00 + 100 · 8.00) / 1e6 = 0.0028
    await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00" }\n');
    const results = path.join(tmp, 'results');
    const env = { FIXBENCH_CACHE_DIR: path.join(tmp, 'env-cache'), FAKE_PROVIDER_API_KEY: 'sk-fake-ledger-0123456789' };
    const args = ['run', '--task', 'js-duration-1', '--no-reference', '--models-file', modelsFile, '--prices', prices, '--attempts', '1',
      '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'k9', '--budget-usd', 'none'];
    const child = execa('node', [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env, NO_COLOR: '1' }, detached: true, reject: false });
    const deadline = Date.now() + 120_000;
    while (server.requests.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(server.requests.length).toBe(2); // the reply to call 0 was used: the agent ran its command and asked again
    process.kill(-child.pid!, 'SIGKILL');
    await child;
    expect(await gone(child.pid!)).toBe(true);
    const dir = path.join(results, 'k9');
    expect((await readFile(path.join(dir, 'attempts.jsonl'), 'utf8').catch(() => '')).trim()).toBe(''); // no record: the attempt was in flight
    expect(billed).toBe(1);

    const r = await runCli(['run', '--resume', 'k9', '--models-file', modelsFile, '--results', results, '--reports', path.join(tmp, 'reports'), '--json'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(billed).toBe(3);
    const records = (await readFile(path.join(dir, 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
    expect(records).toHaveLength(1);
    const [rec] = records;
    expect(rec!.calls).toBe(billed);
    expect(rec!.usage.input_uncached + rec!.usage.output).toBe(billed * 1100);
    expect(rec!.list_usd).toBeCloseTo(billed * 0.0028, 10);
    expect(rec!.interrupted_calls).toMatchObject({ calls: 1, list_usd: expect.closeTo(0.0028, 10) });
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ type: 'summary', status: 'finished', tokens: billed * 1100 });
    expect(summary.list_usd).toBeCloseTo(billed * 0.0028, 10);
    // Counted once: the interrupted ledger is set aside, the re-run's settled with its record.
    expect((await readdir(path.join(dir, 'ledgers'))).sort()).toEqual([`${rec!.key}.interrupted-1.folded.jsonl`, `${rec!.key}.recorded.jsonl`]);
    const html = await readFile(path.join(tmp, 'reports', 'k9', 'index.html'), 'utf8');
    expect(html).toMatch(/1 billed call\(s\) of interrupted attempts/);
    // The call in flight at the kill (call 1) left a pending line, never settled: it counts at its
    // bound in the budget (budget_usd), its list cost stays out of list_usd (unknown), and the report
    // says so. Its bound: the request's bytes as prompt tokens at $2/M plus, with no max_tokens,
    // DEFAULT_OUTPUT_TOKENS at $8/M.
    const sent = Buffer.byteLength(JSON.stringify(server.requests[1]!.body));
    const bound = rec!.interrupted_calls!.unsettled_usd!;
    expect(rec!.interrupted_calls).toMatchObject({ unsettled_calls: 1 });
    expect(bound).toBeGreaterThan(DEFAULT_OUTPUT_TOKENS * 8e-6 + 0.5 * sent * 2e-6);
    expect(bound).toBeLessThan(DEFAULT_OUTPUT_TOKENS * 8e-6 + 2 * sent * 2e-6);
    expect(rec!.budget_usd).toBeCloseTo(billed * 0.0028 + bound, 10);
    expect(html).toContain(`1 call unsettled, bounded at ${formatUsd(bound)}: in flight at the kill`);
    // The run summary states the spend as the floor it is, in the same words (it said "$0.0084 total")
    const line = r.stderr.split('\n').find((l) => l.trim().startsWith('fake-coder: '));
    expect(line, r.stderr).toMatch(new RegExp(`, ≥ \\${formatUsd(billed * 0.0028)} total, 1 call unsettled, bounded at \\${formatUsd(bound)}$`));
    expect(summary).toMatchObject({ unsettled_calls: 1, unsettled_usd: bound });
  }, 300_000);
});
