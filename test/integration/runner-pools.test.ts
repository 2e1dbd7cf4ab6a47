// runSuite's pools and shards, in process: test executions never exceed --test-concurrency however
// many attempts run at once; --shard runs only its keys; resume runs only keys with no record.
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
import { inShard } from '../../src/store/shard.ts';
import { readRun } from '../../src/store/store.ts';
import type { GitRepo } from '../helpers/git-repo.ts';
import { slowAddTasks } from '../helpers/slow-add-tasks.ts';

const root = mkdtempSync(join(tmpdir(), 'fixbench-pools-'));
const local = new LocalSandbox();
let repo: GitRepo;
let tasks: TaskSpec[];

// Counts test runs in flight through the sandbox.
let inFlight = 0;
let maxInFlight = 0;
const counting: Sandbox = {
  kind: 'local',
  async exec(command: string, o: ExecOptions) {
    const isTest = command.includes('node --test');
    if (isTest) maxInFlight = Math.max(maxInFlight, ++inFlight);
    try {
      return await local.exec(command, o);
    } finally {
      if (isTest) inFlight--;
    }
  },
};

beforeAll(() => {
  ({ repo, tasks } = slowAddTasks(root, 300));
});
afterAll(async () => {
  await local.cleanup();
  repo?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

const options = (runId: string, over: Partial<RunOptions> = {}): RunOptions => ({
  runId, resultsDir: join(root, 'results'), tasks, contenders: [{ kind: 'reference', agent: 'gold' }, { kind: 'reference', agent: 'noop' }], skipped: [],
  config: buildRunConfig({
    plans: [{ kind: 'reference', agent: 'gold' }, { kind: 'reference', agent: 'noop' }],
    priceSheet: { file: 'prices/test.yaml', sheet: { as_of: '2026-04-01', source: 'test', currency: 'USD', unit: 'USD per million tokens', models: {} } },
    limits: { steps: 1, attempt_usd: null, wall_ms: 60_000, command_timeout_ms: 10_000, output_chars: 1000 },
    runBudget: { usd: null, tokens: null }, attempts: 1, rerunFailed: 0,
  }),
  concurrency: 4, sandbox: counting,
  repoCache: new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') }),
  harness: { version: 'test', commit: null }, suiteHash: 'h', ...over,
});

describe('runSuite pools, shards and resume', () => {
  // The control run shows this suite does overlap test executions when allowed to, so the cap of 1
  // below is the pool's doing, not an accident of timing.
  it('control: with --test-concurrency 4 the same run has test executions overlapping', async () => {
    maxInFlight = 0;
    const s = await runSuite(options('pool-control', { testConcurrency: 4 }));
    expect(s.attempts).toHaveLength(6);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(4);
  }, 120_000);

  it('runs at most --test-concurrency test executions at once, with more attempts in flight', async () => {
    maxInFlight = 0;
    const s = await runSuite(options('pool-1', { testConcurrency: 1 }));
    expect(s.attempts).toHaveLength(6);
    expect(s.gate).toEqual([]);
    expect(maxInFlight).toBe(1);
  }, 120_000);

  it('runs only the keys of its shard; a resume refuses another shard and re-runs nothing already recorded', async () => {
    const shard = { index: 1, count: 2 };
    const part = await runSuite(options('shard-1', { shard }));
    expect(part.attempts.length).toBeGreaterThan(0);
    expect(part.attempts.every((a) => inShard(a.key, shard))).toBe(true);
    expect(part.header.shard).toEqual(shard);
    // `planned` counts this shard's attempts per contender (the CLI's lines count them, not the other shards')
    expect(Object.values(part.planned).reduce((a, b) => a + b, 0)).toBe(part.attempts.length);
    for (const [id, n] of Object.entries(part.planned)) expect(part.attempts.filter((a) => a.contender === id)).toHaveLength(n);
    // A resume with another shard is refused, naming it; the records are untouched.
    await expect(runSuite(options('shard-1', { resume: true, shard: { index: 2, count: 2 } }))).rejects.toThrow(/shard\.index: 1 → 2/);
    expect((await readRun(join(root, 'results', 'shard-1'))).attempts).toHaveLength(part.attempts.length);
    const whole = await runSuite(options('whole'));
    const keysInShard = whole.attempts.filter((a) => inShard(a.key, shard)).map((a) => a.key).sort();
    expect(part.attempts.map((a) => a.key).sort()).toEqual(keysInShard);
    const resumed = await runSuite(options('shard-1', { resume: true, shard }));
    expect(resumed.ran).toBe(0); // nothing left in this shard
    expect(resumed.attempts).toHaveLength(part.attempts.length);
  }, 180_000);

  it('an interrupt that comes after the last attempt was recorded leaves the run finished, not interrupted', async () => {
    const ctl = new AbortController();
    let total = 0;
    const done = await runSuite(options('late-interrupt', { signal: ctl.signal, onStart: (i) => (total = i.total), onAttempt: (_r, n) => void (n === total && ctl.abort()) }));
    expect(ctl.signal.aborted).toBe(true);
    expect(done.attempts).toHaveLength(total);
    expect(done.header.status).toBe('finished');
    expect(done.header.note ?? '').not.toMatch(/interrupted/);
  }, 120_000);
});
