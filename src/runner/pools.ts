// The sizes of a run's three pools (attempts, model calls, test executions) when the flags leave
// them out: a run with models is I/O-bound (attempts wait on replies), a reference-only run is not.
import os from 'node:os';

/** Attempts in flight by default when the run has model contenders: they mostly wait on the provider. */
export const IO_BOUND_ATTEMPTS = 64;

/** Sizes of the attempt pool, the model-call pool and the test pool (setup and test runs). */
export interface PoolSizes {
  attempts: number;
  model: number;
  test: number;
}

/**
 * The pools of a run from its flags (`--concurrency`, `--model-concurrency`, `--test-concurrency`;
 * each absent one defaulted): tests at the core count (each test run keeps a core busy); attempts at
 * `IO_BOUND_ATTEMPTS` when any contender is a model, else as many as test runs (reference agents
 * spend their time in tests, so more would only queue); model calls as many as attempts.
 * @param cores CPU count (default `os.cpus().length`).
 */
export function poolSizes(o: { concurrency?: number | undefined; modelConcurrency?: number | undefined; testConcurrency?: number | undefined }, hasModels: boolean, cores = os.cpus().length): PoolSizes {
  const test = o.testConcurrency ?? Math.max(1, cores);
  const attempts = o.concurrency ?? (hasModels ? IO_BOUND_ATTEMPTS : test);
  return { attempts, model: o.modelConcurrency ?? attempts, test };
}
