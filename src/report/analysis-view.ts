// The report's analysis sections (DESIGN.md §8–9), as display-ready view models: routing (oracle and
// cascades), pass@k / pass^k, pairwise McNemar, Bradley–Terry ratings, budget curves, results by
// region, outcome breakdown, cost and context per step. Pure: numbers in, formatted strings out.
import { FAILURE_OUTCOMES, type ContenderSummary } from '../analysis/leaderboard.ts';
import { bradleyTerry } from '../analysis/bradley-terry.ts';
import { stepBudgetCurves, usdBudgetCurves, type BudgetCurves } from '../analysis/budget.ts';
import type { ResultMatrix } from '../analysis/matrix.ts';
import { pairwiseComparisons } from '../analysis/mcnemar.ts';
import { dominates, paretoFrontier } from '../analysis/pareto.ts';
import { passKByContender } from '../analysis/passk.ts';
import { wilsonInterval } from '../analysis/wilson.ts';
import { cascades, oracleRouter, type CascadePoint, type OracleRouter } from '../analysis/routing.ts';
import type { ChartPoint, LinePoint, RoutingChartPoint } from './chart.ts';
import { formatInt, formatPct, formatTokens, formatUsd } from './format.ts';
import type { Field } from './view-model.ts';

/** Most routing labels drawn on the chart (the oracle and the best cascades); the table lists all. */
export const MAX_ROUTING_LABELS = 6;
/** Significance level of the pairwise table (after Holm's adjustment). */
export const ALPHA = 0.05;

export interface RoutingRow {
  label: string;
  kind: 'oracle' | 'cascade';
  resolved: string;
  resolvedPct: string;
  /** Wilson 95% interval of the rate, e.g. "40.9–92.9%". */
  interval: string;
  usdPerTask: string;
  /** Tasks resolved per dollar (rate ÷ USD per task), the value the table is sorted by; "—" when unknown. */
  perUsd: string;
  /** Tasks escalated to the second model (cascades), "—" for the oracle. */
  escalated: string;
  /** Not dominated by any single model on the chart: the combination beats choosing one model at its price. */
  beatsModels: boolean;
  sort: { rate: string; usd: string; value: string };
}

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
  /** `findings`: plain sentences a reader can act on (the oracle's gap, the cheapest cascade reaching a target, the best within a budget). */
  routing: { points: RoutingChartPoint[]; rows: RoutingRow[]; note: string | null; findings: string[] };
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

/** Difference of two proportions in percentage points, signed ("+12.5 pp", "−3.0 pp"). */
export function formatPp(d: number | null): string {
  if (d === null) return '—';
  const v = (d * 100).toFixed(1);
  return d > 0 ? `+${v} pp` : d < 0 ? `−${v.slice(1)} pp` : `0.0 pp`;
}

function routingView(matrix: ResultMatrix, models: readonly ChartPoint[]): AnalysisView['routing'] {
  const priced = matrix.contenders.filter((c) => c.costBasis === 'list_price').map((c) => c.id);
  if (priced.length < 2) {
    return { points: [], rows: [], note: 'Routing needs at least two models with known prices.', findings: [] };
  }
  const all: Array<OracleRouter | CascadePoint> = [oracleRouter(matrix, { ids: priced }), ...cascades(matrix, { ids: priced })];
  const plottable = all.filter((r): r is (OracleRouter | CascadePoint) & { usdPerTask: number; rate: number } => r.usdPerTask !== null && r.usdPerTask > 0 && r.rate !== null);
  const beats = (r: { usdPerTask: number; rate: number }): boolean => !models.some((m) => dominates({ usd: m.usd, rate: m.ratePct / 100 }, { usd: r.usdPerTask, rate: r.rate }));
  // Shown and labelled: the oracle, then the best few cascades by value (resolved per dollar) among
  // those on the combined frontier of models and cascades; the rest sit behind the page's toggle.
  const frontier = new Set(paretoFrontier([...models.map((m) => ({ id: `model:${m.id}`, usd: m.usd, rate: m.ratePct / 100 })), ...plottable.filter((r) => r.kind === 'cascade').map((r) => ({ id: r.id, usd: r.usdPerTask, rate: r.rate }))]));
  const labelled = new Set(
    plottable
      .filter((r) => r.kind === 'oracle' || frontier.has(r.id))
      .sort((a, b) => (a.kind === 'oracle' ? -1 : b.kind === 'oracle' ? 1 : b.rate / b.usdPerTask - a.rate / a.usdPerTask))
      .slice(0, MAX_ROUTING_LABELS)
      .map((r) => r.id),
  );
  const points = plottable.map((r) => ({ id: r.id, label: labelled.has(r.id) ? r.label : '', kind: r.kind, usd: r.usdPerTask, ratePct: r.rate * 100, top: labelled.has(r.id) }));
  const rows = all
    .map((r): RoutingRow => ({
      label: r.label,
      kind: r.kind,
      resolved: `${r.resolved}/${r.tasks}`,
      resolvedPct: formatPct(r.rate),
      interval: ((iv) => (iv ? `${(iv.low * 100).toFixed(1)}–${(iv.high * 100).toFixed(1)}%` : '—'))(wilsonInterval(r.resolved, r.tasks)),
      usdPerTask: formatUsd(r.usdPerTask),
      perUsd: r.rate !== null && r.usdPerTask ? (r.rate / r.usdPerTask).toFixed(1) : '—',
      escalated: r.kind === 'cascade' ? `${formatInt(r.escalated)} of ${formatInt(r.tasks)}` : '—',
      beatsModels: r.usdPerTask !== null && r.rate !== null && beats({ usdPerTask: r.usdPerTask, rate: r.rate }),
      sort: { rate: key(r.rate), usd: key(r.usdPerTask), value: key(r.rate !== null && r.usdPerTask ? r.rate / r.usdPerTask : null) },
    }))
    // The oracle first, then cascades by value (resolved per dollar), unknown cost last.
    .sort((a, b) => (a.kind === b.kind ? Number(b.sort.value || -1) - Number(a.sort.value || -1) || Number(b.sort.rate || -1) - Number(a.sort.rate || -1) : a.kind === 'oracle' ? -1 : 1));
  return { points, rows, note: null, findings: routingFindings(plottable, models) };
}

/**
 * What a reader can act on: the oracle's gap over the best single model (no router can do better);
 * the cheapest cascade that reaches the most accurate model's rate (a target); the most accurate
 * cascade within half that model's USD per task (a budget).
 */
function routingFindings(points: ReadonlyArray<(OracleRouter | CascadePoint) & { usdPerTask: number; rate: number }>, models: readonly ChartPoint[]): string[] {
  const best = [...models].sort((a, b) => b.ratePct - a.ratePct || a.usd - b.usd)[0];
  if (!best) return [];
  const out: string[] = [];
  const oracle = points.find((p) => p.kind === 'oracle');
  if (oracle) out.push(`Oracle gap: the oracle router resolves ${formatPct(oracle.rate)} at ${formatUsd(oracle.usdPerTask)} per task, ${formatPp(oracle.rate - best.ratePct / 100)} over the best single model (${best.id}, ${best.ratePct.toFixed(1)}%): the most any router choosing among these models could gain.`);
  const cascadesOnly = points.filter((p) => p.kind === 'cascade');
  const target = best.ratePct / 100 - 1e-12;
  const reach = cascadesOnly.filter((c) => c.rate >= target).sort((a, b) => a.usdPerTask - b.usdPerTask)[0];
  out.push(reach
    ? `Target ${best.ratePct.toFixed(1)}% (${best.id}'s rate): the cheapest cascade reaching it is ${reach.label}, ${formatPct(reach.rate)} at ${formatUsd(reach.usdPerTask)} per task against ${formatUsd(best.usd)} for ${best.id} alone.`
    : `Target ${best.ratePct.toFixed(1)}% (${best.id}'s rate): no cascade reaches it.`);
  const budget = best.usd / 2;
  const within = cascadesOnly.filter((c) => c.usdPerTask <= budget).sort((a, b) => b.rate - a.rate || a.usdPerTask - b.usdPerTask)[0];
  out.push(within
    ? `Budget ${formatUsd(budget)} per task (half of ${best.id}'s): the most accurate cascade within it is ${within.label}, ${formatPct(within.rate)} at ${formatUsd(within.usdPerTask)}.`
    : `Budget ${formatUsd(budget)} per task (half of ${best.id}'s): no cascade fits.`);
  return out;
}

function budgetPoints(curves: BudgetCurves, ids: ReadonlySet<string>): LinePoint[] {
  return curves.curves.flatMap((c) => (ids.has(c.id) && c.atGrid ? c.atGrid.map((p) => ({ series: c.id, x: p.cap, y: p.rate * 100 })) : []));
}

/**
 * The analysis sections of a report. `ranked` gives the display order; `models` are the chart's
 * plotted contenders (for "beats every model"); `trajectories` the per-step series read from the
 * run's trajectory files, by contender id (empty when the run has none).
 */
export function buildAnalysisView(
  matrix: ResultMatrix,
  ranked: readonly ContenderSummary[],
  models: readonly ChartPoint[],
  trajectories: ReadonlyMap<string, readonly StepSeries[]> = new Map(),
): AnalysisView {
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
        cells: ks.map((k, i) => {
          const r = byK[i]!.get(s.id);
          return { label: formatPct(r?.passAtK ?? null), value: formatPct(r?.passHatK ?? null) };
        }),
      })),
    };
  }

  const comparisons = inMatrixOrder.length >= 2 ? pairwiseComparisons(matrix, inMatrixOrder) : [];
  const pairRows = comparisons
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
      const priced = list.filter((s) => s.meanUsdPerTask !== null && s.meanUsdPerTask > 0);
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
    routing: routingView(matrix, models),
    passK,
    pairwise: { rows: pairRows, significant: pairRows.filter((r) => r.significant).length, pairs: pairRows.length },
    ratings,
    budget: { usd: budgetPoints(usdCurves, budgetIds), steps: budgetPoints(stepCurves, budgetIds) },
    regions,
    outcomes,
    steps: { rows: stepRows, context },
  };
}
