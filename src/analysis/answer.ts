// The answer a reader comes for (DESIGN.md §8): which model, or which two-model cascade, resolves
// the most issues per dollar — best value, most accurate, cheapest close to the most accurate, best
// cascade — with intervals and what the paired tests can and cannot tell apart. Pure.
import { contenderIndices, firstAttempts, pairTable, type ResultMatrix } from './matrix.ts';
import { mcnemarExact, pairwiseComparisons, type PairwiseComparison } from './mcnemar.ts';
import { dominates, paretoFrontier } from './pareto.ts';
import { cascades, runCascade, type CascadePoint } from './routing.ts';
import { wilsonInterval, type Interval } from './wilson.ts';

/** "Within a few points": a model this close to the most accurate one's rate counts as close (percentage points, as a fraction). */
export const NEAR_BEST_PP = 0.05;
/** Significance level of every statement (after Holm's adjustment for the models' pairs). */
export const ANSWER_ALPHA = 0.05;

/**
 * One model or cascade judged on first attempts (attempt 0 of every task of the suite): the basis
 * cascades are played on, so models and cascades compare like for like.
 */
export interface Judged {
  /** Contender id, or `cascade:<first>><second>`. */
  id: string;
  /** Tasks resolved on attempt 0 (a missing or `infra_error` attempt is not resolved). */
  resolved: number;
  /** Every task of the suite (the leaderboard's denominator). */
  tasks: number;
  /** resolved / tasks; null when tasks = 0. */
  rate: number | null;
  /** Wilson 95% interval of the rate; null when tasks = 0. */
  interval: Interval | null;
  /** Mean list USD per task over attempt 0 (a missing attempt costs 0); null when unknown. */
  usdPerTask: number | null;
}

/** A cascade chosen as the answer, with what it saves against its strong (second) model alone. */
export interface CascadeAnswer extends Judged {
  first: string;
  second: string;
  /** The strong model alone, on the same attempts. */
  strong: Judged;
  /** Fraction of the strong model's USD per task the cascade saves, in (−∞, 1]; null when a cost is unknown or the strong model cost 0. */
  saving: number | null;
  /** cascade rate − strong rate (fraction); null when either is unknown. */
  rateDiff: number | null;
  /** Exact McNemar p of the cascade against the strong model on attempt 0 (one planned comparison, unadjusted). */
  p: number;
}

/** A model whose difference from a chosen one the paired test cannot establish. */
export interface Indistinct {
  id: string;
  /** Holm-adjusted McNemar p over every pair of models (see {@link pairwiseComparisons}). */
  pHolm: number;
}

export interface Answer {
  /** Attempts per task of the run: above 1, the answer's rates are attempt 0's, not the leaderboard's pooled ones. */
  attemptsPerTask: number;
  /** {@link NEAR_BEST_PP}. */
  nearBestPp: number;
  /** Every model-driven contender (reference agents `gold`/`noop` never), judged on attempt 0. */
  models: Judged[];
  /** On the Pareto frontier of priced models (USD > 0), the one with the most resolved tasks per dollar (rate / USD). */
  bestValue: Judged | null;
  /** Highest rate among models (ties: cheaper, then id); its USD may be unknown. */
  mostAccurate: Judged | null;
  /** Cheapest priced model whose rate is within {@link NEAR_BEST_PP} of the most accurate; may be the most accurate itself. */
  cheapestNearBest: Judged | null;
  /** Models whose difference from the most accurate is not significant (Holm-adjusted p > α), best rate first. */
  tiedWithBest: Indistinct[];
  /** Holm-adjusted p of best value vs most accurate, when they differ. */
  valueVsBestP: number | null;
  /** Holm-adjusted p of cheapest-near-best vs most accurate, when they differ. */
  nearVsBestP: number | null;
  /**
   * Of the cascades no single model dominates (cheaper and no worse), the highest rate (ties:
   * cheaper); null when none beats picking one model at its price, or fewer than two priced models.
   */
  bestCascade: CascadeAnswer | null;
  /** Cascades considered (priced models only). */
  cascadesConsidered: number;
  /** Models left out of value and cascades for want of a price. */
  unpriced: string[];
}

function judgeModel(matrix: ResultMatrix, ci: number): Judged {
  const tasks = matrix.tasks.length;
  let resolved = 0;
  let usd: number | null = 0;
  for (const attempts of matrix.cells[ci] ?? []) {
    const cell = attempts[0] ?? null;
    if (cell?.resolved) resolved += 1;
    if (cell !== null) usd = usd === null || cell.listUsd === null ? null : usd + cell.listUsd;
  }
  return judged(matrix.contenders[ci]!.id, resolved, tasks, usd);
}

function judged(id: string, resolved: number, tasks: number, usd: number | null): Judged {
  return {
    id,
    resolved,
    tasks,
    rate: tasks > 0 ? resolved / tasks : null,
    interval: wilsonInterval(resolved, tasks),
    usdPerTask: usd === null || tasks === 0 ? null : usd / tasks,
  };
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const cost = (j: Judged): number => j.usdPerTask ?? Number.POSITIVE_INFINITY;
/** A known price, 0 (free) included: only an unknown one (`usdPerTask` null) leaves a model out of value and cascades. */
const priced = (j: Judged): j is Judged & { usdPerTask: number; rate: number } => j.usdPerTask !== null && j.rate !== null;

/** Analyses {@link answer} can reuse instead of computing them again (see src/analysis/run.ts). */
export interface AnswerInputs {
  /** {@link pairwiseComparisons} over exactly the model-driven contenders, in matrix order. */
  pairs?: readonly PairwiseComparison[];
  /** {@link cascades} over a superset of the priced models (those outside are filtered out). */
  cascades?: readonly CascadePoint[];
}

/**
 * The answer of a run's result matrix. Reference agents (cost basis `no_model`) take no part.
 * O(models² × tasks) for the cascades and the pairwise tests, unless `shared` gives them.
 */
export function answer(matrix: ResultMatrix, shared: AnswerInputs = {}): Answer {
  const modelIdx = matrix.contenders.flatMap((c, ci) => (c.costBasis === 'no_model' ? [] : [ci]));
  const models = modelIdx.map((ci) => judgeModel(matrix, ci));
  const pricedModels = models.filter(priced);
  const unpriced = models.filter((m) => !priced(m)).map((m) => m.id);

  const mostAccurate = [...models].filter((m) => m.rate !== null).sort((a, b) => b.rate! - a.rate! || cost(a) - cost(b) || byId(a, b))[0] ?? null;

  const frontier = new Set(paretoFrontier(pricedModels.map((m) => ({ id: m.id, usd: m.usdPerTask, rate: m.rate }))));
  // tasks per dollar; a free model that resolves any is worth more than every paid one (Infinity), one that resolves none 0
  const perUsd = (m: { rate: number; usdPerTask: number }): number => (m.usdPerTask === 0 ? (m.rate > 0 ? Number.POSITIVE_INFINITY : 0) : m.rate / m.usdPerTask);
  const moreValue = (a: { rate: number; usdPerTask: number }, b: { rate: number; usdPerTask: number }): number => (perUsd(a) === perUsd(b) ? 0 : perUsd(b) > perUsd(a) ? 1 : -1);
  const bestValue = pricedModels.filter((m) => frontier.has(m.id)).sort((a, b) => moreValue(a, b) || b.rate - a.rate || byId(a, b))[0] ?? null;

  const near = mostAccurate?.rate == null ? [] : pricedModels.filter((m) => m.rate >= mostAccurate.rate! - NEAR_BEST_PP - 1e-12);
  const cheapestNearBest = near.sort((a, b) => a.usdPerTask - b.usdPerTask || b.rate - a.rate || byId(a, b))[0] ?? null;

  const ids = modelIdx.map((ci) => matrix.contenders[ci]!.id);
  const pairs = ids.length < 2 ? [] : (shared.pairs ?? pairwiseComparisons(matrix, ids));
  const pHolm = (x: string, y: string): number | null => pairs.find((p) => (p.a === x && p.b === y) || (p.a === y && p.b === x))?.pHolm ?? null;
  const tiedWithBest: Indistinct[] =
    mostAccurate === null
      ? []
      : models
          .filter((m) => m.id !== mostAccurate.id)
          .map((m) => ({ m, p: pHolm(mostAccurate.id, m.id) }))
          .filter((x): x is { m: Judged; p: number } => x.p !== null && x.p > ANSWER_ALPHA)
          .sort((a, b) => (b.m.rate ?? -1) - (a.m.rate ?? -1) || byId(a.m, b.m))
          .map((x) => ({ id: x.m.id, pHolm: x.p }));
  const versusBest = (j: Judged | null): number | null => (j === null || mostAccurate === null || j.id === mostAccurate.id ? null : pHolm(j.id, mostAccurate.id));

  const pricedIds = pricedModels.map((m) => m.id);
  const inPriced = new Set(pricedIds);
  // A cascade's figures do not depend on the other members: a superset's cascades, filtered, are these.
  const routes = pricedIds.length < 2 ? [] : shared.cascades ? shared.cascades.filter((c) => c.members.every((m) => inPriced.has(m))) : cascades(matrix, { ids: pricedIds });
  const candidates = routes
    .map((r) => ({ r, j: judged(r.id, r.resolved, r.tasks, r.usdPerTask === null ? null : r.usdPerTask * r.tasks) }))
    .filter((x): x is { r: typeof x.r; j: Judged & { usdPerTask: number; rate: number } } => priced(x.j))
    .filter(({ j }) => !pricedModels.some((m) => dominates({ usd: m.usdPerTask, rate: m.rate }, { usd: j.usdPerTask, rate: j.rate })))
    .sort((a, b) => b.j.rate - a.j.rate || a.j.usdPerTask - b.j.usdPerTask || byId(a.j, b.j));
  let bestCascade: CascadeAnswer | null = null;
  const top = candidates[0];
  if (top) {
    const [firstId, secondId] = top.r.members as [string, string];
    const [fi, si] = contenderIndices(matrix, [firstId, secondId]) as [number, number];
    const strong = models.find((m) => m.id === secondId)!;
    const strongFirsts = firstAttempts(matrix, si).map((x) => x === true);
    const t = pairTable(runCascade(matrix, fi, si).byTask, strongFirsts);
    bestCascade = {
      ...top.j,
      first: firstId,
      second: secondId,
      strong,
      saving: strong.usdPerTask !== null && strong.usdPerTask > 0 ? 1 - top.j.usdPerTask / strong.usdPerTask : null,
      rateDiff: strong.rate === null ? null : top.j.rate - strong.rate,
      p: mcnemarExact(t.onlyA, t.onlyB),
    };
  }

  return {
    attemptsPerTask: matrix.attemptsPerTask,
    nearBestPp: NEAR_BEST_PP,
    models,
    bestValue,
    mostAccurate,
    cheapestNearBest,
    tiedWithBest,
    valueVsBestP: versusBest(bestValue),
    nearVsBestP: versusBest(cheapestNearBest),
    bestCascade,
    cascadesConsidered: routes.length,
    unpriced,
  };
}
