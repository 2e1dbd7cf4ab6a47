// `run --resume` of a run that is already complete: nothing runs, run.json keeps the models the run
// skipped for a missing key (a resume used to rewrite the list with its own, empty one), and the
// `next:` line says the run was complete and how to run the skipped models (a new run).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

let tmp: string;
// started as `node bin/fixbench.mjs`: no npm in the environment, no provider key
const env = () => ({ FIXBENCH_CACHE_DIR: path.join(tmp, 'env-cache'), npm_command: undefined, npm_lifecycle_event: undefined });
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-resume-complete-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('run --resume of a complete run', () => {
  it('runs nothing, keeps run.json\'s skipped models, and says what to do next', async () => {
    const results = path.join(tmp, 'results');
    const args = ['--task', 'js-duration-1', '--results', results, '--reports', path.join(tmp, 'reports')];
    const first = await runCli(['run', ...args, '--run-id', 'a1'], { env: env() });
    expect(first.exitCode, first.stderr).toBe(0);
    const before = JSON.parse(await readFile(path.join(results, 'a1', 'run.json'), 'utf8'));
    expect(before.skipped.length).toBeGreaterThan(0);
    expect(before.skipped[0].reason).toMatch(/^OPENROUTER_API_KEY is not set/);

    const again = await runCli(['run', '--resume', 'a1', '--results', results, '--reports', path.join(tmp, 'reports')], { env: env() });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain('resuming: 2 of 2 attempt(s) already recorded');
    const after = JSON.parse(await readFile(path.join(results, 'a1', 'run.json'), 'utf8'));
    expect(after.skipped).toEqual(before.skipped);
    expect(again.stdout).toMatch(
      /^next: run a1 was already complete: nothing ran \(its report is rebuilt above\)\n  to run models, set the key and start a new run \(a resume keeps the run's contenders\):\n  export OPENROUTER_API_KEY=\.\.\.; node \S+fixbench\.mjs run --results \S+ --reports \S+   \(add the run's other flags: --task, --attempts, …\)$/m,
    );
  }, 300_000);
});
