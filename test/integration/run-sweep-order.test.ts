// When runSuite sweeps the work folders of dead fixbench processes (src/core/work-owner.ts): once the
// first attempt enters its tests, not before its preparation (a full temp folder's sweep, an lstat and
// an owner read per fixbench-* entry, then runs beside a test command instead of on the first attempt's
// critical path; ovh12, issue 18); exactly once; and a run whose attempts never reach their tests
// (none planned here) still sweeps, and awaits the sweep, before it returns.
import { describe, expect, it, vi } from 'vitest';
import { runSuite } from '../../src/runner/run.ts';
import { referenceRunOptions } from '../helpers/reference-run.ts';
import { watchedRun } from '../helpers/watched-run.ts';

/** What happened, in order: `apply` (gold's agent), `test` (a test command starts), `sweep` (started), `swept` (finished). */
const events: string[] = [];
vi.mock('../../src/core/work-owner.ts', async (orig) => {
  const real = await orig<typeof import('../../src/core/work-owner.ts')>();
  return {
    ...real,
    sweepDeadWorkFolders: async (base?: string) => {
      events.push('sweep');
      await new Promise((r) => setTimeout(r, 50)); // a slow sweep: the run must still wait for it
      const removed = await real.sweepDeadWorkFolders(base);
      events.push('swept');
      return removed;
    },
  };
});

const { root, watching, tasks } = watchedRun('fixbench-sweep-order-', events);

describe('the sweep of dead work folders in a run', () => {
  it('starts once the first attempt enters its tests (after its agent ran), once, and is over when the run returns', async () => {
    const s = await runSuite(referenceRunOptions(root, tasks().slice(0, 1), watching, 'ordered', { concurrency: 1, testConcurrency: 1 }));
    expect(s.gate).toEqual([]);
    expect(events.filter((e) => e === 'sweep')).toHaveLength(1);
    expect(events.indexOf('apply')).toBeGreaterThanOrEqual(0);
    expect(events.indexOf('sweep')).toBeGreaterThan(events.indexOf('apply')); // not on the first attempt's preparation
    expect(events.indexOf('sweep')).toBeLessThan(events.indexOf('test')); // started as its tests begin
    expect(events).toContain('swept'); // awaited before the run returned
  });

  it('a run with no attempt reaching its tests still sweeps before it returns', async () => {
    await runSuite(referenceRunOptions(root, [], watching, 'empty'));
    expect(events).toEqual(['sweep', 'swept']);
  });
});
