// A resumed attempt's --attempt-usd bounds what its attempt key costs in total: the re-run try's cap
// counts the billed calls of the try a kill -9 interrupted (its ledger), not a fresh cap.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { BIN, ROOT, runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { gone } from '../helpers/process.ts';

let tmp: string;
let server: FakeOpenAI;
const usage = { prompt_tokens: 1000, completion_tokens: 100 };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-ledger-cap-'));
  // Call 0: a command. Call 1: a long command — the kill comes while it runs (both billed and on the
  // ledger). After the resume: commands, then submit at call 4.
  server = await startFakeOpenAI((_req, i) => toolCall('bash', { command: i === 1 ? 'sleep 60' : i >= 4 ? 'echo FIXBENCH_SUBMIT' : 'echo step' }, { usage }));
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('resumed attempt and --attempt-usd', () => {
  it('the re-run try of an interrupted attempt has the cap less what the interrupted try was billed', async () => {
    const modelsFile = path.join(tmp, 'models.yaml');
    await writeFile(modelsFile, `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${server.baseURL}\n    api_key_env: FAKE_PROVIDER_API_KEY\n    model: fake/coder-1\n    vendor: Fake Labs\n    region: US\n    params: { max_tokens: 100 }\n`);
    const prices = path.join(tmp, '2026-04-01.yaml');
    // USD per call = (1000 · 2.00 + 100 · 8.00) / 1e6 = 0.0028; the cap 0.006 allows 3 calls in all (the third passes it)
    await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00" }\n');
    const results = path.join(tmp, 'results');
    const env = { FIXBENCH_CACHE_DIR: path.join(tmp, 'env-cache'), FAKE_PROVIDER_API_KEY: 'sk-fake-ledger-0123456789' };
    const args = ['run', '--task', 'js-duration-1', '--no-reference', '--models-file', modelsFile, '--prices', prices, '--attempts', '1',
      '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'cap', '--budget-usd', 'none', '--attempt-usd', '0.006'];
    const child = execa('node', [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env, NO_COLOR: '1' }, detached: true, reject: false });
    const deadline = Date.now() + 120_000;
    while (server.requests.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(server.requests.length).toBe(2);
    await new Promise((r) => setTimeout(r, 1000)); // the reply to call 1 is on the ledger and its `sleep 60` runs
    process.kill(-child.pid!, 'SIGKILL');
    await child;
    expect(await gone(child.pid!)).toBe(true);

    const r = await runCli(['run', '--resume', 'cap', '--models-file', modelsFile, '--results', results, '--reports', path.join(tmp, 'reports'), '--json'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    const dir = path.join(results, 'cap');
    const [rec] = (await readFile(path.join(dir, 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
    // 0.0056 carried: 0.0004 left, so one call (passing the cap, as any cap is passed by at most one call), then the cost limit
    expect(server.requests.length).toBe(3);
    expect(rec).toMatchObject({ exit_status: 'cost_limit', calls: 3, interrupted_calls: { calls: 2 }, limit: { kind: 'attempt_usd', value: 0.006 } });
    expect(rec!.list_usd).toBeCloseTo(3 * 0.0028, 10);
  }, 300_000);
});
