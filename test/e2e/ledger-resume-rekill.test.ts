// kill -9, --resume, kill -9, --resume (attackC F1): the record, the run budget and the re-run try's
// --attempt-usd count the billed calls of BOTH killed sessions, not only the newest interrupted ledger.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
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
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-ledger-rekill-'));
  // calls 1 and 2 run `sleep 60`: a kill lands during each; submit from call 6 on
  server = await startFakeOpenAI((_req, i) => toolCall('bash', { command: i === 1 || i === 2 ? 'sleep 60' : i >= 6 ? 'echo FIXBENCH_SUBMIT' : 'echo step' }, { usage }));
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('resume after two kills', () => {
  it('every billed call of both killed sessions is in the record, and --attempt-usd starts from them all', async () => {
    const modelsFile = path.join(tmp, 'models.yaml');
    await writeFile(modelsFile, `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${server.baseURL}\n    api_key_env: FAKE_PROVIDER_API_KEY\n    model: fake/coder-1\n    vendor: Fake Labs\n    region: US\n    params: { max_tokens: 100 }\n`);
    const prices = path.join(tmp, '2026-04-01.yaml');
    // 0.0028 USD a call; the cap 0.006
    await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00" }\n');
    const results = path.join(tmp, 'results');
    const env = { FIXBENCH_CACHE_DIR: path.join(tmp, 'env-cache'), FAKE_PROVIDER_API_KEY: 'sk-fake-ledger-0123456789' };
    const common = ['--models-file', modelsFile, '--results', results, '--reports', path.join(tmp, 'reports')];
    const runAndKill = async (args: string[], until: number) => {
      const child = execa('node', [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env, NO_COLOR: '1' }, detached: true, reject: false });
      const deadline = Date.now() + 120_000;
      while (server.requests.length < until && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(server.requests.length).toBe(until);
      await new Promise((r) => setTimeout(r, 1000)); // the reply is on the ledger and its `sleep 60` runs
      process.kill(-child.pid!, 'SIGKILL');
      await child;
      expect(await gone(child.pid!)).toBe(true);
    };
    await runAndKill(['run', '--task', 'js-duration-1', '--no-reference', '--prices', prices, '--attempts', '1', '--run-id', 'cap', '--budget-usd', 'none', '--attempt-usd', '0.006', ...common], 2);
    await runAndKill(['run', '--resume', 'cap', ...common], 3); // 0.0056 carried: one call (passing the cap), killed in its sleep
    const r = await runCli(['run', '--resume', 'cap', ...common, '--json'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    const dir = path.join(results, 'cap');
    const [rec] = (await readFile(path.join(dir, 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
    // 0.0084 carried, over the cap: no further call; the record counts every call the provider billed
    expect(server.requests.length).toBe(3);
    expect(rec).toMatchObject({ exit_status: 'cost_limit', calls: 3, interrupted_calls: { calls: 3 } });
    expect(rec!.list_usd).toBeCloseTo(3 * 0.0028, 10);
    expect((await readdir(path.join(dir, 'ledgers'))).sort()).toEqual([`${rec!.key}.interrupted-1.folded.jsonl`, `${rec!.key}.interrupted-2.folded.jsonl`]);
  }, 300_000);
});
