// A grading takes a test-pool slot only for its test command (src/evaluation/evaluate.ts `testSlot`,
// perf13, issue 18): its patching (the model patch, test.patch), protection, canaries and
// fingerprints run while the pool is full of other attempts' test commands, so the next test starts
// the moment a slot frees instead of after that grading's preparation. The test commands themselves
// still never exceed the pool. Before perf13 the whole grading held the slot: no grading could apply
// a patch while every slot ran a test command.
import { describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { runSuite } from '../../src/runner/run.ts';
import { readRun } from '../../src/store/store.ts';
import { LocalSandbox } from '../../src/sandbox/local.ts';
import type { ExecOptions, Sandbox } from '../../src/sandbox/types.ts';
import { referenceRunOptions } from '../helpers/reference-run.ts';
import { watchedRun } from '../helpers/watched-run.ts';

/** Test commands running now, the most at once, and the grading applies seen while `full` test commands ran. */
const state = { inFlight: 0, maxInFlight: 0, full: 1, appliesWhileFull: 0 };
let sawApplyWhileFull: () => void = () => {};
let appliedWhileFull = new Promise<void>((r) => (sawApplyWhileFull = r));

vi.mock('../../src/evaluation/apply-patch.ts', async (orig) => {
  const real = await orig<typeof import('../../src/evaluation/apply-patch.ts')>();
  return {
    ...real,
    applyPatch: (...args: Parameters<typeof real.applyPatch>) => {
      if (state.inFlight >= state.full) {
        state.appliesWhileFull++;
        sawApplyWhileFull();
      }
      return real.applyPatch(...args);
    },
  };
});

const { root, tasks } = watchedRun('fixbench-grading-slot-', []);
const local = new LocalSandbox();
/**
 * The local sandbox; a test command holds its slot until a grading has applied a patch while the pool
 * was full, or 5 s (so a scheduler that never lets one do so fails the count below instead of hanging).
 */
const holding: Sandbox = {
  kind: 'local',
  async exec(command: string, o: ExecOptions) {
    if (!command.includes('node --test')) return local.exec(command, o);
    state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight);
    try {
      await Promise.race([appliedWhileFull, new Promise((r) => setTimeout(r, 5000))]);
      return await local.exec(command, o);
    } finally {
      state.inFlight--;
    }
  },
};

describe('a grading outside its test slot', () => {
  it.each([
    { concurrency: 2, testConcurrency: 1 },
    { concurrency: 2, testConcurrency: 2 },
  ])('concurrency $concurrency, test pool $testConcurrency: a grading patches while the pool is full; tests never exceed the pool', async ({ concurrency, testConcurrency }) => {
    Object.assign(state, { inFlight: 0, maxInFlight: 0, full: testConcurrency, appliesWhileFull: 0 });
    appliedWhileFull = new Promise<void>((r) => (sawApplyWhileFull = r));
    const runId = `slot-${concurrency}-${testConcurrency}`;
    // 2 tasks × gold, noop = 4 attempts: the 3rd and 4th grade while the first two test (at a pool of 2: both running)
    const s = await runSuite(referenceRunOptions(root, tasks().slice(0, 2), holding, runId, { concurrency, testConcurrency }));
    expect(s.gate).toEqual([]);
    expect(state.appliesWhileFull).toBeGreaterThan(0);
    expect(state.maxInFlight).toBeLessThanOrEqual(testConcurrency);
    const stored = (await readRun(join(root, 'results', runId))).attempts;
    expect(stored.map((a) => `${a.instance_id}/${a.contender}/${a.outcome}`).sort()).toEqual(['tiny-a/gold/resolved', 'tiny-a/noop/unresolved', 'tiny-b/gold/resolved', 'tiny-b/noop/unresolved']);
  }, 60_000);
});
