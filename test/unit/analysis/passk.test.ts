import { describe, expect, it } from 'vitest';
import { summarise } from '../../../src/analysis/leaderboard.ts';
import { buildMatrix } from '../../../src/analysis/matrix.ts';
import { passAtK, passHatK, passKByContender } from '../../../src/analysis/passk.ts';
import { makeAttempt, makeHeader, modelContender } from './fixtures.ts';

describe('passAtK (Chen et al. 2021, unbiased)', () => {
  it('matches hand-computed values', () => {
    // 1 − C(3,2)/C(5,2) = 1 − 3/10 = 0.7
    expect(passAtK(5, 2, 2)).toBeCloseTo(0.7, 12);
    // 1 − C(5,3)/C(10,3) = 1 − 10/120 = 11/12
    expect(passAtK(10, 5, 3)).toBeCloseTo(11 / 12, 12);
    // k = 1 is the plain rate c/n = 3/10
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 12);
  });

  it('is 0 with no success and 1 when n − c < k (every draw of k holds a success)', () => {
    expect(passAtK(10, 0, 3)).toBe(0);
    // n − c = 1 < k = 2
    expect(passAtK(4, 3, 2)).toBe(1);
    expect(passAtK(3, 3, 3)).toBe(1);
  });

  it('stays in [0, 1] and rises with k and with c', () => {
    for (let n = 1; n <= 9; n++) {
      for (let c = 0; c <= n; c++) {
        for (let k = 1; k <= n; k++) {
          const v = passAtK(n, c, k);
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
          if (k > 1) expect(v).toBeGreaterThanOrEqual(passAtK(n, c, k - 1) - 1e-12);
          if (c > 0) expect(v).toBeGreaterThanOrEqual(passAtK(n, c - 1, k) - 1e-12);
        }
      }
    }
  });

  it('is finite for large n (the product form never builds huge binomials)', () => {
    // With n = 1000 and c = 500, drawing 10 without replacement ≈ 1 − 0.5¹⁰ (slightly more: 1 − 0.000934).
    const v = passAtK(1000, 500, 10);
    expect(v).toBeGreaterThan(1 - 0.5 ** 10);
    expect(v).toBeLessThan(1);
  });

  it.each([
    [NaN, 1, 1],
    [5, NaN, 1],
    [5, 1, NaN],
    [5, -1, 1],
    [-1, 0, 1],
    [5, 6, 1],
    [5, 2, 0],
    [5, 2, 6],
    [0, 0, 1],
    [5, 2.5, 1],
  ])('throws RangeError for n=%s, c=%s, k=%s', (n, c, k) => {
    expect(() => passAtK(n, c, k)).toThrow(RangeError);
  });

  it('names the broken constraint in the message', () => {
    expect(() => passAtK(5, 2, 0)).toThrow(/1 ≤ k ≤ n/);
    expect(() => passAtK(5, 6, 1)).toThrow(/0 ≤ c ≤ n/);
  });
});

describe('passHatK (τ-bench, Yao et al. 2024)', () => {
  it('matches hand-computed values', () => {
    // C(2,2)/C(5,2) = 1/10
    expect(passHatK(5, 2, 2)).toBeCloseTo(0.1, 12);
    // C(3,2)/C(5,2) = 3/10
    expect(passHatK(5, 3, 2)).toBeCloseTo(0.3, 12);
    // C(5,3)/C(10,3) = 10/120 = 1/12
    expect(passHatK(10, 5, 3)).toBeCloseTo(1 / 12, 12);
  });

  it('is 0 when c < k and 1 when c = n', () => {
    expect(passHatK(5, 1, 2)).toBe(0);
    expect(passHatK(4, 4, 3)).toBe(1);
  });

  it('falls with k, and pass^k ≤ c/n ≤ pass@k, equal at k = 1', () => {
    for (let n = 1; n <= 9; n++) {
      for (let c = 0; c <= n; c++) {
        expect(passHatK(n, c, 1)).toBeCloseTo(c / n, 12);
        expect(passAtK(n, c, 1)).toBeCloseTo(c / n, 12);
        for (let k = 1; k <= n; k++) {
          const v = passHatK(n, c, k);
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(c / n + 1e-12);
          expect(passAtK(n, c, k)).toBeGreaterThanOrEqual(c / n - 1e-12);
          if (k > 1) expect(v).toBeLessThanOrEqual(passHatK(n, c, k - 1) + 1e-12);
        }
      }
    }
  });

  it('throws RangeError for bad input', () => {
    expect(() => passHatK(5, 2, 0)).toThrow(RangeError);
    expect(() => passHatK(5, -2, 1)).toThrow(RangeError);
    expect(() => passHatK(NaN, 0, 1)).toThrow(RangeError);
    expect(() => passHatK(3, 1, 4)).toThrow(RangeError);
  });
});

describe('passKByContender', () => {
  // Three attempts per task. Contender a: t1 resolved 2 of 3; t2 none (one failure, one infra
  // error — left out of n — and one missing, counted as not resolved).
  const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [modelContender('a'), modelContender('b')], attempts_per_task: 3 });
  const attempts = [
    makeAttempt('a', 't1', 'resolved', 0.1, { attempt: 0 }),
    makeAttempt('a', 't1', 'unresolved', 0.1, { attempt: 1 }),
    makeAttempt('a', 't1', 'resolved', 0.1, { attempt: 2 }),
    makeAttempt('a', 't2', 'unresolved', 0.1, { attempt: 0 }),
    makeAttempt('a', 't2', 'infra_error', 0.1, { attempt: 1 }),
    ...[0, 1, 2].flatMap((i) => [makeAttempt('b', 't1', 'resolved', 0.1, { attempt: i }), makeAttempt('b', 't2', 'resolved', 0.1, { attempt: i })]),
  ];
  const matrix = buildMatrix(header, attempts);

  it('averages the per-task estimators over every task of the suite', () => {
    const [a, b] = passKByContender(matrix, 2);
    // pass@2: t1 = 1 − C(1,2)/C(3,2) = 1; t2 = 0 → 0.5.  pass^2: t1 = C(2,2)/C(3,2) = 1/3; t2 = 0 → 1/6.
    expect(a).toMatchObject({ id: 'a', k: 2, tasks: 2 });
    expect(a!.passAtK).toBeCloseTo(0.5, 12);
    expect(a!.passHatK).toBeCloseTo(1 / 6, 12);
    expect(b).toMatchObject({ id: 'b', passAtK: 1, passHatK: 1 });
  });

  it('pass@1 leaves infra errors out of each task\'s n (missing attempts count as not resolved), like the leaderboard', () => {
    const rows = passKByContender(matrix, 1);
    const summaries = summarise(header, attempts);
    // a: t1 2 of 3; t2 0 of 2 graded (the infra error left out) → (2/3 + 0) / 2
    expect(rows[0]).toMatchObject({ tasks: 2, infraErrors: 1, tasksWithoutK: 0 });
    expect(rows[0]!.passAtK).toBeCloseTo(1 / 3, 12);
    // Without infra errors pass@1 equals the leaderboard's rate.
    expect(rows[1]!.passAtK).toBeCloseTo(summaries[1]!.resolvedRate!, 12);
  });

  it('leaves out a task with fewer than k graded attempts', () => {
    const rows = passKByContender(matrix, 3);
    expect(rows[0]).toMatchObject({ tasks: 1, tasksWithoutK: 1 });
  });

  it('is null on an empty suite', () => {
    const empty = buildMatrix(makeHeader({ suite: { hash: 'h', instance_ids: [] }, contenders: [modelContender('a')] }), []);
    expect(passKByContender(empty, 1)).toEqual([{ id: 'a', k: 1, tasks: 0, infraErrors: 0, tasksWithoutK: 0, passAtK: null, passHatK: null }]);
  });

  it('refuses k outside 1 … attempts per task', () => {
    expect(() => passKByContender(matrix, 4)).toThrow(/attempts per task \(3\)/);
    expect(() => passKByContender(matrix, 0)).toThrow(RangeError);
    expect(() => passKByContender(matrix, NaN)).toThrow(RangeError);
  });
});
