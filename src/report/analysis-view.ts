// The report's analysis sections (DESIGN.md §8–9), as display-ready view models: routing (oracle and
// cascades), pass@k / pass^k, pairwise McNemar, Bradley–Terry ratings, budget curves, results by
// region, outcome breakdown, cost and context per step. Pure: numbers in, formatted strings out.
import { FAILURE_OUTCOMES, type ContenderSummary } from '../analysis/leaderboard.ts';
import { bradleyTerry } from '../analysis/bradley-terry.ts';
import { stepBudgetCurves, usdBudgetCurves, type BudgetCurves } from '../analysis/budget.ts';
import { passKByContender } from '../analysis/passk.ts';
import type { RunAnalysis } from '../analysis/run.ts';
import type { ChartPoint, LinePoint } from './chart.ts';
import { formatInt, formatPct, formatTokens, formatUsd, type Field } from './format.ts';
import { formatPp, routingView, type RoutingView } from './routing-view.ts';

export { formatPp } from './routing-view.ts';

/** Significance level of the pairwise table (after Holm's adjustment). */
export const ALPHA = 0.05;

export interface PairRow {
  a: string;
  b: string;
  tasks: string;
  diff: string;
  onlyA: string;
  onlyB: string;
  p: string;
  pHolm: string;
  significant: boolean;
  sort: { diff: string; p: string };
}

export interface RatingRow {
  rank: number;
  id: string;
  rating: string;
  wins: string;
  losses: string;
  ties: string;
  /** Raw numbers of the sortable columns (the shown ones carry thousands separators). */
  sort: { rating: string; wins: string; losses: string; ties: string };
}

export interface RegionRow {
  region: string;
  models: string;
  best: string;
  bestRate: string;
  cheapestUsd: string;
  frontier: string;
}

export interface OutcomeRow {
  id: string;
  counts: string[];
  failures: string;
  infraErrors: string;
  missing: string;
}

export interface StepRow {
  id: string;
  meanSteps: string;
  usdPerStep: string;
  /** Mean prompt tokens per model call, from the records (no trajectory needed). */
  promptPerCall: string;
  /** From trajectories: mean prompt tokens at the first and last step, and the largest seen. */
  contextFirst: string;
  contextLast: string;
  contextMax: string;
  trajectories: string;
}

/** Per-step numbers of one trajectory, from its file (context = prompt tokens of that step's call). */
export interface StepSeries {
  contextTokens: number[];
  /** USD of each step's call at list price; null = unknown. */
  stepUsd: Array<number | null>;
}

export interface AnalysisView {
  /** Oracle, cascades, the oracle's gap and the cascade picker (src/report/routing-view.ts). */
  routing: RoutingView;
  passK: { ks: number[]; rows: Array<{ id: string; cells: Field[] }> } | null;
  pairwise: { rows: PairRow[]; significant: number; pairs: number };
  ratings: RatingRow[];
  budget: { usd: LinePoint[]; steps: LinePoint[] };
  regions: RegionRow[];
  outcomes: { columns: string[]; rows: OutcomeRow[] };
  steps: { rows: StepRow[]; context: LinePoint[] };
}

const key = (n: number | null): string => (n === null || !Number.isFinite(n) ? '' : String(n));

/** A p-value for a reader: "<0.0001", else three significant digits. */
export function formatP(p: number): string {
  if (p < 0.0001) return '<0.0001';
  return p >= 0.1 ? p.toFixed(2) : p.toPrecision(2);
}

function budgetPoints(curves: BudgetCurves, ids: ReadonlySet<string>): LinePoint[] {
  return curves.curves.flatMap((c) => (ids.has(c.id) && c.atGrid ? c.atGrid.map((p) => ({ series: c.id, x: p.cap, y: p.rate * 100 })) : []));
}

/**
 * The analysis sections of a report, from the run's one {@link RunAnalysis} (its ranked summaries
 * give the display order). `models` are the chart's plotted contenders (for "beats single models");
 * `trajectories` the per-step series read from the run's trajectory files, by contender id (empty
 * when the run has none).
 */
export function buildAnalysisView(
  analysis: RunAnalysis,
  models: readonly ChartPoint[],
  trajectories: ReadonlyMap<string, readonly StepSeries[]> = new Map(),
): AnalysisView {
  const { matrix, ranked } = analysis;
  const modelIds = ranked.filter((s) => s.costBasis !== 'no_model').map((s) => s.id);
  const inMatrixOrder = matrix.contenders.map((c) => c.id).filter((id) => modelIds.includes(id));

  let passK: AnalysisView['passK'] = null;
  if (matrix.attemptsPerTask > 1) {
    const ks = Array.from({ length: matrix.attemptsPerTask }, (_, i) => i + 1);
    const byK = ks.map((k) => new Map(passKByContender(matrix, k).map((r) => [r.id, r])));
    passK = {
      ks,
      rows: ranked.map((s) => ({
        id: s.id,
        cells: ks.map((_k, i) => {
          const r = byK[i]!.get(s.id);
          return { label: formatPct(r?.passAtK ?? null), value: formatPct(r?.passHatK ?? null) };
        }),
      })),
    };
  }

  const pairRows = analysis.pairs
    .map((c): PairRow => ({
      a: c.a,
      b: c.b,
      tasks: formatInt(c.tasks),
      diff: formatPp(c.diff),
      onlyA: formatInt(c.onlyA),
      onlyB: formatInt(c.onlyB),
      p: formatP(c.p),
      pHolm: formatP(c.pHolm),
      significant: c.pHolm <= ALPHA,
      sort: { diff: key(c.diff), p: key(c.pHolm) },
    }))
    .sort((x, y) => Number(x.sort.p) - Number(y.sort.p) || Math.abs(Number(y.sort.diff)) - Math.abs(Number(x.sort.diff)));

  const ratings = inMatrixOrder.length >= 2
    ? bradleyTerry(matrix, { ids: inMatrixOrder }).ratings.map((r, i) => ({
        rank: i + 1,
        id: r.id,
        rating: r.rating.toFixed(0),
        wins: formatInt(r.wins),
        losses: formatInt(r.losses),
        ties: formatInt(r.ties),
        sort: { rating: key(r.rating), wins: key(r.wins), losses: key(r.losses), ties: key(r.ties) },
      }))
    : [];

  const budgetIds = new Set(modelIds);
  const usdCurves = usdBudgetCurves(matrix);
  const stepCurves = stepBudgetCurves(matrix);

  const byRegion = new Map<string, ContenderSummary[]>();
  for (const s of ranked) if (s.costBasis !== 'no_model') byRegion.set(s.region ?? 'unknown region', [...(byRegion.get(s.region ?? 'unknown region') ?? []), s]);
  const frontierIds = new Set(models.filter((m) => m.onFrontier).map((m) => m.id));
  const regions = [...byRegion.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([region, list]): RegionRow => {
      const best = list[0]!; // ranked order: best rate first
      const priced = list.filter((s) => s.meanUsdPerTask !== null); // a price of 0 is known: free, shown as $0
      const cheapest = priced.length ? Math.min(...priced.map((s) => s.meanUsdPerTask as number)) : null;
      return {
        region,
        models: formatInt(list.length),
        best: best.id,
        bestRate: formatPct(best.resolvedRate),
        cheapestUsd: formatUsd(cheapest),
        frontier: list.filter((s) => frontierIds.has(s.id)).map((s) => s.id).join(', ') || '—',
      };
    });

  const outcomeColumns = [...FAILURE_OUTCOMES];
  const outcomes = {
    columns: outcomeColumns,
    rows: ranked.map((s): OutcomeRow => ({
      id: s.id,
      counts: outcomeColumns.map((o) => formatInt(s.outcomes[o])),
      failures: formatInt(s.failures),
      infraErrors: formatInt(s.infraErrors),
      missing: formatInt(s.missing),
    })),
  };

  const context: LinePoint[] = [];
  const stepRows = ranked
    .filter((s) => s.costBasis !== 'no_model')
    .map((s): StepRow => {
      const series = trajectories.get(s.id) ?? [];
      const longest = Math.max(0, ...series.map((t) => t.contextTokens.length));
      for (let i = 0; i < longest; i++) {
        const at = series.filter((t) => t.contextTokens.length > i).map((t) => t.contextTokens[i]!);
        if (at.length) context.push({ series: s.id, x: i + 1, y: at.reduce((a, b) => a + b, 0) / at.length });
      }
      const firsts = series.filter((t) => t.contextTokens.length).map((t) => t.contextTokens[0]!);
      const lasts = series.filter((t) => t.contextTokens.length).map((t) => t.contextTokens[t.contextTokens.length - 1]!);
      const mean = (xs: number[]): string => (xs.length ? formatTokens(xs.reduce((a, b) => a + b, 0) / xs.length) : '—');
      const max = series.length ? Math.max(0, ...series.flatMap((t) => t.contextTokens)) : null;
      return {
        id: s.id,
        meanSteps: s.recorded ? (s.steps / s.recorded).toFixed(1) : '—',
        usdPerStep: s.totalUsd !== null && s.steps > 0 ? formatUsd(s.totalUsd / s.steps) : s.steps > 0 ? 'unknown' : '—',
        promptPerCall: s.meanPromptTokensPerCall === null ? '—' : formatTokens(s.meanPromptTokensPerCall),
        contextFirst: mean(firsts),
        contextLast: mean(lasts),
        contextMax: max === null ? '—' : formatTokens(max),
        trajectories: formatInt(series.length),
      };
    });

  return {
    routing: routingView(analysis, models),
    passK,
    pairwise: { rows: pairRows, significant: pairRows.filter((r) => r.significant).length, pairs: pairRows.length },
    ratings,
    budget: { usd: budgetPoints(usdCurves, budgetIds), steps: budgetPoints(stepCurves, budgetIds) },
    regions,
    outcomes,
    steps: { rows: stepRows, context },
  };
}
