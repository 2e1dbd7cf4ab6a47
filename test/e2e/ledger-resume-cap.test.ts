// A resumed attempt's --attempt-usd bounds what its attempt key costs in total: the re-run try's cap
// counts the billed calls of the try a kill -9 interrupted (its ledger), not a fresh cap.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { fakeCoderFiles, runUntilKilled } from '../helpers/killed-run.ts';

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
    // USD per call = (1000 · 2.00 + 100 · 8.00) / 1e6 = 0.0028; the cap 0.006 allows 3 calls in all (the third passes it)
    const { modelsFile, prices, env } = await fakeCoderFiles(tmp, server);
    const results = path.join(tmp, 'results');
    const args = ['run', '--task', 'js-duration-1', '--no-reference', '--models-file', modelsFile, '--prices', prices, '--attempts', '1',
      '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'cap', '--budget-usd', 'none', '--attempt-usd', '0.006'];
    await runUntilKilled(args, env, server, 2); // the reply to call 1 is on the ledger and its `sleep 60` runs

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
