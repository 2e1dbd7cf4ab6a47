// The leaderboard's view model (DESIGN.md §9): one row per contender, formatted for display, and the
// price-versus-accuracy chart's points with the Pareto frontier among them. Pure: summaries in,
// plain strings out (escaping is the templates' job).
import { FAILURE_OUTCOMES, gradedNote, type ContenderSummary } from '../analysis/leaderboard.ts';
import { dominates, paretoFrontier } from '../analysis/pareto.ts';
import type { Contender } from '../store/records.ts';
import type { ChartPoint } from './chart.ts';
import type { Field } from './format.ts';
import { publishedFor, type PublishedScore } from './published.ts';
import { formatInt, formatMs, formatPct, formatTokens, formatUsd } from './format.ts';

/** A contender left off the log-USD chart, with why. */
export interface NotPlotted {
  id: string;
  reason: 'price unknown' | 'no model cost' | 'zero cost recorded' | 'no attempts recorded' | 'no tasks';
}

export interface LeaderboardRow {
  /** Attempts whose patch edited test files (restored before grading). */
  testFileEdits: number;
  /** Attempts whose patch edited protected files (dropped before grading), and the paths summed. */
  protectedEdits: { attempts: number; paths: number };
  /** The rate's denominator and what left it: "15 graded, 1 infra error". */
  gradedNote: string;
  /** Attempts with a test that disagreed across re-runs. */
  flakyAttempts: number; tampered: number; unprotected: number;
  rank: number;
  id: string;
  /** Display name from the models file, when it differs from the id. */
  name: string | null;
  agent: string;
  vendor: string;
  region: string;
  /** "k/n", e.g. "3/10". */
  resolved: string;
  resolvedPct: string;
  /** Wilson 95% interval, e.g. "10.8–60.3%"; "—" when there are no trials. */
  interval: string;
  usdPerTask: string;
  /** Median USD of an attempt (mean ≠ median when a few attempts run long), "—" when unknown or none. */
  medianUsdPerTask: string;
  usdPerResolved: string;
  totalUsd: string;
  /** Why a USD cell says what it says ("price unknown", "no model calls"), or null. */
  costNote: string | null;
  /** The total USD is unknown (shown as "unknown", styled apart). */
  costUnknown: boolean;
  /** A reference agent without a model (`gold`, `noop`): validates tasks and harness, not a contender to choose. */
  reference: boolean;
  tokensIn: string;
  tokensOut: string;
  tokensCached: string;
  tokensReasoning: string;
  /** Exact counts for the cell's title. */
  tokensExact: string;
  calls: string;
  meanWall: string;
  /** The model's failures, total and non-zero parts ("unresolved 3"). */
  failures: number;
  failureParts: Field[];
  /** Harness or provider faults: re-runnable, not the model's failures. */
  infraErrors: number;
  /** Trials with no record (not run). */
  missing: number;
  onFrontier: boolean;
  /** Plotted contenders that cost no more per task and resolve no less, one strictly better (empty when none or not plotted). */
  dominatedBy: string[];
  /** Share of prompt tokens read from the provider's cache, e.g. "42.0%"; "—" when no prompt tokens. */
  cacheShare: string;
  /** Published reference figures for this model (e.g. "SWE-bench Verified 80.2%"), labelled as published by the template. */
  published: Array<{ text: string; title: string }>;
  /** Raw sort keys of the sortable columns (plain numbers as strings; "" = unknown, sorted last). */
  sort: { rate: string; usdPerTask: string; usdPerResolved: string; totalUsd: string; tokensIn: string; cacheShare: string; calls: string; wall: string; failures: string; errors: string };
}

const dash = (s: string | null): string => (s === null || s === '' ? '—' : s);

/** Why a summary cannot sit on a log-USD axis, or null when it can. */
export function notPlottedReason(s: ContenderSummary): NotPlotted['reason'] | null {
  if (s.trials === 0) return 'no tasks';
  if (s.costBasis === 'no_model') return 'no model cost';
  if (s.recorded === 0) return 'no attempts recorded';
  if (s.meanUsdPerTask === null) return 'price unknown';
  if (!(s.meanUsdPerTask > 0)) return 'zero cost recorded';
  return null;
}

/** Chart points (plottable summaries) and the Pareto frontier among them, ascending cost. */
export function chartPoints(summaries: readonly ContenderSummary[]): { points: ChartPoint[]; frontierIds: string[]; notPlotted: NotPlotted[] } {
  const plottable = summaries.filter((s) => notPlottedReason(s) === null);
  const frontierIds = paretoFrontier(plottable.map((s) => ({ id: s.id, usd: s.meanUsdPerTask, rate: s.resolvedRate })));
  const onFrontier = new Set(frontierIds);
  const points = plottable.map((s) => ({
    id: s.id,
    region: s.region ?? 'unknown region',
    usd: s.meanUsdPerTask as number,
    ratePct: (s.resolvedRate as number) * 100,
    lowPct: (s.resolvedInterval?.low ?? 0) * 100,
    highPct: (s.resolvedInterval?.high ?? 1) * 100,
    onFrontier: onFrontier.has(s.id),
  }));
  const notPlotted = summaries.flatMap((s) => {
    const reason = notPlottedReason(s);
    return reason === null ? [] : [{ id: s.id, reason }];
  });
  return { points, frontierIds, notPlotted };
}

function costNote(s: ContenderSummary): string | null {
  if (s.costBasis === 'no_model') return 'no model calls';
  if (s.costBasis === 'price_unknown') return s.agent === 'predictions' ? 'cost not recorded (graded from a predictions file)' : 'price unknown in the sheet';
  if (s.totalUsd === null) return 'some attempts have no list price';
  return null;
}

const key = (n: number | null): string => (n === null || !Number.isFinite(n) ? '' : String(n));

function leaderboardRow(s: ContenderSummary, rank: number, onFrontier: boolean, dominatedBy: string[], published: PublishedScore[]): LeaderboardRow {
  const iv = s.resolvedInterval;
  const cacheShare = s.cacheHitShare;
  return {
    dominatedBy,
    cacheShare: formatPct(cacheShare),
    published: published.map((p) => ({ text: `${p.benchmark} ${p.score.toFixed(1)}%`, title: `published ${p.date} by ${p.source}${p.note ? `; ${p.note}` : ''}` })),
    sort: {
      rate: key(s.resolvedRate),
      usdPerTask: key(s.meanUsdPerTask),
      usdPerResolved: key(s.usdPerResolved),
      totalUsd: key(s.totalUsd),
      tokensIn: key(s.tokens.input),
      cacheShare: key(cacheShare),
      calls: key(s.calls),
      wall: key(s.meanWallMs),
      failures: key(s.failures),
      errors: key(s.infraErrors + s.missing),
    },
    rank,
    id: s.id,
    name: s.name !== null && s.name !== s.id ? s.name : null,
    agent: s.agent,
    vendor: dash(s.vendor),
    region: dash(s.region),
    resolved: `${s.resolved}/${s.graded}`,
    gradedNote: gradedNote(s),
    protectedEdits: { attempts: s.protectedFileEdits, paths: s.protectedPathsEdited },
    resolvedPct: formatPct(s.resolvedRate),
    interval: iv ? `${(iv.low * 100).toFixed(1)}–${(iv.high * 100).toFixed(1)}%` : '—',
    usdPerTask: s.recorded === 0 ? '—' : formatUsd(s.meanUsdPerTask),
    medianUsdPerTask: s.recorded === 0 || s.medianUsdPerTask === null ? '—' : formatUsd(s.medianUsdPerTask),
    usdPerResolved: s.resolved === 0 && s.totalUsd !== null ? '—' : formatUsd(s.usdPerResolved),
    totalUsd: formatUsd(s.totalUsd),
    costNote: costNote(s),
    costUnknown: s.totalUsd === null,
    reference: s.costBasis === 'no_model',
    tokensIn: formatTokens(s.tokens.input),
    tokensOut: formatTokens(s.tokens.output),
    tokensCached: formatTokens(s.tokens.cached),
    tokensReasoning: formatTokens(s.tokens.reasoning),
    tokensExact: `input ${formatInt(s.tokens.input)} (cache read ${formatInt(s.tokens.cached)}), output ${formatInt(s.tokens.output)} (reasoning ${formatInt(s.tokens.reasoning)})`,
    calls: formatInt(s.calls),
    meanWall: formatMs(s.meanWallMs),
    failures: s.failures,
    failureParts: FAILURE_OUTCOMES.filter((o) => s.outcomes[o] > 0).map((o) => ({ label: o, value: String(s.outcomes[o]) })),
    infraErrors: s.infraErrors,
    missing: s.missing,
    testFileEdits: s.testFileEdits,
    flakyAttempts: s.flakyAttempts, tampered: s.outcomes.tampered, unprotected: s.unprotectedAttempts,
    onFrontier,
  };
}

/**
 * The leaderboard's rows in `ranked` order (rank = position + 1): each with whether it is on the
 * chart's frontier, the plotted contenders that dominate it, and its published reference figures.
 */
export function leaderboardRows(ranked: readonly ContenderSummary[], chart: { points: readonly ChartPoint[]; frontierIds: readonly string[] }, contenders: readonly Contender[], published: readonly PublishedScore[]): LeaderboardRow[] {
  const onFrontier = new Set(chart.frontierIds);
  const plotted = new Map(chart.points.map((p) => [p.id, { usd: p.usd, rate: p.ratePct }]));
  const dominatedBy = (id: string): string[] => {
    const me = plotted.get(id);
    if (!me) return [];
    return chart.points.filter((q) => dominates({ usd: q.usd, rate: q.ratePct }, me)).map((q) => q.id);
  };
  const contenderOf = new Map(contenders.map((c) => [c.id, c]));
  return ranked.map((s, i) => {
    const c = contenderOf.get(s.id);
    return leaderboardRow(s, i + 1, onFrontier.has(s.id), dominatedBy(s.id), c ? publishedFor(c, published) : []);
  });
}
