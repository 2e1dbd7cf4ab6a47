import { describe, expect, it } from 'vitest';
import { IO_BOUND_ATTEMPTS, poolSizes } from '../../../src/runner/pools.ts';

describe('poolSizes (defaults of --concurrency, --model-concurrency, --test-concurrency)', () => {
  it('a run with models: 64 attempts and 64 model calls in flight, tests at the core count', () => {
    expect(IO_BOUND_ATTEMPTS).toBe(64);
    expect(poolSizes({}, true, 2)).toEqual({ attempts: 64, model: 64, test: 2 });
    expect(poolSizes({}, true, 16)).toEqual({ attempts: 64, model: 64, test: 16 });
  });

  it('a reference-only run (gold, noop): attempts as many as test runs, since they spend their time in tests', () => {
    expect(poolSizes({}, false, 2)).toEqual({ attempts: 2, model: 2, test: 2 });
    expect(poolSizes({ testConcurrency: 3 }, false, 8)).toEqual({ attempts: 3, model: 3, test: 3 });
  });

  it('every flag given wins; --model-concurrency defaults to --concurrency', () => {
    expect(poolSizes({ concurrency: 5 }, true, 2)).toEqual({ attempts: 5, model: 5, test: 2 });
    expect(poolSizes({ concurrency: 5, modelConcurrency: 3, testConcurrency: 1 }, true, 2)).toEqual({ attempts: 5, model: 3, test: 1 });
  });

  it('a machine reporting no CPUs still gets one test slot', () => {
    expect(poolSizes({}, false, 0)).toEqual({ attempts: 1, model: 1, test: 1 });
  });
});
