// A run stopped by its --budget-usd: the next step it prints is one that runs the attempts left.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { fakeCoderFiles } from '../helpers/killed-run.ts';

let tmp: string;
let server: FakeOpenAI;
const usage = { prompt_tokens: 1000, completion_tokens: 100 };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-budget-next-'));
  // Every attempt: one command, then submit (2 calls, 0.0056 at list price).
  server = await startFakeOpenAI((req) => toolCall('bash', { command: req.body.messages.length > 3 ? 'echo FIXBENCH_SUBMIT' : 'echo step' }, { usage }));
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

/** The command after "start a new run with a larger cap" in `stdout`, as argv after `node <bin>`. */
function printedStep(stdout: string): string[] {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.includes('start a new run with a larger cap'));
  expect(at, stdout).toBeGreaterThan(0);
  const words = lines[at + 1]!.replace(/ {3}\(add the run's other flags.*$/, '').trim().split(/\s+/);
  expect(words.slice(0, 2)).toEqual(['node', BIN]);
  return words.slice(2);
}

describe('a run stopped by its run budget', () => {
  it('prints a next step that runs the attempts left, not a --retry-errors that runs nothing', async () => {
    const { modelsFile, prices, env: fake } = await fakeCoderFiles(tmp, server);
    const env = { ...fake, npm_lifecycle_event: undefined, npm_command: undefined }; // the printed prefix is then `node <bin>`
    const results = path.join(tmp, 'results');
    const reports = path.join(tmp, 'reports');
    const args = ['run', '--task', 'js-duration-1,js-ini-1', '--no-reference', '--models-file', modelsFile, '--prices', prices, '--attempts', '1',
      '--results', results, '--reports', reports, '--run-id', 'b1', '--budget-usd', '0.006', '--concurrency', '1'];
    const r = await runCli(args, { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('run budget of $0.006 reached');
    expect(r.stderr).not.toContain('--retry-errors b1'); // it would run nothing: the budget is spent
    expect(r.stdout).toContain('counts every billed call of the run');
    const step = printedStep(r.stdout);
    expect(step).not.toContain('--run-id');
    expect(step.slice(-2)).toEqual(['--budget-usd', '0.013']); // 0.0084 over the 2 attempts recorded × 2 planned × 1.5, rounded up

    // a --retry-errors of it runs nothing and says what to do instead
    const r2 = await runCli(['run', '--retry-errors', 'b1', '--models-file', modelsFile, '--results', results, '--reports', reports], { env });
    expect(r2.exitCode, r2.stderr).toBe(0);
    expect(r2.stderr).toContain('1 not run (run budget exhausted)');
    expect(printedStep(r2.stdout)).toContain('--budget-usd');

    // the step printed by the first run works: every attempt runs, the run finishes
    const r3 = await runCli([...step, '--json'], { env });
    expect(r3.exitCode, r3.stderr).toBe(0);
    const summary = JSON.parse(r3.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ type: 'summary', status: 'finished', attempts: 2, ran: 2, infra_errors: 0 });
  }, 300_000);
});
