import { describe, expect, it } from 'vitest';
import { buildMatrix } from '../../../src/analysis/matrix.ts';
import { holm, mcnemarExact, pairwiseComparisons } from '../../../src/analysis/mcnemar.ts';
import { makeAttempt, makeHeader, modelContender } from './fixtures.ts';

describe('mcnemarExact', () => {
  it('matches hand-computed exact binomial p-values', () => {
    // n = 7: 2·(C(7,0) + C(7,1))/2⁷ = 2·(1 + 7)/128 = 0.125
    expect(mcnemarExact(1, 6)).toBeCloseTo(0.125, 14);
    // n = 5: 2·1/32 = 0.0625
    expect(mcnemarExact(0, 5)).toBeCloseTo(0.0625, 14);
    // n = 12: 2·(1 + 12 + 66)/4096 = 158/4096 = 0.03857421875
    expect(mcnemarExact(2, 10)).toBeCloseTo(0.03857421875, 14);
    // n = 2: 2·1/4 = 0.5;  n = 1: 2·1/2 = 1
    expect(mcnemarExact(2, 0)).toBeCloseTo(0.5, 14);
    expect(mcnemarExact(0, 1)).toBe(1);
    // n = 10: 2·(1 + 10)/1024 = 0.021484375;  2·(1 + 10 + 45)/1024 = 0.109375
    expect(mcnemarExact(1, 9)).toBeCloseTo(0.021484375, 14);
    expect(mcnemarExact(2, 8)).toBeCloseTo(0.109375, 14);
  });

  it('gives p = 1 with no discordant pairs and when b = c', () => {
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(3, 3)).toBe(1);
  });

  it('is symmetric in b and c and stays in [0, 1]', () => {
    for (let b = 0; b <= 15; b++) {
      for (let c = 0; c <= 15; c++) {
        const p = mcnemarExact(b, c);
        expect(p).toBe(mcnemarExact(c, b));
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
    }
  });

  it('falls as the split grows more lopsided at fixed n', () => {
    for (let b = 1; b <= 10; b++) expect(mcnemarExact(b - 1, 21 - b)).toBeLessThan(mcnemarExact(b, 20 - b));
  });

  it('stays accurate where 2ⁿ overflows a double (n = 2100)', () => {
    // Exact value computed with rational arithmetic (Python fractions): 2·Σ_{i≤1000} C(2100,i)/2²¹⁰⁰.
    expect(mcnemarExact(1000, 1100)).toBeCloseTo(0.030720707864242296, 10);
    // Either side of the switch from direct sums (n ≤ 1000) to log space (n > 1000), exact values from Python fractions.
    expect(mcnemarExact(450, 550) / 0.0017305360849763176).toBeCloseTo(1, 10);
    expect(mcnemarExact(450, 551) / 0.001561138839699202).toBeCloseTo(1, 10);
    // 2/2¹⁰⁰¹ = 9.33e-302: tiny but neither 0 nor NaN
    expect(mcnemarExact(0, 1001) / 9.332636185032189e-302).toBeCloseTo(1, 10);
    // n = 40: 2·Σ_{i≤10} C(40,i)/2⁴⁰ = 0.0022214337732293643
    expect(mcnemarExact(10, 30)).toBeCloseTo(0.0022214337732293643, 14);
  });

  it.each([
    [-1, 2],
    [1, -2],
    [1.5, 2],
    [NaN, 0],
    [0, Infinity],
  ])('throws RangeError for b=%s, c=%s', (b, c) => {
    expect(() => mcnemarExact(b, c)).toThrow(/non-negative integers/);
  });
});

describe('holm', () => {
  it('matches hand-computed adjustments, in input order', () => {
    // sorted 0.01, 0.03, 0.04 → 3·0.01 = 0.03; 2·0.03 = 0.06; max(0.06, 1·0.04) = 0.06
    const adj = holm([0.01, 0.04, 0.03]);
    expect(adj[0]).toBeCloseTo(0.03, 14);
    expect(adj[1]).toBeCloseTo(0.06, 14);
    expect(adj[2]).toBeCloseTo(0.06, 14);
    // 2·0.2 = 0.4; max(0.4, 0.9) = 0.9
    expect(holm([0.2, 0.9])).toEqual([0.4, 0.9]);
  });

  it('caps at 1 and keeps a single p-value as it is', () => {
    // 2·0.6 = 1.2 → 1; max(1, 0.7) = 1
    expect(holm([0.6, 0.7])).toEqual([1, 1]);
    expect(holm([0.5])).toEqual([0.5]);
    expect(holm([])).toEqual([]);
  });

  it('never lowers a p-value and keeps the order of the raw p-values', () => {
    const raw = [0.001, 0.2, 0.04, 0.04, 0.5, 0.011, 0.9, 0];
    const adj = holm(raw);
    raw.forEach((p, i) => {
      expect(adj[i]).toBeGreaterThanOrEqual(p);
      expect(adj[i]).toBeLessThanOrEqual(1);
      raw.forEach((q, j) => {
        if (p < q) expect(adj[i]).toBeLessThanOrEqual(adj[j]!);
      });
    });
  });

  it('throws RangeError naming the bad p-value', () => {
    expect(() => holm([0.1, NaN])).toThrow(/p-value #1/);
    expect(() => holm([-0.1])).toThrow(RangeError);
    expect(() => holm([1.1])).toThrow(RangeError);
  });
});

describe('pairwiseComparisons', () => {
  const contenders = ['a', 'b', 'c'].map((id) => modelContender(id));

  it('compares first attempts on the tasks both sides observed; infra errors and missing attempts leave the pair', () => {
    const header = makeHeader({ contenders });
    // a: R R U R;  b: R U U infra;  c: U U U (t4 missing)
    const matrix = buildMatrix(header, [
      makeAttempt('a', 't1', 'resolved', 0.1),
      makeAttempt('a', 't2', 'resolved', 0.1),
      makeAttempt('a', 't3', 'unresolved', 0.1),
      makeAttempt('a', 't4', 'resolved', 0.1),
      makeAttempt('b', 't1', 'resolved', 0.1),
      makeAttempt('b', 't2', 'unresolved', 0.1),
      makeAttempt('b', 't3', 'timeout', 0.1),
      makeAttempt('b', 't4', 'infra_error', 0.1),
      makeAttempt('c', 't1', 'unresolved', 0.1),
      makeAttempt('c', 't2', 'empty_patch', 0.1),
      makeAttempt('c', 't3', 'unresolved', 0.1),
    ]);
    const rows = pairwiseComparisons(matrix);
    expect(rows.map((r) => [r.a, r.b])).toEqual([
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'c'],
    ]);
    // a vs b on t1–t3: both t1, only a t2, neither t3. p = mcnemar(1, 0) = 2·1/2 = 1.
    expect(rows[0]).toMatchObject({ tasks: 3, onlyA: 1, onlyB: 0, both: 1, neither: 1, p: 1 });
    expect(rows[0]!.rateA).toBeCloseTo(2 / 3, 12);
    expect(rows[0]!.rateB).toBeCloseTo(1 / 3, 12);
    expect(rows[0]!.diff).toBeCloseTo(1 / 3, 12);
    // a vs c on t1–t3: only a t1, t2. p = 2·1/4 = 0.5
    expect(rows[1]).toMatchObject({ tasks: 3, onlyA: 2, onlyB: 0, p: 0.5 });
  });

  it('Holm-adjusts across the pairs', () => {
    const tasks = Array.from({ length: 8 }, (_, i) => `t${i}`);
    const header = makeHeader({ suite: { hash: 'h', instance_ids: tasks }, contenders });
    // a resolves all 8, b none, c the first 4.
    const matrix = buildMatrix(header, [
      ...tasks.map((t) => makeAttempt('a', t, 'resolved', 0.1)),
      ...tasks.map((t) => makeAttempt('b', t, 'unresolved', 0.1)),
      ...tasks.map((t, i) => makeAttempt('c', t, i < 4 ? 'resolved' : 'unresolved', 0.1)),
    ]);
    const rows = pairwiseComparisons(matrix);
    // raw: a–b 2/2⁸ = 0.0078125; a–c 2/2⁴ = 0.125; b–c 0.125
    expect(rows.map((r) => r.p)).toEqual([0.0078125, 0.125, 0.125]);
    // Holm: 3·0.0078125 = 0.0234375; 2·0.125 = 0.25; max(0.25, 0.125) = 0.25
    expect(rows.map((r) => r.pHolm)).toEqual([0.0234375, 0.25, 0.25]);
    expect(rows[2]).toMatchObject({ a: 'b', b: 'c', onlyA: 0, onlyB: 4, diff: -0.5 });
  });

  it('uses attempt 0 only when there are several attempts', () => {
    const header = makeHeader({ contenders: contenders.slice(0, 2), attempts_per_task: 2, suite: { hash: 'h', instance_ids: ['t1'] } });
    const matrix = buildMatrix(header, [
      makeAttempt('a', 't1', 'unresolved', 0.1, { attempt: 0 }),
      makeAttempt('a', 't1', 'resolved', 0.1, { attempt: 1 }),
      makeAttempt('b', 't1', 'unresolved', 0.1, { attempt: 0 }),
    ]);
    expect(pairwiseComparisons(matrix)[0]).toMatchObject({ tasks: 1, onlyA: 0, neither: 1 });
  });

  it('has null rates and p = 1 when no task is shared', () => {
    const header = makeHeader({ contenders: contenders.slice(0, 2) });
    const matrix = buildMatrix(header, [makeAttempt('a', 't1', 'resolved', 0.1), makeAttempt('b', 't2', 'resolved', 0.1)]);
    expect(pairwiseComparisons(matrix)[0]).toMatchObject({ tasks: 0, rateA: null, rateB: null, diff: null, p: 1, pHolm: 1 });
  });

  it('compares only the ids asked for, in matrix order, and refuses unknown ids', () => {
    const matrix = buildMatrix(makeHeader({ contenders }), []);
    expect(pairwiseComparisons(matrix, ['c', 'a']).map((r) => [r.a, r.b])).toEqual([['a', 'c']]);
    expect(pairwiseComparisons(matrix, ['a'])).toEqual([]);
    expect(() => pairwiseComparisons(matrix, ['a', 'zz'])).toThrow(/unknown contender 'zz'/);
  });
});
