// The routing section's view model (DESIGN.md §8): the oracle router and the two-model cascades as
// chart points and table rows sorted by value, the oracle's gap, and the cascade picker (cheapest
// cascade reaching a target rate, most accurate within a budget per task) whose defaults are
// computed here and whose live answers the page's script computes by the same rule
// ({@link cheapestReaching}, {@link bestWithinBudget}). Pure.
import { dominates, paretoFrontier } from '../analysis/pareto.ts';
import { bestWithinBudget, cheapestReaching, type CascadePoint, type OracleRouter } from '../analysis/routing.ts';
import type { RunAnalysis } from '../analysis/run.ts';
import type { CascadeFigures, LiveCascade } from '../analysis/cascade-live.ts';
import { wilsonInterval } from '../analysis/wilson.ts';
import type { ChartPoint, RoutingChartPoint } from './chart.ts';
import { formatInt, formatPct, formatUsd } from './format.ts';

/** Most routing labels drawn on the chart (the oracle and the best cascades); the table lists all. */
export const MAX_ROUTING_LABELS = 6;
/** Rows of the routing table shown before its toggle (in the table's current order; the oracle and the best cascades by value at first). */
export const ROUTING_ROWS_SHOWN = 10;

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
  /** Raw numbers as strings ("" = unknown): rate as a fraction, USD per task, rate ÷ USD. The page's script reads `rate` and `usd`. */
  sort: { rate: string; usd: string; value: string };
}

/** The picker's inputs and its answers at their defaults (what the page shows without JavaScript). */
export interface RoutePicker {
  /** Default target, percent resolved as typed in the input ("75.0"): the most accurate model's rate. */
  target: string;
  /** Default budget, USD per task as typed ("0.05"): half the most accurate model's USD per task. */
  budget: string;
  /** The model the defaults come from, and its figures ("dear, 75.0% at $0.10 per task"). */
  reference: string;
  targetSentence: string;
  budgetSentence: string;
}

export interface RoutingView {
  points: RoutingChartPoint[];
  /** The oracle first, then cascades by value (resolved per dollar), unknown cost last. */
  rows: RoutingRow[];
  /** Rows shown before the table's toggle ({@link ROUTING_ROWS_SHOWN}; style.hbs hides from row `ROUTING_ROWS_SHOWN + 1` on) and rows behind it. */
  shownRows: number;
  hiddenRows: number;
  note: string | null;
  /** Plain sentences a reader can act on: the oracle's gap over the best single model. */
  findings: string[];
  /** Null when no cascade has a known rate and price, or no model is plotted. */
  picker: RoutePicker | null;
  /** Live cascade contenders (`run --cascade`), each beside its simulation from the same run: the simulation checked by the measurement. */
  live: LiveCascadeRow[];
}

/** One live cascade beside its simulation, display-ready. */
export interface LiveCascadeRow {
  id: string;
  label: string;
  /** "visible check, fresh workspace". */
  settings: string;
  live: FiguresRow;
  /** Null when a stage model was not run alone (`note` says which). */
  simulated: FiguresRow | null;
  /** "agree on 9 of 10 tasks", or why there is no simulation. */
  note: string;
}

/** A cascade's figures as shown: "7/10", "70.0%", "39.7–89.2%", "$0.0123", "4 of 10". */
export interface FiguresRow {
  resolved: string;
  resolvedPct: string;
  interval: string;
  usdPerTask: string;
  escalated: string;
}

const figuresRow = (f: CascadeFigures): FiguresRow => ({
  resolved: `${f.resolved}/${f.graded}${f.infraErrors ? ` (${f.infraErrors} infra error${f.infraErrors > 1 ? 's' : ''})` : ''}`,
  resolvedPct: formatPct(f.rate),
  interval: f.interval ? `${(f.interval.low * 100).toFixed(1)}–${(f.interval.high * 100).toFixed(1)}%` : '—',
  usdPerTask: formatUsd(f.usdPerTask),
  escalated: `${formatInt(f.escalated)} of ${formatInt(f.tasks)}`,
});

/** The live cascades' rows (empty when the run has none). */
export function liveCascadeRows(live: readonly LiveCascade[]): LiveCascadeRow[] {
  return live.map((c) => ({
    id: c.id,
    label: c.label,
    settings: `${c.signal === 'visible' ? 'visible check' : 'submitted patch'}, ${c.mode === 'fresh' ? 'fresh workspace' : 'continued workspace'}`,
    live: figuresRow(c.live),
    simulated: c.simulated ? figuresRow(c.simulated) : null,
    note: c.simulated
      ? c.agreement && c.agreement.tasks > 0 ? `live and simulated agree on ${c.agreement.same} of ${c.agreement.tasks} task(s) graded in both` : 'no task graded in both'
      : `not simulated: ${c.missing.join(', ')} did not run alone in this run (add --models ${c.stages.join(',')})`,
  }));
}

const key = (n: number | null): string => (n === null || !Number.isFinite(n) ? '' : String(n));

/** Difference of two proportions in percentage points, signed ("+12.5 pp", "−3.0 pp"). */
export function formatPp(d: number | null): string {
  if (d === null) return '—';
  const v = (d * 100).toFixed(1);
  return d > 0 ? `+${v} pp` : d < 0 ? `−${v.slice(1)} pp` : `0.0 pp`;
}

/** A row's figures as the picker's sentences print them. */
type Shown = Pick<RoutingRow, 'label' | 'resolvedPct' | 'usdPerTask'>;

/** The picker's target answer; `typed` is the input's text (percent). The page's script writes the same words. */
export function targetSentence(typed: string, pick: Shown | null): string {
  return pick ? `Target ${typed}% resolved: the cheapest cascade reaching it is ${pick.label}, ${pick.resolvedPct} at ${pick.usdPerTask} per task.` : `Target ${typed}% resolved: no cascade reaches it.`;
}

/** The picker's budget answer; `typed` is the input's text (USD per task). The page's script writes the same words. */
export function budgetSentence(typed: string, pick: Shown | null): string {
  return pick ? `Budget $${typed} per task: the most accurate cascade within it is ${pick.label}, ${pick.resolvedPct} at ${pick.usdPerTask} per task.` : `Budget $${typed} per task: no cascade fits.`;
}

/** The cascades of `rows` the picker chooses among (known rate and USD per task above 0), with their numbers, as the page's script reads them. */
export function pickable(rows: readonly RoutingRow[]): Array<{ label: string; rate: number; usdPerTask: number; row: RoutingRow }> {
  return rows.flatMap((row) => (row.kind === 'cascade' && row.sort.rate !== '' && row.sort.usd !== '' && Number(row.sort.usd) > 0 ? [{ label: row.label, rate: Number(row.sort.rate), usdPerTask: Number(row.sort.usd), row }] : []));
}

/** The picker's answers for typed inputs (percent resolved, USD per task), by the rule the page's script applies. */
export function pickRoutes(rows: readonly RoutingRow[], typedTarget: string, typedBudget: string): { target: string; budget: string } {
  const strategies = pickable(rows);
  return {
    target: targetSentence(typedTarget, cheapestReaching(strategies, Number(typedTarget) / 100)?.row ?? null),
    budget: budgetSentence(typedBudget, bestWithinBudget(strategies, Number(typedBudget))?.row ?? null),
  };
}

const typedUsd = (usd: number): string => String(Number(usd.toPrecision(2)));

/**
 * The routing section from the run's analysis. `models` are the chart's plotted contenders (for
 * "beats single models" and the combined frontier that picks the labelled cascades).
 */
export function routingView(analysis: Pick<RunAnalysis, 'routing'> & Partial<Pick<RunAnalysis, 'liveCascades'>>, models: readonly ChartPoint[]): RoutingView {
  const live = liveCascadeRows(analysis.liveCascades ?? []);
  if (analysis.routing === null) {
    return { points: [], rows: [], shownRows: 0, hiddenRows: 0, note: 'Routing needs at least two models with known prices.', findings: [], picker: null, live };
  }
  const all: Array<OracleRouter | CascadePoint> = [analysis.routing.oracle, ...analysis.routing.cascades];
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
    .sort((a, b) => (a.kind === b.kind ? Number(b.sort.value || -1) - Number(a.sort.value || -1) || Number(b.sort.rate || -1) - Number(a.sort.rate || -1) : a.kind === 'oracle' ? -1 : 1));

  const best = [...models].sort((a, b) => b.ratePct - a.ratePct || a.usd - b.usd)[0];
  const oracle = plottable.find((p) => p.kind === 'oracle');
  const findings = best && oracle
    ? [`Oracle gap: the oracle router resolves ${formatPct(oracle.rate)} at ${formatUsd(oracle.usdPerTask)} per task, ${formatPp(oracle.rate - best.ratePct / 100)} over the best single model (${best.id}, ${best.ratePct.toFixed(1)}%): the most any router choosing among these models could gain.`]
    : [];
  let picker: RoutePicker | null = null;
  if (best && pickable(rows).length > 0) {
    const target = best.ratePct.toFixed(1);
    const budget = typedUsd(best.usd / 2);
    const picked = pickRoutes(rows, target, budget);
    picker = { target, budget, reference: `${best.id}, ${best.ratePct.toFixed(1)}% at ${formatUsd(best.usd)} per task`, targetSentence: picked.target, budgetSentence: picked.budget };
  }
  return { points, rows, shownRows: Math.min(rows.length, ROUTING_ROWS_SHOWN), hiddenRows: Math.max(0, rows.length - ROUTING_ROWS_SHOWN), note: null, findings, picker, live };
}
