import { describe, expect, it } from 'vitest';
import { dominatedBy, dominates, paretoFrontier } from '../../../src/analysis/pareto.ts';

describe('paretoFrontier', () => {
  it('keeps the non-dominated points in ascending cost', () => {
    const ids = paretoFrontier([
      { id: 'pricey-best', usd: 1.0, rate: 0.8 },
      { id: 'cheap', usd: 0.01, rate: 0.3 },
      { id: 'mid', usd: 0.1, rate: 0.6 },
      { id: 'dominated', usd: 0.2, rate: 0.5 }, // mid is cheaper and better
    ]);
    expect(ids).toEqual(['cheap', 'mid', 'pricey-best']);
  });

  it('drops a point with the same rate at a higher cost', () => {
    expect(paretoFrontier([{ id: 'a', usd: 0.1, rate: 0.5 }, { id: 'b', usd: 0.2, rate: 0.5 }])).toEqual(['a']);
  });

  it('drops a point with the same cost at a lower rate', () => {
    expect(paretoFrontier([{ id: 'a', usd: 0.1, rate: 0.5 }, { id: 'b', usd: 0.1, rate: 0.4 }])).toEqual(['a']);
  });

  it('keeps every one of identical points (ties do not dominate), ordered by id', () => {
    expect(paretoFrontier([{ id: 'z', usd: 0.1, rate: 0.5 }, { id: 'a', usd: 0.1, rate: 0.5 }])).toEqual(['a', 'z']);
  });

  it('ignores points with unknown cost or rate, also as dominators', () => {
    const ids = paretoFrontier([
      { id: 'unknown-but-great', usd: null, rate: 1 },
      { id: 'no-trials', usd: 0.001, rate: null },
      { id: 'known', usd: 0.5, rate: 0.2 },
    ]);
    expect(ids).toEqual(['known']);
  });

  it('returns nothing for no points', () => {
    expect(paretoFrontier([])).toEqual([]);
  });
});

describe('dominates', () => {
  it('needs to be strictly better on one axis', () => {
    expect(dominates({ usd: 1, rate: 0.5 }, { usd: 1, rate: 0.5 })).toBe(false);
    expect(dominates({ usd: 0.5, rate: 0.5 }, { usd: 1, rate: 0.5 })).toBe(true);
    expect(dominates({ usd: 0.5, rate: 0.4 }, { usd: 1, rate: 0.5 })).toBe(false);
  });
});

describe('dominatedBy', () => {
  it('lists, for each point, the points that dominate it in ascending cost', () => {
    const map = dominatedBy([
      { id: 'best', usd: 0.1, rate: 0.9 },
      { id: 'cheap', usd: 0.01, rate: 0.3 },
      { id: 'mid', usd: 0.05, rate: 0.6 },
      { id: 'bad', usd: 0.2, rate: 0.5 }, // mid and best cost less and resolve more; cheap resolves less
      { id: 'unknown', usd: null, rate: 1 },
    ]);
    expect(Object.fromEntries(map)).toEqual({ best: [], cheap: [], mid: [], bad: ['mid', 'best'], unknown: [] });
  });

  it('maps frontier points to [] and agrees with paretoFrontier', () => {
    const points = [
      { id: 'a', usd: 1, rate: 0.5 },
      { id: 'b', usd: 1, rate: 0.5 },
      { id: 'c', usd: 2, rate: 0.5 },
      { id: 'd', usd: 0.5, rate: 0.1 },
    ];
    const map = dominatedBy(points);
    const frontier = new Set(paretoFrontier(points));
    for (const p of points) expect(map.get(p.id)!.length === 0).toBe(frontier.has(p.id));
    expect(map.get('c')).toEqual(['a', 'b']);
  });
});
