import { describe, expect, it } from 'vitest';
import { buildMatrix } from '../../../src/analysis/matrix.ts';
import { bestWithinBudget, cascades, cheapestReaching, meanUsdPerAttempt, oracleRouter } from '../../../src/analysis/routing.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from './fixtures.ts';

// Header order puts the pricey model first, to show that a cascade starts with the cheaper one.
//            t1                 t2                t3                         t4
// pricey   R $0.10           R $0.10           R $0.20                    U $0.10
// cheap    R $0.01 (vc ✓)    U $0.01 (vc ✗)    U $0.02 (vc ✓: passed      U $0.01 (vc ✗)
//                                              the visible check, but not resolved)
// unk      R ? (vc ✓)        U ?               U ?                        U ?
// gold     R $0 on every task
const header = makeHeader({ contenders: [modelContender('pricey'), modelContender('cheap'), modelContender('unk', { price: null }), referenceContender('gold')] });
const attempts = [
  makeAttempt('pricey', 't1', 'resolved', 0.1),
  makeAttempt('pricey', 't2', 'resolved', 0.1),
  makeAttempt('pricey', 't3', 'resolved', 0.2),
  makeAttempt('pricey', 't4', 'unresolved', 0.1),
  makeAttempt('cheap', 't1', 'resolved', 0.01),
  makeAttempt('cheap', 't2', 'unresolved', 0.01),
  makeAttempt('cheap', 't3', 'unresolved', 0.02, { visible_check: true }),
  makeAttempt('cheap', 't4', 'unresolved', 0.01),
  makeAttempt('unk', 't1', 'resolved', null),
  makeAttempt('unk', 't2', 'unresolved', null),
  makeAttempt('unk', 't3', 'unresolved', null),
  makeAttempt('unk', 't4', 'unresolved', null),
  ...['t1', 't2', 't3', 't4'].map((t) => makeAttempt('gold', t, 'resolved', null, { agent: 'gold' })),
];
const matrix = buildMatrix(header, attempts);

describe('oracleRouter', () => {
  it('resolves a task when any member did, paying the cheapest resolver (or the cheapest attempt when none did)', () => {
    const oracle = oracleRouter(matrix);
    // Members by default: priced models only (pricey, cheap).
    // t1 cheap $0.01; t2 pricey $0.10; t3 pricey $0.20; t4 nobody → cheapest attempt $0.01. Total $0.32 / 4 = $0.08.
    // Pay for all: cheap $0.05 + pricey $0.50 = $0.55 / 4 = $0.1375.
    expect(oracle).toMatchObject({ id: 'oracle', kind: 'oracle', label: 'oracle (2 models)', members: ['pricey', 'cheap'], resolved: 3, tasks: 4, rate: 0.75 });
    expect(oracle.usdPerTask).toBeCloseTo(0.08, 12);
    expect(oracle.usdPerTaskAll).toBeCloseTo(0.1375, 12);
    expect(oracle.excluded).toEqual([
      { id: 'unk', reason: 'price_unknown' },
      { id: 'gold', reason: 'no_model' },
    ]);
  });

  it('resolves at least as much as its best member and costs no more than paying for all', () => {
    const oracle = oracleRouter(matrix);
    // best member (pricey) resolves 3 of 4
    expect(oracle.rate!).toBeGreaterThanOrEqual(0.75);
    expect(oracle.usdPerTask!).toBeLessThanOrEqual(oracle.usdPerTaskAll!);
  });

  it('has an unknown cost when a member’s price is unknown, and still counts what it resolved', () => {
    const oracle = oracleRouter(matrix, { ids: ['cheap', 'unk'] });
    expect(oracle).toMatchObject({ resolved: 1, usdPerTask: null, usdPerTaskAll: null, excluded: [] });
  });

  it('counts a missing attempt as not resolved and free, an infra error as not resolved and billed', () => {
    const m = buildMatrix(makeHeader({ contenders: [modelContender('a'), modelContender('b')], suite: { hash: 'h', instance_ids: ['t1', 't2'] } }), [
      makeAttempt('a', 't1', 'infra_error', 0.3),
      makeAttempt('b', 't2', 'resolved', 0.05),
    ]);
    // t1: nobody resolved → cheapest recorded attempt: a's infra error $0.30. t2: b $0.05. (0.30 + 0.05)/2
    const oracle = oracleRouter(m);
    expect(oracle.resolved).toBe(1);
    expect(oracle.usdPerTask).toBeCloseTo(0.175, 12);
    expect(oracle.usdPerTaskAll).toBeCloseTo(0.175, 12);
  });

  it('has a null rate and cost on an empty suite, and refuses unknown ids', () => {
    const empty = buildMatrix(makeHeader({ suite: { hash: 'h', instance_ids: [] }, contenders: [modelContender('a')] }), []);
    expect(oracleRouter(empty)).toMatchObject({ resolved: 0, tasks: 0, rate: null, usdPerTask: null });
    expect(() => oracleRouter(matrix, { ids: ['nope'] })).toThrow(/unknown contender 'nope'/);
  });
});

describe('cascades', () => {
  it('tries the cheaper model first and escalates when its visible check fails', () => {
    const [first] = cascades(matrix, { ids: ['pricey', 'cheap'] });
    // cheap first ($0.0125 per attempt < $0.125).
    // t1: cheap vc ✓ → resolved, $0.01.  t2: vc ✗ → pricey resolves, $0.01 + $0.10.
    // t3: vc ✓ → stop, not resolved, $0.02.  t4: vc ✗ → pricey fails, $0.01 + $0.10.
    // resolved 2 of 4; $0.25 / 4 = $0.0625; escalated 2.
    expect(first).toMatchObject({ id: 'cascade:cheap>pricey', label: 'cheap → pricey', kind: 'cascade', members: ['cheap', 'pricey'], resolved: 2, tasks: 4, rate: 0.5, escalated: 2 });
    expect(first!.usdPerTask).toBeCloseTo(0.0625, 12);
  });

  it('makes one cascade per pair of model contenders, unknown prices last with a null cost', () => {
    const all = cascades(matrix);
    expect(all.map((c) => c.id)).toEqual(['cascade:pricey>unk', 'cascade:cheap>pricey', 'cascade:cheap>unk']);
    // cheap → unk: t1 cheap ✓; t2 → unk U; t3 stop U; t4 → unk U
    expect(all[2]).toMatchObject({ resolved: 1, escalated: 2, usdPerTask: null });
    // pricey → unk: pricey's visible check passes on t1–t3 (resolved), fails on t4 → unk U
    expect(all[0]).toMatchObject({ resolved: 3, escalated: 1, usdPerTask: null });
  });

  it('escalates past a missing first attempt, which costs nothing', () => {
    const m = buildMatrix(makeHeader({ contenders: [modelContender('a'), modelContender('b')], suite: { hash: 'h', instance_ids: ['t1', 't2'] } }), [
      makeAttempt('a', 't2', 'unresolved', 0.01),
      makeAttempt('b', 't1', 'resolved', 0.5),
      makeAttempt('b', 't2', 'resolved', 0.5),
    ]);
    const [c] = cascades(m);
    // a first ($0.01 mean). t1: a missing → b resolves $0.50. t2: a ✗ $0.01 → b resolves $0.50. $1.01 / 2
    expect(c).toMatchObject({ members: ['a', 'b'], resolved: 2, escalated: 2 });
    expect(c!.usdPerTask).toBeCloseTo(0.505, 12);
  });

  it('returns nothing with fewer than two members', () => {
    expect(cascades(matrix, { ids: ['cheap'] })).toEqual([]);
    expect(() => cascades(matrix, { ids: ['cheap', 'x'] })).toThrow(RangeError);
  });
});

describe('meanUsdPerAttempt', () => {
  it('averages recorded attempts and is null when a price is unknown or nothing is recorded', () => {
    expect(meanUsdPerAttempt(matrix, 1)).toBeCloseTo(0.0125, 12);
    expect(meanUsdPerAttempt(matrix, 2)).toBeNull();
    expect(meanUsdPerAttempt(matrix, 3)).toBe(0);
    expect(meanUsdPerAttempt(buildMatrix(header, []), 0)).toBeNull();
  });
});

describe('routing with infra errors', () => {
  // t1: a resolved, b infra error; t2: a unresolved, b infra error; t3: both unresolved.
  const h = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2', 't3'] }, contenders: [modelContender('a'), modelContender('b')] });
  const m = buildMatrix(h, [
    makeAttempt('a', 't1', 'resolved', 0.01),
    makeAttempt('a', 't2', 'unresolved', 0.01),
    makeAttempt('a', 't3', 'unresolved', 0.01),
    makeAttempt('b', 't1', 'infra_error', 0.02),
    makeAttempt('b', 't2', 'infra_error', 0.02),
    makeAttempt('b', 't3', 'unresolved', 0.02),
  ]);
  it('the oracle leaves out a task whose outcome hangs on an infra error: 1 resolved of 2 graded', () => {
    expect(oracleRouter(m)).toMatchObject({ resolved: 1, tasks: 3, graded: 2, infraErrors: 1, rate: 0.5 });
  });
  it('a cascade leaves out a task whose deciding attempt is an infra error', () => {
    // a first (cheaper): t1 resolved (its visible check passed); t2, t3 escalate to b: t2 infra error, t3 unresolved.
    expect(cascades(m)[0]).toMatchObject({ resolved: 1, tasks: 3, graded: 2, infraErrors: 1, rate: 0.5 });
  });
});

describe('cascade pickers (the routing section\'s target and budget)', () => {
  const s = [
    { label: 'a → b', rate: 0.5, usdPerTask: 0.02 },
    { label: 'c → d', rate: 0.6, usdPerTask: 0.05 },
    { label: 'b → d', rate: 0.6, usdPerTask: 0.05 },
    { label: 'a → d', rate: 0.7, usdPerTask: 0.09 },
  ];
  it('picks the cheapest cascade reaching a target rate (ties: higher rate, then label)', () => {
    expect(cheapestReaching(s, 0.5)?.label).toBe('a → b');
    expect(cheapestReaching(s, 0.55)?.label).toBe('b → d'); // same cost and rate as c → d: label order
    expect(cheapestReaching(s, 0.7)?.label).toBe('a → d'); // exactly the rate reaches it
    expect(cheapestReaching([{ label: 'x', rate: 2 / 3, usdPerTask: 1 }], 0.667)?.label).toBe('x'); // typed as shown (66.7%) still reaches 2/3
    expect(cheapestReaching(s, 0.7006)).toBeNull();
  });
  it('picks the most accurate cascade within a budget per task (ties: cheaper, then label)', () => {
    expect(bestWithinBudget(s, 0.1)?.label).toBe('a → d');
    expect(bestWithinBudget(s, 0.05)?.label).toBe('b → d');
    expect(bestWithinBudget(s, 0.0499)?.label).toBe('a → b');
    expect(bestWithinBudget(s, 0.01)).toBeNull();
  });
});
