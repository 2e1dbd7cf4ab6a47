// Killed sessions' billed calls across a resume whose budget is already spent, and across a kill
// between a record's append and its ledger's settle (atkF10 1, 2, 3): the records count every call
// the fake provider billed, each once.
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { BIN, ROOT, runCli } from '../helpers/cli.ts';
import { errorReply, startFakeOpenAI, toolCall, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { fakeCoderFiles, runUntilKilled } from '../helpers/killed-run.ts';

let tmp: string;
let server: FakeOpenAI;
// Attempt keys hash the model's base_url, so the fake server's random port decides which shard
// an attempt falls in (src/store/shard.ts): a test that needs both shards non-empty checks the layout.
const small = { prompt_tokens: 1000, completion_tokens: 100 }; // 0.0028 USD
const big = { prompt_tokens: 30000, completion_tokens: 100 }; // 0.0608 USD
let reply: (i: number) => ReturnType<typeof toolCall> | ReturnType<typeof errorReply> = () => toolCall('bash', { command: 'echo FIXBENCH_SUBMIT' }, { usage: small });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-ledger-spent-'));
  server = await startFakeOpenAI((_req, i) => reply(i));
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

const records = async (dir: string, file = 'attempts.jsonl'): Promise<AttemptRecord[]> =>
  (await readFile(path.join(dir, file), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean).map((l) => AttemptRecord.parse(JSON.parse(l)));

describe('billed calls of killed sessions', () => {
  it("a merged run whose budget its records already spent: the killed shard's call is recorded (the budget-cut attempt carries it), once", async () => {
    const tasks = ['js-duration-1', 'js-duration-2', 'js-ini-1', 'js-ini-2'];
    reply = () => toolCall('bash', { command: 'echo FIXBENCH_SUBMIT' }, { usage: big }); // shard 1 spends past the budget
    // shard 1 first; a port that leaves either shard without an attempt is traded for another (at most 20 tries)
    let setup: { modelsFile: string; prices: string; env: Record<string, string> } | undefined;
    let results = '';
    let run = (_shard: string, _id: string): string[] => [];
    for (let tries = 0; tries < 20 && !setup; tries++) {
      const sub = path.join(tmp, `layout-${tries}`);
      await mkdir(sub, { recursive: true });
      if (tries > 0) {
        await server.close();
        server = await startFakeOpenAI((_req, i) => reply(i));
      }
      const files = await fakeCoderFiles(sub, server);
      results = path.join(sub, 'results');
      const common = ['--models-file', files.modelsFile, '--results', results, '--reports', path.join(sub, 'reports')];
      run = (shard, id) => ['run', '--task', tasks.join(','), '--no-reference', '--prices', files.prices, '--run-id', id, '--budget-usd', '0.06', '--concurrency', '1', '--shard', shard, ...common];
      const s1 = await runCli([...run('1/2', 's1'), '--json'], { env: files.env });
      expect(s1.exitCode, s1.stderr).toBe(0);
      const start = s1.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; total?: number }).find((e) => e.type === 'start');
      expect(start?.total, s1.stdout).toBeTypeOf('number');
      if (start!.total! > 0 && start!.total! < tasks.length) setup = files;
    }
    expect(setup, 'no fake-server port in 20 split the attempts over both shards').toBeDefined();
    const { modelsFile, env } = setup!;
    const common = ['--models-file', modelsFile, '--results', results, '--reports', path.join(path.dirname(results), 'reports')];
    const before = server.requests.length;
    expect(before).toBe(1); // shard 1's first call spent the budget: nothing after it was called
    reply = () => toolCall('bash', { command: 'sleep 60' }, { usage: small }); // shard 2: one billed call, killed in its sleep
    await runUntilKilled(run('2/2', 's2'), env, server, before + 1);
    const m = await execa('node', [BIN, 'merge', path.join(results, 'm'), path.join(results, 's1'), path.join(results, 's2')], { cwd: ROOT, env: { ...process.env, ...env }, reject: false });
    expect(m.exitCode, m.stderr).toBe(0);
    reply = () => toolCall('bash', { command: 'echo FIXBENCH_SUBMIT' }, { usage: small });
    const r = await runCli(['run', '--resume', 'm', ...common], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    const dir = path.join(results, 'm');
    const recs = await records(dir);
    expect(server.requests.length).toBe(before + 1); // nothing more was called: the budget is spent
    expect(recs.reduce((s, x) => s + x.calls, 0)).toBe(server.requests.length);
    const cut = recs.find((x) => x.interrupted_calls);
    expect(cut).toMatchObject({ outcome: 'infra_error', exit_status: 'cost_limit', calls: 1, error: { kind: 'run_budget' }, interrupted_calls: { calls: 1 } });
    const header = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8'));
    expect(header.status).toBe('budget_exhausted');
    expect(header.note).toContain(`reached after $${(0.0608 * before + 0.0028).toFixed(4)}`);
    expect((await readdir(path.join(dir, 'ledgers'))).filter((n) => !/\.(recorded|folded)\.jsonl$/.test(n))).toEqual([]);
    // a second resume counts nothing again
    expect((await runCli(['run', '--resume', 'm', ...common], { env })).exitCode).toBe(0);
    expect((await records(dir)).reduce((s, x) => s + x.calls, 0)).toBe(server.requests.length);
  }, 400_000);

  it('a kill between an infra_error record and its ledger settle, then --retry-errors: the call is counted once', async () => {
    const sub = path.join(tmp, 'settle');
    await mkdir(sub, { recursive: true });
    const { modelsFile, prices, env } = await fakeCoderFiles(sub, server);
    const results = path.join(sub, 'results');
    const common = ['--models-file', modelsFile, '--results', results, '--reports', path.join(sub, 'reports')];
    const first = server.requests.length;
    // one billed call, then a 401 (the provider's fault: infra_error)
    reply = (i) => (i === first ? toolCall('bash', { command: 'echo step' }, { usage: small }) : errorReply(401, { message: 'key revoked', type: 'auth_error', code: 'invalid_api_key' }));
    const s1 = await execa('node', [BIN, 'run', '--task', 'js-duration-1', '--no-reference', '--prices', prices, '--run-id', 'r', '--budget-usd', '1', ...common], {
      cwd: ROOT, reject: false, env: { ...process.env, ...env, NO_COLOR: '1', FIXBENCH_TEST_KILL_AT_SETTLE: '1', NODE_OPTIONS: `--require ${path.join(ROOT, 'test/helpers/kill-at-settle.cjs')}` },
    });
    expect(s1.signal).toBe('SIGKILL');
    const dir = path.join(results, 'r');
    expect(await records(dir)).toMatchObject([{ outcome: 'infra_error', calls: 1 }]);
    const billedBefore = 1; // the 401 was not billed
    const afterS1 = server.requests.length;
    reply = () => toolCall('bash', { command: 'echo FIXBENCH_SUBMIT' }, { usage: small });
    const s2 = await runCli(['run', '--retry-errors', 'r', ...common], { env });
    expect(s2.exitCode, s2.stderr).toBe(0);
    const [rerun] = await records(dir);
    const setAside = await records(dir, 'attempts.superseded.jsonl');
    const billed = billedBefore + (server.requests.length - afterS1);
    expect(rerun!.interrupted_calls).toBeUndefined();
    expect(setAside.reduce((s, x) => s + x.calls, 0) + rerun!.calls).toBe(billed);
  }, 300_000);
});
