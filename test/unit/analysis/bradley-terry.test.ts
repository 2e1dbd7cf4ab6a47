import { describe, expect, it } from 'vitest';
import { bradleyTerry } from '../../../src/analysis/bradley-terry.ts';
import { buildMatrix, type ResultMatrix } from '../../../src/analysis/matrix.ts';
import type { Outcome } from '../../../src/core/outcome.ts';
import { makeAttempt, makeHeader, modelContender } from './fixtures.ts';

/** A one-attempt matrix from rows like `{ a: 'RRU', b: 'UUR' }` (R resolved, U unresolved, I infra error, - missing). */
function matrixOf(rows: Record<string, string>): ResultMatrix {
  const ids = Object.keys(rows);
  const n = Math.max(...Object.values(rows).map((r) => r.length));
  const tasks = Array.from({ length: n }, (_, i) => `t${i}`);
  const header = makeHeader({ suite: { hash: 'h', instance_ids: tasks }, contenders: ids.map((id) => modelContender(id)) });
  const outcome: Record<string, Outcome> = { R: 'resolved', U: 'unresolved', I: 'infra_error' };
  const attempts = ids.flatMap((id) => [...rows[id]!].flatMap((ch, i) => (ch === '-' ? [] : [makeAttempt(id, `t${i}`, outcome[ch]!, 0.1)])));
  return buildMatrix(header, attempts);
}

const byId = (r: ReturnType<typeof bradleyTerry>) => Object.fromEntries(r.ratings.map((x) => [x.id, x]));

describe('bradleyTerry', () => {
  it('matches a hand-solved fit: one win, prior 0.6 → strengths 2 and 1/2', () => {
    // With πB = 1/πA = 1/x the MM fixed point for B reads k/(x²+1) + 2p/(1+x) = p;
    // k = 1 game, p = 0.6, x = 2: 1/5 + 1.2/3 = 0.2 + 0.4 = 0.6 ✓. Ratings 1500 ± 400·log10 2 = 1500 ± 120.412.
    const fit = bradleyTerry(matrixOf({ a: 'R', b: 'U' }), { prior: 0.6 });
    const r = byId(fit);
    expect(fit.converged).toBe(true);
    expect(r.a!.strength).toBeCloseTo(2, 6);
    expect(r.b!.strength).toBeCloseTo(0.5, 6);
    expect(r.a!.rating).toBeCloseTo(1500 + 400 * Math.log10(2), 6);
    expect(r.a!.rating).toBeCloseTo(1620.412, 3);
    expect(r.b!.rating).toBeCloseTo(1379.588, 3);
    expect(r.a).toMatchObject({ wins: 1, losses: 0, ties: 0, games: 1 });
  });

  it('matches a second hand-solved fit: five wins, prior 1 → strengths 3 and 1/3', () => {
    // k = 5, p = 1, x = 3: 5/10 + 2/4 = 1 = p ✓
    const r = byId(bradleyTerry(matrixOf({ a: 'RRRRR', b: 'UUUUU' }), { prior: 1 }));
    expect(r.a!.strength).toBeCloseTo(3, 6);
    expect(r.b!.strength).toBeCloseTo(1 / 3, 6);
  });

  it('keeps an undefeated contender finite and orders a transitive record', () => {
    const fit = bradleyTerry(matrixOf({ a: 'RRRRRR', b: 'RRRUUU', c: 'RUUUUU' }));
    expect(fit.ratings.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    for (const x of fit.ratings) expect(Number.isFinite(x.rating)).toBe(true);
    expect(byId(fit).a).toMatchObject({ wins: 8, losses: 0 });
  });

  it('satisfies Hunter’s MM fixed-point equation at the fit', () => {
    // πᵢ = (Wᵢ + prior) / (Σⱼ nᵢⱼ/(πᵢ + πⱼ) + 2·prior/(πᵢ + 1)), checked on a record with every kind of game.
    const rows = { a: 'RRRUURRU', b: 'RURURUUU', c: 'UURRRUUR', d: 'UUUUURUU' };
    const prior = 0.5;
    const fit = bradleyTerry(matrixOf(rows), { prior });
    const pi = Object.fromEntries(fit.ratings.map((x) => [x.id, x.strength]));
    const ids = Object.keys(rows) as Array<keyof typeof rows>;
    for (const i of ids) {
      let wins = 0;
      let denom = (2 * prior) / (pi[i]! + 1);
      for (const j of ids) {
        if (j === i) continue;
        let n = 0;
        for (let t = 0; t < 8; t++) {
          const x = rows[i][t] === 'R';
          const y = rows[j][t] === 'R';
          if (x !== y) n += 1;
          if (x && !y) wins += 1;
        }
        denom += n / (pi[i]! + pi[j]!);
      }
      expect(pi[i]! / ((wins + prior) / denom)).toBeCloseTo(1, 9);
    }
  });

  it('converges in a few steps with an undefeated and a winless contender (gold and noop)', () => {
    const fit = bradleyTerry(matrixOf({ gold: 'RRRRRRRRRR', model: 'RRRRRUUUUU', noop: 'UUUUUUUUUU' }));
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeLessThan(50);
    expect(fit.ratings.map((x) => x.id)).toEqual(['gold', 'model', 'noop']);
    for (const x of fit.ratings) expect(Number.isFinite(x.rating)).toBe(true);
    // gold and noop mirror each other around the middle model
    const r = byId(fit);
    expect(r.gold!.rating - r.model!.rating).toBeCloseTo(r.model!.rating - r.noop!.rating, 6);
  });

  it('drops ties (both or neither resolved) from the fit but counts them', () => {
    const plain = byId(bradleyTerry(matrixOf({ a: 'RU', b: 'UR' })));
    const withTies = byId(bradleyTerry(matrixOf({ a: 'RURRUU', b: 'URRRUU' })));
    expect(withTies.a!.rating).toBeCloseTo(plain.a!.rating, 9);
    expect(withTies.a).toMatchObject({ wins: 1, losses: 1, ties: 4, games: 2 });
  });

  it('gives equal records equal ratings, at the base when they are even', () => {
    const r = byId(bradleyTerry(matrixOf({ a: 'RRU', b: 'URR', c: 'RUR' })));
    expect(r.a!.rating).toBeCloseTo(r.b!.rating, 9);
    expect(r.b!.rating).toBeCloseTo(r.c!.rating, 9);
    expect(r.a!.rating).toBeCloseTo(1500, 9);
  });

  it('rates everyone at the base when there are no decisive games, and handles no contenders', () => {
    const fit = bradleyTerry(matrixOf({ a: 'RU', b: 'RU' }));
    expect(fit.ratings.map((x) => x.rating)).toEqual([1500, 1500]);
    expect(fit.converged).toBe(true);
    const single = bradleyTerry(matrixOf({ solo: 'RRR' }), { base: 1000 });
    expect(single.ratings[0]).toMatchObject({ id: 'solo', rating: 1000, strength: 1, games: 0 });
    const none = bradleyTerry(buildMatrix(makeHeader(), []));
    expect(none).toEqual({ ratings: [], iterations: 0, converged: true });
  });

  it('plays no game where either side has an infra error or no record', () => {
    const r = byId(bradleyTerry(matrixOf({ a: 'RRR', b: 'UI-' })));
    expect(r.a).toMatchObject({ wins: 1, games: 1 });
  });

  it('reports when it stopped before converging', () => {
    const fit = bradleyTerry(matrixOf({ a: 'RRRR', b: 'UUUU' }), { maxIterations: 1 });
    expect(fit).toMatchObject({ iterations: 1, converged: false });
  });

  it('rates only the ids asked for', () => {
    const fit = bradleyTerry(matrixOf({ a: 'RR', b: 'UU', c: 'RU' }), { ids: ['a', 'c'] });
    expect(fit.ratings.map((x) => x.id)).toEqual(['a', 'c']);
    expect(byId(fit).a).toMatchObject({ wins: 1, games: 1 });
  });

  it.each([{ prior: 0 }, { prior: -1 }, { prior: NaN }, { scale: 0 }, { tolerance: 0 }, { maxIterations: 0 }, { ids: ['zz'] }])('throws RangeError for %o', (options) => {
    expect(() => bradleyTerry(matrixOf({ a: 'R', b: 'U' }), options)).toThrow(RangeError);
  });
});
