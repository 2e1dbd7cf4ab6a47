// View model of a run's report page (DESIGN.md §9): every value the templates show, already formatted
// as plain strings. Pure: no I/O, no HTML — escaping is the templates' job. The leaderboard and
// matrix parts live in leaderboard-view.ts and matrix-view.ts; every part reads one
// {@link RunAnalysis} (src/analysis/run.ts).
import { analyseRun, type RunAnalysis } from '../analysis/run.ts';
import { infraErrorsNote, interruptedCallsNote } from './infra-note.ts';
import { runStatusLabel } from '../store/run-label.ts';
import { imagesFacts } from './images-view.ts';
import { strictView, type StrictView } from './strict-view.ts';
import { billedSummary } from '../analysis/billed.ts';
import { driftFlagged, sumUsd } from '../pricing/cost.ts';
import type { IndexRecord, RunHeader } from '../store/records.ts';
import type { ChartPoint } from './chart.ts';
import { publishedFor, type PublishedScore } from './published.ts';
import { formatInt, formatMs, formatUsd, type Field } from './format.ts';
import { chartPoints, leaderboardRows, type LeaderboardRow, type NotPlotted } from './leaderboard-view.ts';
import { MATRIX_LEGEND, matrixView, type MatrixRow } from './matrix-view.ts';
import { ILLUSTRATIVE_PAGE_NOTE, MADE_UP_PRICES } from '../pricing/illustrative.ts';

export type { Field } from './format.ts';
export { chartPoints, notPlottedReason, type LeaderboardRow, type NotPlotted } from './leaderboard-view.ts';
export { OUTCOME_SYMBOLS, type MatrixCell, type MatrixMark, type MatrixRow } from './matrix-view.ts';

/** Everything `templates/layout.hbs` shows. */
export interface ReportViewModel {
  title: string;
  /** True when commands ran without isolation (sandbox `local`). */
  localSandbox: boolean;
  run: {
    id: string;
    /** `runStatusLabel`: `finished`, `finished (shard 1/2)`, … */
    status: string;
    startedAt: string;
    finishedAt: string;
    note: string | null;
    /** Set when attempts ended in infra errors (how many, that rates leave them out, how to complete the run) or carry interrupted calls. */
    infraNote: string | null;
    /** Set for a shard run (`run --shard i/n`): what its figures cover and how to get the suite's. */
    shardNote: string | null;
    harness: string;
    suiteHash: string;
    suiteHashShort: string;
    sandbox: string;
    host: string;
  };
  /** Header facts in display order (tasks, attempts, records, spend). */
  facts: Field[];
  limits: Field[];
  /** `illustrative`: the sheet's prices are made up (src/config/prices.ts `PriceSheet`): the page's note and label for its costs (src/pricing/illustrative.ts); null for a real sheet. */
  priceSheet: { file: string; asOf: string; source: string; illustrative: { note: string; label: string } | null };
  /** Set when the run was re-priced under another sheet (`report --prices`): the sheet the run was recorded with. */
  repricedFrom: { file: string; asOf: string } | null;
  /** Contenders that drive a model with no price row in the sheet (their USD is "unknown"). */
  unknownPrices: string[];
  /** Every published figure of the data file, matched or not, labelled as published. */
  published: Array<{ model: string; benchmark: string; score: string; date: string; source: string; url: string | null; note: string | null; matched: string[] }>;
  /** Legend of the matrix symbols. */
  matrixLegend: Field[];
  chart: {
    /** Points for {@link priceAccuracySpec}; empty → the page shows `emptyMessage` instead. */
    points: ChartPoint[];
    frontierIds: string[];
    notPlotted: NotPlotted[];
    emptyMessage: string | null;
  };
  rows: LeaderboardRow[];
  matrix: { columns: string[]; rows: MatrixRow[] };
  skipped: Array<{ id: string; reason: string }>;
  /** The stricter-than-SWE-bench figure per contender (src/report/strict-view.ts); null when no record has `resolved_strict`. */
  strict: StrictView | null;
  /** Attempts that ended on an error or a limit, with the recorded reason (first 400 characters), for diagnosis. */
  problems: Array<{ contender: string; instanceId: string; attempt: number; outcome: string; exitStatus: string; error: string }>;
  /** Problems left out of the table beyond {@link MAX_PROBLEMS} (their attempts pages still show them). */
  problemsOmitted: number;
  /** Records that no score counts (unknown contender, task outside the suite, extra attempt, duplicate). */
  ignoredRecords: number;
}

/** Most rows of the errors-and-limits table; a large run lists the rest by count. */
export const MAX_PROBLEMS = 200;

/** A per-attempt limit of a run of graded predictions (`fixbench eval`: stored as 0, no agent ran). */
export const NO_AGENT = 'none (graded predictions: no agent ran)';

function capProblems<T>(all: T[]): { problems: T[]; problemsOmitted: number } {
  return { problems: all.slice(0, MAX_PROBLEMS), problemsOmitted: Math.max(0, all.length - MAX_PROBLEMS) };
}

/** Options of {@link buildViewModel}. */
export interface ViewModelOptions {
  /** Published reference figures to show beside measured ones (default: none). */
  published?: readonly PublishedScore[];
  /** Link matrix cells to attempt pages (default true; false when the pages are not written). */
  attemptLinks?: boolean;
  /** The sheet the run was recorded with, when this report re-prices it under `header.price_sheet`. */
  repricedFrom?: { file: string; as_of: string } | null;
  /** The run's analysis, when the caller has it (the report page does); computed here otherwise. */
  analysis?: RunAnalysis;
}

/**
 * Builds the report's view model from a run header and its attempt records. Leaderboard rows are
 * ranked (resolved rate ↓, then USD per task ↑); matrix columns follow the same order, rows follow
 * the suite. USD is list price from the header's price sheet; unknown is "unknown", never "$0".
 */
export function buildViewModel(header: RunHeader, attempts: readonly IndexRecord[], options: ViewModelOptions = {}): ReportViewModel {
  const { ranked, index } = options.analysis ?? analyseRun(header, attempts);
  const chart = chartPoints(ranked);
  const published = options.published ?? [];
  const repriced = options.repricedFrom ?? null;
  const counted = ranked.reduce((n, s) => n + s.recorded, 0);
  const expected = ranked.reduce((n, s) => n + s.trials, 0);
  const tasks = header.suite.instance_ids.length;
  const runUsd = sumUsd(ranked.map((s) => s.totalUsd));
  const billed = billedSummary(attempts);

  let emptyMessage: string | null = null;
  if (chart.points.length === 0) {
    emptyMessage =
      ranked.length === 0
        ? 'Nothing to plot: this run has no contenders.'
        : 'Nothing to plot: no contender has a known, non-zero cost per task, so none can sit on a log USD axis.';
  }

  return {
    title: `fixbench run ${header.run_id}`,
    run: {
      id: header.run_id,
      status: runStatusLabel(header),
      shardNote: header.shard
        ? `Shard ${header.shard.index}/${header.shard.count}: this run holds only its share of the suite's attempts (split by a stable hash of each attempt's key). The leaderboard's rates are over the attempts it recorded; the matrix, pass@k and routing cover the whole suite, where the other shards' attempts count as missing. Join the shards with \`fixbench merge\` for the suite's figures.`
        : null,
      startedAt: header.started_at,
      finishedAt: header.finished_at ?? '—',
      note: header.note,
      infraNote: [infraErrorsNote(header.run_id, attempts), interruptedCallsNote(attempts)].filter(Boolean).join(' ') || null,
      harness: `${header.harness.version}${header.harness.commit ? ` (${header.harness.commit})` : ''}`,
      suiteHash: header.suite.hash,
      suiteHashShort: header.suite.hash.slice(0, 12),
      sandbox: (header.sandbox === 'local' ? 'local (not isolated)' : header.sandbox) + (header.contenders.some((c) => c.agent_network === 'host') ? `; host network for ${header.contenders.filter((c) => c.agent_network === 'host').map((c) => c.id).join(', ')}` : ''),
      host: `${header.host.platform}, node ${header.host.node}, ${header.host.cpus} CPUs`,
    },
    facts: [
      { label: 'tasks in the suite', value: formatInt(tasks) },
      { label: 'attempts per task', value: formatInt(header.attempts_per_task) },
      { label: 'contenders', value: formatInt(header.contenders.length) },
      { label: 'attempts recorded', value: header.shard ? `${formatInt(counted)} (this shard's; the suite's ${formatInt(tasks * header.attempts_per_task * header.contenders.length)} are split among ${header.shard.count} shards)` : `${formatInt(counted)} of ${formatInt(expected)}` },
      { label: 'spend at list price', value: formatUsd(runUsd) },
      ...(billed
        ? [
            {
              label: 'billed by providers',
              value:
                `${formatUsd(billed.billedUsd)} vs ${formatUsd(billed.listUsd)} at list price over ${formatInt(billed.attempts)} attempt(s)` +
                (billed.drift === null ? '' : `, drift ${billed.drift > 0 ? '+' : ''}${(billed.drift * 100).toFixed(1)}%${driftFlagged(billed.drift) ? ' (past ±5%: the price sheet is stale or the provider bills differently)' : ''}`),
            },
          ]
        : []),
      ...imagesFacts(attempts),
    ],
    limits: [
      // 0: graded predictions (`fixbench eval`), where no agent ran
      { label: 'limit: steps per attempt', value: header.limits.steps === 0 ? NO_AGENT : formatInt(header.limits.steps) },
      { label: 'limit: USD per attempt', value: header.limits.attempt_usd === null ? 'no cap' : formatUsd(header.limits.attempt_usd) },
      { label: 'limit: wall time per attempt', value: header.limits.wall_ms === 0 ? NO_AGENT : formatMs(header.limits.wall_ms) },
      { label: 'limit: command timeout', value: formatMs(header.limits.command_timeout_ms) },
      { label: 'limit: run budget', value: header.limits.run_budget_usd === null ? 'no cap' : formatUsd(header.limits.run_budget_usd) },
      ...(typeof header.limits.run_budget_tokens === 'number' ? [{ label: 'limit: run token budget', value: `${formatInt(header.limits.run_budget_tokens)} tokens` }] : []),
    ],
    priceSheet: { file: header.price_sheet.file, asOf: header.price_sheet.as_of, source: header.price_sheet.source, illustrative: header.price_sheet.illustrative ? { note: ILLUSTRATIVE_PAGE_NOTE, label: MADE_UP_PRICES } : null },
    repricedFrom: repriced === null ? null : { file: repriced.file, asOf: repriced.as_of },
    unknownPrices: header.contenders.filter((c) => c.model !== null && (c.cascade ? c.cascade.stages.some((s) => s.price === null) : c.price === null)).map((c) => c.id),
    published: published.map((p) => ({
      model: p.model,
      benchmark: p.benchmark,
      score: `${p.score.toFixed(1)}%`,
      date: p.date,
      source: p.source,
      url: p.url ?? null,
      note: p.note ?? null,
      matched: header.contenders.filter((c) => publishedFor(c, [p]).length > 0).map((c) => c.id),
    })),
    matrixLegend: [...MATRIX_LEGEND],
    localSandbox: header.sandbox === 'local',
    chart: { ...chart, emptyMessage },
    rows: leaderboardRows(ranked, chart, header.contenders, published),
    matrix: matrixView(header, ranked, index, options.attemptLinks ?? true),
    skipped: header.skipped.map((s) => ({ id: s.id, reason: s.reason })),
    strict: strictView(header, attempts),
    ...capProblems(attempts
      .filter((a) => a.outcome === 'infra_error' || a.outcome === 'agent_error' || (a.error !== null && a.outcome !== 'resolved'))
      .map((a) => ({
        contender: a.contender,
        instanceId: a.instance_id,
        attempt: a.attempt,
        outcome: a.outcome,
        exitStatus: a.exit_status ?? '—',
        error: (a.error?.message ?? '—').slice(0, 400),
      }))),
    ignoredRecords: [...index.ignored.values()].reduce((a, b) => a + b, 0),
  };
}
