import { describe, expect, it } from 'vitest';
import { buildMatrix } from '../../../src/analysis/matrix.ts';
import { recommend, type TaskMeta } from '../../../src/analysis/recommend.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from './fixtures.ts';
import type { AttemptRecord } from '../../../src/store/records.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `t${i + 1}`);

/** A run of `tasks` where each model resolves the tasks `solves` says, at a fixed USD per attempt. */
function run(tasks: string[], models: Record<string, { usd: number; solves: (t: number) => boolean }>) {
  const header = makeHeader({ suite: { hash: 'h', instance_ids: tasks }, contenders: [...Object.keys(models).map((m) => modelContender(m)), referenceContender('gold')] });
  const attempts: AttemptRecord[] = [];
  for (const [m, spec] of Object.entries(models)) tasks.forEach((t, i) => attempts.push(makeAttempt(m, t, spec.solves(i) ? 'resolved' : 'unresolved', spec.usd)));
  tasks.forEach((t) => attempts.push(makeAttempt('gold', t, 'resolved', null, { agent: 'gold' })));
  return buildMatrix(header, attempts);
}

describe('recommend', () => {
  // 12 tasks: cheap fixes the first 6 (its visible check passes there, fails elsewhere), mid the first 8,
  // strong all 12. The best single model is strong (100%, $0.20); the cheapest policy reaching 100% is
  // the cascade cheap → strong: 6 × $0.01 + 6 × ($0.01 + $0.20) = $1.32 over 12 tasks = $0.11.
  const matrix = run(ids(12), {
    strong: { usd: 0.2, solves: () => true },
    mid: { usd: 0.05, solves: (t) => t < 8 },
    cheap: { usd: 0.01, solves: (t) => t < 6 },
  });

  it('finds the known cheapest policy that matches the best single model, and reports it the same by leave-one-task-out', () => {
    const r = recommend(matrix, { kind: 'best_single' });
    expect(r.policy).toEqual({ kind: 'cascade', label: 'cheap → strong' });
    expect(r.met).toBe(true);
    expect(r.targetRate).toBe(1);
    expect(r.inSample).toMatchObject({ resolved: 12, graded: 12, tasks: 12, rate: 1 });
    expect(r.inSample.usdPerTask).toBeCloseTo(0.11, 12);
    // every fold picks the same cascade, so the held-out estimate equals the in-sample one
    expect(r.loto).toMatchObject({ resolved: 12, graded: 12, rate: 1, samePick: 12, unmetFolds: 0 });
    expect(r.loto!.usdPerTask).toBeCloseTo(0.11, 12);
    // oracle: cheap on 1-6, mid on 7-8, strong on 9-12 ($0.96 / 12); the gap to it is cost only
    expect(r.oracle!.rate).toBe(1);
    expect(r.gapToOracle!.rate).toBe(0);
    expect(r.gapToOracle!.usdPerTask).toBeCloseTo(0.96 / 12 - 0.11, 12);
    expect(r.considered).toEqual({ singles: 3, cascades: 3, groupings: [], unknownCost: [] });
  });

  it('with a target rate, the cheapest policy reaching it', () => {
    // 50% is reached by cheap alone at $0.01
    expect(recommend(matrix, { kind: 'target', rate: 0.5 }).policy.label).toBe('cheap');
    // 2/3 (shown 66.7%) is reached by mid ($0.05) and by cheap → mid (6 × $0.01 + 6 × $0.06 = $0.035): the cascade
    expect(recommend(matrix, { kind: 'target', rate: 0.667 }).policy.label).toBe('cheap → mid');
  });

  it('with a budget, the most accurate policy within it; none within: the cheapest, marked not met', () => {
    expect(recommend(matrix, { kind: 'budget', usdPerTask: 0.04 }).policy.label).toBe('cheap → mid');
    expect(recommend(matrix, { kind: 'budget', usdPerTask: 0.2 }).policy.label).toBe('cheap → strong');
    const none = recommend(matrix, { kind: 'budget', usdPerTask: 0.001 });
    expect(none).toMatchObject({ met: false, policy: { label: 'cheap' } });
  });

  it('a target no policy reaches gives the most accurate one, marked not met', () => {
    const m = run(ids(4), { a: { usd: 0.1, solves: (t) => t < 2 }, b: { usd: 0.2, solves: (t) => t < 3 } });
    const r = recommend(m, { kind: 'target', rate: 1 });
    expect(r.met).toBe(false);
    expect(r.inSample.rate).toBe(0.75);
    // holding out t4 (nobody fixes it), b reaches 100% on the other three: 3 folds of 4 miss the target
    expect(r.loto!.unmetFolds).toBe(3);
  });

  it('finds a per-difficulty assignment that beats every single model and cascade', () => {
    // easy tasks (1-4): cheap fixes them; hard tasks (5-8): only strong. Assigning by difficulty spends
    // 4 × $0.01 + 4 × $0.20 = $0.84; the cascade cheap → strong wastes cheap's $0.01 on each hard task ($0.88).
    const tasks = ids(8);
    const m = run(tasks, { strong: { usd: 0.2, solves: () => true }, cheap: { usd: 0.01, solves: (t) => t < 4 } });
    const meta = new Map<string, TaskMeta>(tasks.map((t, i) => [t, { difficulty: i < 4 ? '<15 min' : '1-4 hours', tags: [] }]));
    const r = recommend(m, { kind: 'best_single' }, meta);
    expect(r.policy).toEqual({ kind: 'assignment', label: 'by difficulty: 1-4 hours: strong; <15 min: cheap', by: 'difficulty', parts: [{ group: '1-4 hours', policy: 'strong' }, { group: '<15 min', policy: 'cheap' }] });
    expect(r.inSample.usdPerTask).toBeCloseTo(0.84 / 8, 12);
    expect(r.loto).toMatchObject({ rate: 1, samePick: 8 });
    expect(r.loto!.usdPerTask).toBeCloseTo(0.84 / 8, 12);
    expect(r.considered.groupings).toEqual(['difficulty']);
  });

  it('leave-one-task-out exposes an assignment fitted to the tasks it is judged on', () => {
    // one tag per task: in-sample, a per-tag assignment picks each task's cheapest resolver (the oracle);
    // held out, a task's tag was never seen, so it gets the policy chosen without groups: the cascade
    // a → b, which resolves every task but pays both models on the odd ones ($0.15 a task, not $0.10).
    const tasks = ids(6);
    const m = run(tasks, { a: { usd: 0.1, solves: (t) => t % 2 === 0 }, b: { usd: 0.1, solves: (t) => t % 2 === 1 } });
    const meta = new Map<string, TaskMeta>(tasks.map((t) => [t, { tags: [`tag-${t}`] }]));
    const r = recommend(m, { kind: 'target', rate: 1 }, meta);
    expect(r.policy.kind).toBe('assignment');
    expect(r.inSample.rate).toBe(1);
    expect(r.gapToOracle!.rate).toBe(0);
    expect(r.inSample.usdPerTask).toBeCloseTo(0.1, 12);
    expect(r.loto!.rate).toBe(1);
    expect(r.loto!.usdPerTask).toBeCloseTo(0.15, 12);
    expect(r.loto!.samePick).toBe(0);
  });

  it('leaves infra errors out of the denominator and refuses a run with no priced model', () => {
    const header = makeHeader({ contenders: [modelContender('m')] });
    const m = buildMatrix(header, [makeAttempt('m', 't1', 'resolved', 0.1), makeAttempt('m', 't2', 'infra_error', 0.05), makeAttempt('m', 't3', 'unresolved', 0.1)]);
    const r = recommend(m, { kind: 'best_single' });
    // t2's infra error leaves the denominator; t4, not run, stays in as not resolved
    expect(r.inSample).toMatchObject({ resolved: 1, graded: 3, tasks: 4 });
    expect(r.inSample.usdPerTask).toBeCloseTo(0.25 / 4, 12);
    const unpriced = buildMatrix(makeHeader({ contenders: [modelContender('u', { price: null })] }), []);
    expect(() => recommend(unpriced, { kind: 'best_single' })).toThrow(/no contender has a known list price/);
    expect(() => recommend(m, { kind: 'target', rate: 1.5 })).toThrow(RangeError);
    // a priced model with an attempt of unknown USD is left out, and named; the cascade m → cut never reaches that attempt (m passes its check at t1)
    const cut = buildMatrix(makeHeader({ contenders: [modelContender('m'), modelContender('cut')] }), [makeAttempt('m', 't1', 'resolved', 0.1), makeAttempt('cut', 't1', 'resolved', null)]);
    expect(recommend(cut, { kind: 'best_single' }).considered).toMatchObject({ singles: 1, cascades: 1, unknownCost: ['cut'] });
    const allCut = buildMatrix(makeHeader({ contenders: [modelContender('cut')] }), [makeAttempt('cut', 't1', 'resolved', null)]);
    expect(() => recommend(allCut, { kind: 'best_single' })).toThrow('every model with a list price (cut) has an attempt whose USD is unknown');
  });
});
