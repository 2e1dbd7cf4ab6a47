// One analysis of a run (DESIGN.md §8), computed once and shared: the report's every view model
// (leaderboard, matrix, answer, routing, pairwise, pass@k, budget, steps) reads this result instead
// of re-deriving its own. Pure: a RunHeader and AttemptRecords in, plain data out.
import type { IndexRecord, RunHeader } from '../core/records.ts';
import { answer, type Answer } from './answer.ts';
import { indexAttempts, rankSummaries, summarise, summariseListed, type AttemptIndex, type ContenderSummary } from './leaderboard.ts';
import { buildMatrix, type ResultMatrix } from './matrix.ts';
import { pairwiseComparisons, type PairwiseComparison } from './mcnemar.ts';
import { liveVsSimulated, type LiveCascade } from './cascade-live.ts';
import { cascades, oracleRouter, type CascadePoint, type OracleRouter } from './routing.ts';

/** Everything the report shows, derived once from a run's header and records. */
export interface RunAnalysis {
  /** The records that count (see {@link indexAttempts}), by contender id → instance id → attempt. */
  index: AttemptIndex;
  /** One summary per contender, in leaderboard order ({@link rankSummaries}); a shard run's over its own attempts (`summariseListed`). */
  ranked: ContenderSummary[];
  /** Contenders × tasks × attempts. */
  matrix: ResultMatrix;
  /** Every pair of model-driven contenders (reference agents left out), in matrix order, Holm-adjusted over them; attempt 0. */
  pairs: PairwiseComparison[];
  /**
   * The oracle router and every two-model cascade among the contenders with a list price; null when
   * fewer than two have one (routing needs two).
   */
  routing: { oracle: OracleRouter; cascades: CascadePoint[] } | null;
  /** The report's answer block ({@link answer}), from the same pairs and cascades. */
  answer: Answer;
  /** Each live cascade contender beside its simulation from the same run's single-model attempts (src/analysis/cascade-live.ts). */
  liveCascades: LiveCascade[];
}

/**
 * Analyses a run once. O(records + models² × tasks) (cascades and pairwise tests dominate: 20 models
 * × 500 tasks is 190 pairs of 500). Never mutates its inputs. `index`: `indexAttempts(header, attempts)`
 * when the caller has it already (the report's attempt pages read the same index).
 */
export function analyseRun(header: RunHeader, attempts: readonly IndexRecord[], index: AttemptIndex = indexAttempts(header, attempts)): RunAnalysis {
  // a shard holds only its share of the suite's attempts: its leaderboard rates are over the attempts it recorded (as run listings show it)
  const ranked = rankSummaries(header.shard ? summariseListed(header, attempts) : summarise(header, attempts, index));
  const matrix = buildMatrix(header, attempts, index);
  const modelIds = matrix.contenders.filter((c) => c.costBasis !== 'no_model').map((c) => c.id);
  const pairs = modelIds.length >= 2 ? pairwiseComparisons(matrix, modelIds) : [];
  // simulated routing combines single contenders; live cascades are measured, and shown beside their simulation
  const live = new Set(header.contenders.filter((c) => c.cascade).map((c) => c.id));
  const priced = matrix.contenders.filter((c) => c.costBasis === 'list_price' && !live.has(c.id)).map((c) => c.id);
  const routing = priced.length >= 2 ? { oracle: oracleRouter(matrix, { ids: priced }), cascades: cascades(matrix, { ids: priced }) } : null;
  return { index, ranked, matrix, pairs, routing, answer: answer(matrix, { pairs, cascades: routing?.cascades ?? [] }), liveCascades: liveVsSimulated(header, index.byContender) };
}
