// runSuite options for a run of the reference agents (gold, noop) on test tasks, in process: the
// integration tests of how a run stops (a full disk, a failed write) share them.
import { join } from 'node:path';
import type { RunOptions } from '../../src/runner/run.ts';
import { buildRunConfig } from '../../src/runner/run-config.ts';
import type { Sandbox } from '../../src/sandbox/types.ts';
import { RepoCache } from '../../src/workspace/repo-cache.ts';
import type { TaskSpec } from '../../src/config/task.ts';

const plans = [{ kind: 'reference', agent: 'gold' }, { kind: 'reference', agent: 'noop' }] as const;

/** Options of run `runId` under `root/results`: gold and noop, 1 attempt, concurrency 2, no price, no budget; `over` last. */
export function referenceRunOptions(root: string, tasks: TaskSpec[], sandbox: Sandbox, runId: string, over: Partial<RunOptions> = {}): RunOptions {
  return {
    runId, resultsDir: join(root, 'results'), tasks, contenders: [...plans], skipped: [],
    config: buildRunConfig({
      plans: [...plans],
      priceSheet: { file: 'prices/test.yaml', sheet: { as_of: '2026-04-01', source: 'test', currency: 'USD', unit: 'USD per million tokens', models: {} } },
      limits: { steps: 1, attempt_usd: null, wall_ms: 60_000, command_timeout_ms: 10_000, output_chars: 1000 },
      runBudget: { usd: null, tokens: null }, attempts: 1, rerunFailed: 0,
    }),
    concurrency: 2, testConcurrency: 2, sandbox,
    repoCache: new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') }),
    harness: { version: 'test', commit: null }, suiteHash: 'h', ...over,
  };
}

/** An ENOSPC error as a write on a full disk throws it. */
export const enospc = (): NodeJS.ErrnoException => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
