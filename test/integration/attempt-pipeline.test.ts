// The attempt pipeline in runSuite (src/runner/stages.ts, issue 18): at --concurrency 1 with two test
// slots, the next attempt's agent runs while this attempt's tests run; the tests still never overlap
// and the records come in job order. With one test slot and --rerun-failed nothing is pipelined (the control).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite, type RunOptions } from '../../src/runner/run.ts';
import { buildRunConfig } from '../../src/runner/run-config.ts';
import { LocalSandbox } from '../../src/sandbox/local.ts';
import type { ExecOptions, Sandbox } from '../../src/sandbox/types.ts';
import { RepoCache } from '../../src/workspace/repo-cache.ts';
import type { TaskSpec } from '../../src/config/task.ts';
import { readRun } from '../../src/store/store.ts';
import type { GitRepo } from '../helpers/git-repo.ts';
import { slowAddTasks } from '../helpers/slow-add-tasks.ts';

const root = mkdtempSync(join(tmpdir(), 'fixbench-pipeline-'));
const local = new LocalSandbox();
let repo: GitRepo;
let tasks: TaskSpec[];

// Test runs in flight, and whether each gold apply (the agent) started while a test ran.
let testsInFlight = 0;
let maxTestsInFlight = 0;
let appliesDuringTests = 0;
const watching: Sandbox = {
  kind: 'local',
  async exec(command: string, o: ExecOptions) {
    if (command.startsWith('git apply')) appliesDuringTests += testsInFlight > 0 ? 1 : 0;
    const isTest = command.includes('node --test');
    if (isTest) maxTestsInFlight = Math.max(maxTestsInFlight, ++testsInFlight);
    try {
      return await local.exec(command, o);
    } finally {
      if (isTest) testsInFlight--;
    }
  },
};

beforeAll(() => {
  // The test waits 700 ms: far longer than an attempt's preparation, so the overlap is the scheduler's doing.
  ({ repo, tasks } = slowAddTasks(root, 700));
});
afterAll(async () => {
  await local.cleanup();
  repo?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

const plans = [{ kind: 'reference', agent: 'gold' }, { kind: 'reference', agent: 'noop' }] as const;
const options = (runId: string, testConcurrency: number, rerunFailed: number): RunOptions => ({
  runId, resultsDir: join(root, 'results'), tasks, contenders: [...plans], skipped: [],
  config: buildRunConfig({
    plans: [...plans],
    priceSheet: { file: 'prices/test.yaml', sheet: { as_of: '2026-04-01', source: 'test', currency: 'USD', unit: 'USD per million tokens', models: {} } },
    limits: { steps: 1, attempt_usd: null, wall_ms: 60_000, command_timeout_ms: 10_000, output_chars: 1000 },
    runBudget: { usd: null, tokens: null }, attempts: 1, rerunFailed,
  }),
  concurrency: 1, testConcurrency, sandbox: watching,
  repoCache: new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') }),
  harness: { version: 'test', commit: null }, suiteHash: 'h',
});

async function run(runId: string, testConcurrency: number, rerunFailed = 0) {
  testsInFlight = 0;
  maxTestsInFlight = 0;
  appliesDuringTests = 0;
  const s = await runSuite(options(runId, testConcurrency, rerunFailed));
  const stored = (await readRun(join(root, 'results', runId))).attempts;
  return { s, order: stored.map((a) => `${a.instance_id}/${a.contender}`) };
}

// Job order: task by task, every contender in turn.
const JOB_ORDER = (ids: string[]) => tasks.flatMap((t) => ids.map((c) => `${t.instance_id}/${c}`));

describe('the attempt pipeline at --concurrency 1', () => {
  it('two test slots: gold applies while the attempt before it tests; tests one at a time; records in job order', async () => {
    const { s, order } = await run('pipelined', 2);
    expect(s.gate).toEqual([]);
    expect(s.attempts.every((a) => a.outcome === (a.agent === 'gold' ? 'resolved' : 'unresolved'))).toBe(true);
    // the gold attempts of tiny-b and tiny-c follow a noop attempt: their apply runs during its tests
    expect(appliesDuringTests).toBe(2);
    expect(maxTestsInFlight).toBe(1);
    expect(order).toEqual(JOB_ORDER(s.header.contenders.map((c) => c.id)));
  }, 120_000);

  it('control: one test slot with --rerun-failed pipelines nothing (no apply during tests), same records in the same order', async () => {
    const { s, order } = await run('plain', 1, 1);
    expect(appliesDuringTests).toBe(0);
    expect(maxTestsInFlight).toBe(1);
    expect(order).toEqual(JOB_ORDER(s.header.contenders.map((c) => c.id)));
  }, 120_000);
});
