// kill -9, --resume, kill -9, --resume (attackC F1): the record, the run budget and the re-run try's
// --attempt-usd count the billed calls of BOTH killed sessions, not only the newest interrupted ledger.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
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
    // 0.0028 USD a call; the cap 0.006
    const { modelsFile, prices, env } = await fakeCoderFiles(tmp, server);
    const results = path.join(tmp, 'results');
    const common = ['--models-file', modelsFile, '--results', results, '--reports', path.join(tmp, 'reports')];
    const runAndKill = (args: string[], until: number) => runUntilKilled(args, env, server, until);
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
