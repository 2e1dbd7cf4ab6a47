import { describe, expect, it } from 'vitest';
import { logGrid, stepBudgetCurves, usdBudgetCurves } from '../../../src/analysis/budget.ts';
import { summarise } from '../../../src/analysis/leaderboard.ts';
import { buildMatrix } from '../../../src/analysis/matrix.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from './fixtures.ts';

describe('logGrid', () => {
  it('spaces caps evenly in log, ends included exactly', () => {
    const g = logGrid(1, 100, 3);
    expect(g[0]).toBe(1);
    expect(g[1]).toBeCloseTo(10, 12);
    expect(g[2]).toBe(100);
    // 0.01·100^(i/4): 0.01, 0.0316…, 0.1, 0.316…, 1
    const h = logGrid(0.01, 1, 5);
    expect(h).toHaveLength(5);
    expect(h[1]).toBeCloseTo(Math.sqrt(10) / 100, 12);
    expect(h[2]).toBeCloseTo(0.1, 12);
    expect(h[4]).toBe(1);
  });

  it('collapses to one cap when min = max', () => {
    expect(logGrid(0.5, 0.5, 10)).toEqual([0.5]);
  });

  it.each([
    [0, 1, 3],
    [-1, 1, 3],
    [NaN, 1, 3],
    [1, Infinity, 3],
    [2, 1, 3],
    [1, 2, 1],
    [1, 2, 2.5],
  ])('throws RangeError for min=%s, max=%s, points=%s', (min, max, points) => {
    expect(() => logGrid(min, max, points)).toThrow(RangeError);
  });
});

// Two tasks × two attempts = 4 trials per contender.
//        t1 a0             t1 a1              t2 a0              t2 a1
// a      R $0.10, 5 st     R $0.40, 20 st     U $0.05, 50 st     R $0.10, 8 st
// unk    R ?, 10 st        U ?                (missing)          (missing)
// gold   R $0, 0 st on every attempt
const header = makeHeader({
  suite: { hash: 'h', instance_ids: ['t1', 't2'] },
  contenders: [modelContender('a'), modelContender('unk', { price: null }), referenceContender('gold')],
  attempts_per_task: 2,
});
const attempts = [
  makeAttempt('a', 't1', 'resolved', 0.1, { attempt: 0, steps: 5 }),
  makeAttempt('a', 't1', 'resolved', 0.4, { attempt: 1, steps: 20 }),
  makeAttempt('a', 't2', 'unresolved', 0.05, { attempt: 0, steps: 50 }),
  makeAttempt('a', 't2', 'resolved', 0.1, { attempt: 1, steps: 8 }),
  makeAttempt('unk', 't1', 'resolved', null, { attempt: 0, steps: 10 }),
  makeAttempt('unk', 't1', 'unresolved', null, { attempt: 1, steps: 3 }),
  ...[0, 1].flatMap((i) => ['t1', 't2'].map((t) => makeAttempt('gold', t, 'resolved', null, { agent: 'gold', attempt: i }))),
];
const matrix = buildMatrix(header, attempts);

describe('usdBudgetCurves', () => {
  const curves = usdBudgetCurves(matrix, { gridPoints: 3 });

  it('steps up at each resolved attempt’s cost (exact breakpoints)', () => {
    // a's resolved costs: 0.10, 0.10, 0.40 → 2/4 at $0.10, 3/4 at $0.40
    expect(curves.curves[0]).toEqual({
      id: 'a',
      trials: 4,
      steps: [
        { cap: 0.1, resolved: 2, rate: 0.5 },
        { cap: 0.4, resolved: 3, rate: 0.75 },
      ],
      atGrid: expect.any(Array),
    });
  });

  it('evaluates every curve on a shared log grid spanning the positive costs', () => {
    // grid from $0.10 to $0.40 in 3 points: 0.1, 0.2, 0.4
    expect(curves.unit).toBe('usd');
    expect(curves.grid).toHaveLength(3);
    expect(curves.grid[1]).toBeCloseTo(0.2, 12);
    expect(curves.curves[0]!.atGrid!.map((p) => p.resolved)).toEqual([2, 2, 3]);
    // gold costs $0: at its full rate from the first cap
    expect(curves.curves[2]!.steps).toEqual([{ cap: 0, resolved: 4, rate: 1 }]);
    expect(curves.curves[2]!.atGrid!.map((p) => p.rate)).toEqual([1, 1, 1]);
  });

  it('gives a contender with an unknown price null curves (never a curve at $0)', () => {
    expect(curves.curves[1]).toEqual({ id: 'unk', trials: 4, steps: null, atGrid: null });
  });

  it('rises monotonically and ends at the leaderboard resolved rate', () => {
    const summaries = summarise(header, attempts);
    for (const [i, c] of curves.curves.entries()) {
      if (c.atGrid === null) continue;
      for (let k = 1; k < c.atGrid.length; k++) expect(c.atGrid[k]!.rate).toBeGreaterThanOrEqual(c.atGrid[k - 1]!.rate);
      expect(c.steps!.at(-1)!.rate).toBe(summaries[i]!.resolvedRate);
      expect(c.atGrid.at(-1)!.rate).toBe(summaries[i]!.resolvedRate);
    }
  });

  it('has an empty grid when no resolved attempt cost anything', () => {
    const m = buildMatrix(makeHeader({ contenders: [modelContender('a')] }), [makeAttempt('a', 't1', 'unresolved', 0.2)]);
    expect(usdBudgetCurves(m)).toEqual({ unit: 'usd', grid: [], curves: [{ id: 'a', trials: 4, steps: [], atGrid: [] }] });
  });

  it('refuses a grid of fewer than two points', () => {
    expect(() => usdBudgetCurves(matrix, { gridPoints: 1 })).toThrow(/gridPoints/);
    expect(() => stepBudgetCurves(matrix, { gridPoints: NaN })).toThrow(RangeError);
  });
});

describe('stepBudgetCurves', () => {
  it('counts an attempt only when it resolved within the step cap, on a grid of whole steps', () => {
    const curves = stepBudgetCurves(matrix, { gridPoints: 3 });
    // positive steps of resolved attempts: 5, 8, 20 (a), 10 (unk) → grid 5, 10, 20
    expect(curves.grid).toEqual([5, 10, 20]);
    expect(curves.curves[0]!.steps!.map((p) => [p.cap, p.resolved])).toEqual([
      [5, 1],
      [8, 2],
      [20, 3],
    ]);
    expect(curves.curves[0]!.atGrid!.map((p) => p.resolved)).toEqual([1, 2, 3]);
    // steps are known even when the price is not
    expect(curves.curves[1]!.atGrid!.map((p) => p.resolved)).toEqual([0, 1, 1]);
  });

  it('rounds grid caps to whole steps and drops duplicates', () => {
    // 1 → 3 steps in 5 log points: 1, 1.32, 1.73, 2.28, 3 → 1, 1, 2, 2, 3 → 1, 2, 3
    const m = buildMatrix(makeHeader({ contenders: [modelContender('a')] }), [
      makeAttempt('a', 't1', 'resolved', 0.1, { steps: 1 }),
      makeAttempt('a', 't2', 'resolved', 0.1, { steps: 3 }),
    ]);
    expect(stepBudgetCurves(m, { gridPoints: 5 }).grid).toEqual([1, 2, 3]);
  });
});
