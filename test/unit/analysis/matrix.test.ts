import { describe, expect, it } from 'vitest';
import { buildMatrix, contenderIndices, firstAttempts, isUsable, pairTable } from '../../../src/analysis/matrix.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from './fixtures.ts';

describe('buildMatrix', () => {
  const header = makeHeader({
    suite: { hash: 'h', instance_ids: ['t2', 't1'] },
    contenders: [modelContender('m', { name: 'Model M' }), modelContender('unpriced', { price: null }), referenceContender('gold')],
    attempts_per_task: 2,
  });

  it('lays cells out as contenders (header order) × tasks (suite order) × attempts, null where no record exists', () => {
    const matrix = buildMatrix(header, [makeAttempt('m', 't1', 'resolved', 0.2, { attempt: 1, steps: 7 })]);
    expect(matrix.contenders).toEqual([
      { id: 'm', name: 'Model M', costBasis: 'list_price' },
      { id: 'unpriced', name: null, costBasis: 'price_unknown' },
      { id: 'gold', name: null, costBasis: 'no_model' },
    ]);
    expect(matrix.tasks).toEqual(['t2', 't1']);
    expect(matrix.attemptsPerTask).toBe(2);
    expect(matrix.cells).toHaveLength(3);
    expect(matrix.cells.every((row) => row.length === 2 && row.every((a) => a.length === 2))).toBe(true);
    expect(matrix.cells[0]![0]).toEqual([null, null]);
    expect(matrix.cells[0]![1]![0]).toBeNull();
    expect(matrix.cells[0]![1]![1]).toEqual({ outcome: 'resolved', resolved: true, kind: 'resolved', listUsd: 0.2, steps: 7, visibleCheck: true });
  });

  it('tells the model’s failures from infra errors', () => {
    const outcomes = ['unresolved', 'empty_patch', 'patch_failed', 'timeout', 'agent_error', 'infra_error'] as const;
    const suite = outcomes.map((_, i) => `t${i}`);
    const matrix = buildMatrix(
      makeHeader({ suite: { hash: 'h', instance_ids: suite }, contenders: [modelContender('m')] }),
      outcomes.map((o, i) => makeAttempt('m', `t${i}`, o, 0.1)),
    );
    const kinds = matrix.cells[0]!.map((a) => a[0]!.kind);
    expect(kinds).toEqual(['failure', 'failure', 'failure', 'failure', 'failure', 'infra_error']);
    expect(matrix.cells[0]!.map((a) => isUsable(a[0]!))).toEqual([true, true, true, true, true, false]);
    expect(isUsable(null)).toBe(false);
  });

  it('reads a reference agent’s unknown USD as 0 but keeps a model’s unknown price null', () => {
    const matrix = buildMatrix(header, [makeAttempt('gold', 't1', 'resolved', null, { agent: 'gold' }), makeAttempt('unpriced', 't1', 'resolved', null)]);
    expect(matrix.cells[2]![1]![0]!.listUsd).toBe(0);
    expect(matrix.cells[1]![1]![0]!.listUsd).toBeNull();
  });

  it('ignores records outside the header, the suite or the attempt range, and keeps the last duplicate', () => {
    const matrix = buildMatrix(header, [
      makeAttempt('stranger', 't1', 'resolved', 0.1),
      makeAttempt('m', 't9', 'resolved', 0.1),
      makeAttempt('m', 't1', 'resolved', 0.1, { attempt: 2 }),
      makeAttempt('m', 't2', 'resolved', 0.1),
      makeAttempt('m', 't2', 'unresolved', 0.3),
    ]);
    expect(matrix.cells[0]![0]![0]).toMatchObject({ outcome: 'unresolved', listUsd: 0.3 });
    expect(Object.fromEntries(matrix.ignored)).toEqual({ stranger: 1, m: 3 });
  });
});

describe('contenderIndices', () => {
  const matrix = buildMatrix(makeHeader({ contenders: [modelContender('a'), modelContender('b')] }), []);

  it('defaults to every contender and maps ids to indices in the order given', () => {
    expect(contenderIndices(matrix)).toEqual([0, 1]);
    expect(contenderIndices(matrix, ['b', 'a'])).toEqual([1, 0]);
  });

  it('refuses unknown and repeated ids with a message naming them', () => {
    expect(() => contenderIndices(matrix, ['c'])).toThrow(/unknown contender 'c': the run has a, b/);
    expect(() => contenderIndices(matrix, ['a', 'a'])).toThrow(/'a' is listed twice/);
  });
});

describe('firstAttempts and pairTable', () => {
  it('reads attempt 0 as resolved / not resolved / no observation, and tabulates only shared observations', () => {
    const header = makeHeader({ contenders: [modelContender('a'), modelContender('b')], attempts_per_task: 2 });
    const matrix = buildMatrix(header, [
      makeAttempt('a', 't1', 'resolved', 0.1),
      makeAttempt('a', 't2', 'infra_error', 0.1),
      makeAttempt('a', 't2', 'resolved', 0.1, { attempt: 1 }),
      makeAttempt('a', 't3', 'unresolved', 0.1),
      makeAttempt('b', 't1', 'unresolved', 0.1),
      makeAttempt('b', 't2', 'resolved', 0.1),
      makeAttempt('b', 't3', 'unresolved', 0.1),
      makeAttempt('b', 't4', 'resolved', 0.1),
    ]);
    const a = firstAttempts(matrix, 0);
    const b = firstAttempts(matrix, 1);
    expect(a).toEqual([true, null, false, null]);
    expect(b).toEqual([false, true, false, true]);
    expect(pairTable(a, b)).toEqual({ onlyA: 1, onlyB: 0, both: 0, neither: 1 });
  });
});
