// The grading's checkout of a reference agent's attempt (gold, noop) is started with the agent's own
// workspace, before the agent runs (src/runner/attempt.ts `premadeFromStart`; ovh12, issue 18: the first
// attempt's preparation is the run's critical path); still one fresh checkout per grading, made once
// per attempt, and the records stay those of a run graded after the agent. Any other plan keeps the
// checkout after its agent.
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runSuite } from '../../src/runner/run.ts';
import { premadeFromStart } from '../../src/runner/attempt.ts';
import { readRun } from '../../src/store/store.ts';
import { referenceRunOptions } from '../helpers/reference-run.ts';
import { watchedRun } from '../helpers/watched-run.ts';

/** In order: `checkout` (the grading's checkout started), `apply` (gold's agent applies its patch), `test`. */
const events: string[] = [];
const checkoutDirs: string[] = [];
vi.mock('../../src/evaluation/evaluate.ts', async (orig) => {
  const real = await orig<typeof import('../../src/evaluation/evaluate.ts')>();
  return {
    ...real,
    startCheckout: (...args: Parameters<typeof real.startCheckout>) => {
      events.push('checkout');
      const made = real.startCheckout(...args);
      void made.then((w) => checkoutDirs.push(w.dir), () => undefined);
      return made;
    },
  };
});

const { root, watching, tasks } = watchedRun('fixbench-ref-checkout-', events);

describe("a reference agent's grading checkout", () => {
  it('gold: started before its agent applies the patch, once, in a folder of its own; gold resolves, noop does not', async () => {
    const s = await runSuite(referenceRunOptions(root, tasks().slice(0, 1), watching, 'early', { concurrency: 1, testConcurrency: 1 }));
    expect(s.gate).toEqual([]);
    // gold's attempt: checkout, then the agent's apply, then its tests; noop's: checkout, then its tests (no apply)
    expect(events).toEqual(['checkout', 'apply', 'test', 'checkout', 'test']);
    expect(new Set(checkoutDirs).size).toBe(2); // a fresh checkout per grading
    const stored = (await readRun(join(root, 'results', 'early'))).attempts;
    expect(stored.map((a) => [a.contender, a.outcome])).toEqual([['gold', 'resolved'], ['noop', 'unresolved']]);
  });

  it('only reference plans: a model or a predictions file keeps the checkout after its agent', () => {
    expect(premadeFromStart({ kind: 'reference', agent: 'gold' })).toBe(true);
    expect(premadeFromStart({ kind: 'reference', agent: 'noop' })).toBe(true);
    expect(premadeFromStart({ kind: 'model' } as never)).toBe(false);
    expect(premadeFromStart({ kind: 'predictions' } as never)).toBe(false);
    expect(premadeFromStart({ kind: 'cascade' } as never)).toBe(false);
  });
});
