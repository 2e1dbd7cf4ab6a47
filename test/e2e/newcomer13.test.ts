// Newcomer frictions of round 13 against the real CLI and a loopback fake provider (newcomer13 #6,
// #10): a small run budget at --concurrency 64 grades the attempts it can afford instead of cutting
// every one; a resumed run's stale-price warning advises what a resume accepts; a shard run prints
// the exact merge command with its folders; Ctrl-C after the last attempt was recorded exits 0.
import { readFile, rm, mkdtemp, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { fakeCoderFiles } from '../helpers/killed-run.ts';

let tmp: string;
let server: FakeOpenAI;
let files: Awaited<ReturnType<typeof fakeCoderFiles>>;
const usage = { prompt_tokens: 1000, completion_tokens: 100 }; // $0.0028 a call under fakeCoderFiles' sheet

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-newcomer13-'));
  // Every attempt: one command, then submit (2 calls).
  server = await startFakeOpenAI((req) => toolCall('bash', { command: req.body.messages.length > 3 ? 'echo FIXBENCH_SUBMIT' : 'echo step' }, { usage }));
  files = await fakeCoderFiles(tmp, server); // its sheet is dated 2026-04-01: stale by the machine's date
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

const records = async (dir: string) => (await readFile(path.join(dir, 'attempts.jsonl'), 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('newcomer13', () => {
  it('#10c: a budget for about one attempt at --concurrency 64 grades one; #6: its resume advises report --prices, not run --prices', async () => {
    const results = path.join(tmp, 'budget-results');
    const reports = path.join(tmp, 'budget-reports');
    const args = ['--models-file', files.modelsFile, '--results', results, '--reports', reports];
    // $0.006: two calls of $0.0028 (one attempt) and a little more
    const r = await runCli(['run', '--task', 'js-duration-1,js-duration-2,js-ini-1,js-ini-2', '--no-reference', '--prices', files.prices, '--attempts', '1',
      ...args, '--run-id', 'b64', '--budget-usd', '0.006', '--concurrency', '64'], { env: files.env });
    expect(r.exitCode, r.stderr).toBe(0);
    const recs = await records(path.join(results, 'b64'));
    const graded = recs.filter((a) => a.outcome !== 'infra_error');
    expect(graded.length, JSON.stringify(recs.map((a) => [a.instance_id, a.outcome, a.exit_status]))).toBeGreaterThanOrEqual(1);
    expect(graded[0].calls).toBe(2); // it ran to its submit
    expect(r.stderr).toContain('run budget of $0.006 reached');

    const again = await runCli(['run', '--resume', 'b64', ...args], { env: files.env });
    expect(again.exitCode, again.stderr).toBe(0);
    const warning = again.stderr.split('\n').find((l) => l.startsWith('warning: ') && l.includes('days old'));
    expect(warning, again.stderr).toBeDefined();
    expect(warning).toContain('a resume keeps the sheet the run started with');
    expect(warning).toContain(`report b64 --prices <newer sheet> --results ${results} --reports ${reports} --models-file ${files.modelsFile}`);
    expect(warning).not.toMatch(/or pass --prices/);
  }, 600_000);

  it('#10a: a shard run prints the exact merge command, with the other shard\'s folder and a merged folder both shards name alike, and it works', async () => {
    const results = path.join(tmp, 'shard-results');
    const base = ['run', '--task', 'js-duration-1,js-ini-1', '--no-reference', '--models-file', files.modelsFile, '--prices', files.prices, '--attempts', '1',
      '--results', results, '--reports', path.join(tmp, 'shard-reports'), '--budget-usd', 'none'];
    const env = { ...files.env, npm_lifecycle_event: undefined, npm_command: undefined }; // the printed prefix is then `node <bin>`
    const first = await runCli([...base, '--shard', '1/2', '--run-id', 'n-s1'], { env });
    expect(first.exitCode, first.stderr).toBe(0);
    // shard 2 is not there yet: a placeholder, and what to do
    expect(first.stderr).toContain(`node ${BIN} merge ${path.join(results, 'n-merged')} ${path.join(results, 'n-s1')} <shard 2/2 run folder> --reports ${path.join(tmp, 'shard-reports')}`);
    expect(first.stderr).toMatch(/shard 2\/2 of n is not under \S+ yet: name its run folder where it is, or copy it there first/);
    const second = await runCli([...base, '--shard', '2/2', '--run-id', 'n-s2'], { env });
    expect(second.exitCode, second.stderr).toBe(0);
    const line = second.stderr.split('\n').map((l) => l.trim()).find((l) => l.startsWith(`node ${BIN} merge `));
    expect(line).toBe(`node ${BIN} merge ${path.join(results, 'n-merged')} ${path.join(results, 'n-s1')} ${path.join(results, 'n-s2')} --reports ${path.join(tmp, 'shard-reports')}`);
    const merged = await runCli(line!.split(' ').slice(2), { env: files.env });
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(merged.stderr).toContain(`report ${path.join(results, 'n-merged')} --reports ${path.join(tmp, 'shard-reports')}`);
    expect((await records(path.join(results, 'n-merged'))).length).toBe(2);
  }, 600_000);

  it('#10b: Ctrl-C after the last attempt was recorded: the run finishes, exit 0, report written', async () => {
    const results = path.join(tmp, 'int-results');
    const reports = path.join(tmp, 'int-reports');
    const child = execa('node', [BIN, 'run', '--task', 'js-duration-1', '--no-reference', '--models-file', files.modelsFile, '--prices', files.prices, '--attempts', '1',
      '--results', results, '--reports', reports, '--run-id', 'i1', '--budget-usd', 'none'], { cwd: ROOT, env: { ...process.env, ...files.env, NO_COLOR: '1' }, reject: false });
    let exited = false;
    child.on('exit', () => (exited = true));
    const log = path.join(results, 'i1', 'attempts.jsonl');
    const deadline = Date.now() + 300_000;
    while (!exited && Date.now() < deadline && !((await stat(log).catch(() => null))?.size)) await new Promise((r) => setTimeout(r, 10));
    expect(exited, 'the run ended before its attempt was recorded').toBe(false);
    child.kill('SIGINT'); // the only attempt is recorded: the run is whole
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(JSON.parse(await readFile(path.join(results, 'i1', 'run.json'), 'utf8')).status).toBe('finished');
    expect(String(r.stdout)).toContain(`report: ${path.join(reports, 'i1', 'index.html')}`);
    expect((await stat(path.join(reports, 'i1', 'index.html'))).size).toBeGreaterThan(0);
    if (String(r.stderr).includes('interrupted')) expect(String(r.stderr)).toMatch(/every attempt is recorded|the interrupt came after every attempt was recorded/);
  }, 600_000);
});
