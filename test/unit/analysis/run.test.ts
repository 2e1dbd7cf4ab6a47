// analyseRun: one analysis of a run, equal to each analysis computed on its own, never mutating its input.
import { describe, expect, it } from 'vitest';
import { answer } from '../../../src/analysis/answer.ts';
import { rankSummaries, summarise } from '../../../src/analysis/leaderboard.ts';
import { buildMatrix } from '../../../src/analysis/matrix.ts';
import { pairwiseComparisons } from '../../../src/analysis/mcnemar.ts';
import { cascades, oracleRouter } from '../../../src/analysis/routing.ts';
import { analyseRun } from '../../../src/analysis/run.ts';
import { syntheticRun } from '../../../bench/lib/synthetic.ts';
import { deepFreeze } from '../../helpers/freeze.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from './fixtures.ts';

describe('analyseRun', () => {
  // 5 models (the last unpriced) × 40 tasks × 2 attempts, gold and noop: every part has something to show.
  const { header, attempts } = deepFreeze(syntheticRun({ models: 5, tasks: 40, attempts: 2, seed: 3 }));
  const a = analyseRun(header, attempts);

  it('equals each analysis computed on its own (frozen input: nothing is mutated)', () => {
    expect(a.ranked).toEqual(rankSummaries(summarise(header, attempts)));
    expect(a.matrix).toEqual(buildMatrix(header, attempts));
    const models = header.contenders.filter((c) => c.model !== null).map((c) => c.id);
    expect(a.pairs).toEqual(pairwiseComparisons(buildMatrix(header, attempts), models));
    const priced = header.contenders.filter((c) => c.price !== null && c.model !== null).map((c) => c.id);
    expect(priced).toHaveLength(4);
    expect(a.routing).toEqual({ oracle: oracleRouter(a.matrix, { ids: priced }), cascades: cascades(a.matrix, { ids: priced }) });
    expect(a.routing!.cascades).toHaveLength(6);
  });

  it('gives the answer it would compute alone: the shared pairs and cascades change nothing', () => {
    expect(a.answer).toEqual(answer(buildMatrix(header, attempts)));
    expect(a.answer.cascadesConsidered).toBe(6);
  });

  it('has no routing with fewer than two priced models, and still answers', () => {
    const h = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('m'), modelContender('x', { price: null }), referenceContender('gold')] });
    const one = analyseRun(h, [makeAttempt('m', 't1', 'resolved', 0.1), makeAttempt('x', 't1', 'unresolved', null)]);
    expect(one.routing).toBeNull();
    expect(one.pairs).toHaveLength(1); // m–x: both drive a model
    expect(one.answer.mostAccurate?.id).toBe('m');
  });
});
