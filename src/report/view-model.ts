// View model of a run's report page (DESIGN.md §9): every value the templates show, already formatted
// as plain strings. Pure: no I/O, no HTML — escaping is the templates' job.
import type { Outcome } from '../core/outcome.ts';
import { FAILURE_OUTCOMES, indexAttempts, rankSummaries, summarise, type ContenderSummary } from '../analysis/leaderboard.ts';
import { billedSummary } from '../analysis/billed.ts';
import { paretoFrontier } from '../analysis/pareto.ts';
import { driftFlagged, sumUsd } from '../pricing/cost.ts';
import type { AttemptRecord, RunHeader } from '../store/records.ts';
import type { ChartPoint } from './chart.ts';
import { formatInt, formatMs, formatPct, formatTokens, formatUsd } from './format.ts';

/** A label and its value, e.g. `{label: 'steps per attempt', value: '50'}`. */
export interface Field {
  label: string;
  value: string;
}

/** A contender left off the log-USD chart, with why. */
export interface NotPlotted {
  id: string;
  reason: 'price unknown' | 'no model cost' | 'zero cost recorded' | 'no attempts recorded' | 'no tasks';
}

export interface LeaderboardRow {
  /** Attempts whose patch edited test files (restored before grading). */
  testFileEdits: number;
  /** Attempts with a test that disagreed across re-runs. */
  flakyAttempts: number;
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
}

/** One attempt in a matrix cell. */
export interface MatrixMark {
  /** "✓", "✗", an outcome name, or "—" (not run). */
  text: string;
  /** CSS class: ok | fail | err | missing. */
  cls: 'ok' | 'fail' | 'err' | 'missing';
  title: string;
}

export interface MatrixRow {
  instanceId: string;
  resolvedBy: string;
  cells: Array<{ marks: MatrixMark[] }>;
}

/** Everything `templates/layout.hbs` shows. */
export interface ReportViewModel {
  title: string;
  /** True when commands ran without isolation (sandbox `local`). */
  localSandbox: boolean;
  run: {
    id: string;
    status: string;
    startedAt: string;
    finishedAt: string;
    note: string | null;
    harness: string;
    suiteHash: string;
    suiteHashShort: string;
    sandbox: string;
    host: string;
  };
  /** Header facts in display order (tasks, attempts, records, spend). */
  facts: Field[];
  limits: Field[];
  priceSheet: { file: string; asOf: string; source: string };
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
  /** Attempts that ended on an error or a limit, with the recorded reason (first 400 characters), for diagnosis. */
  problems: Array<{ contender: string; instanceId: string; attempt: number; outcome: string; exitStatus: string; error: string }>;
  /** Records that no score counts (unknown contender, task outside the suite, extra attempt, duplicate). */
  ignoredRecords: number;
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
  if (s.costBasis === 'price_unknown') return 'price unknown in the sheet';
  if (s.totalUsd === null) return 'some attempts have no list price';
  return null;
}

function leaderboardRow(s: ContenderSummary, rank: number, onFrontier: boolean): LeaderboardRow {
  const iv = s.resolvedInterval;
  return {
    rank,
    id: s.id,
    name: s.name !== null && s.name !== s.id ? s.name : null,
    agent: s.agent,
    vendor: dash(s.vendor),
    region: dash(s.region),
    resolved: `${s.resolved}/${s.trials}`,
    resolvedPct: formatPct(s.resolvedRate),
    interval: iv ? `${(iv.low * 100).toFixed(1)}–${(iv.high * 100).toFixed(1)}%` : '—',
    usdPerTask: s.recorded === 0 ? '—' : formatUsd(s.meanUsdPerTask),
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
    flakyAttempts: s.flakyAttempts,
    onFrontier,
  };
}

function mark(record: AttemptRecord | null, attempt: number, attemptsPerTask: number): MatrixMark {
  const m = outcomeMark(record?.outcome ?? null, attempt, attemptsPerTask);
  if (!record) return m;
  const notes: string[] = [];
  if (record.flaky_tests.length) notes.push(`flaky over ${record.test_runs} runs: ${record.flaky_tests.join(', ')}`);
  if (record.test_files_edited.length) notes.push(`edited test files (restored before grading): ${record.test_files_edited.join(', ')}`);
  if (!notes.length) return m;
  return { text: `${m.text}${record.flaky_tests.length ? '~' : ''}${record.test_files_edited.length ? '†' : ''}`, cls: m.cls, title: `${m.title}; ${notes.join('; ')}` };
}

function outcomeMark(outcome: Outcome | null, attempt: number, attemptsPerTask: number): MatrixMark {
  const which = attemptsPerTask > 1 ? `attempt ${attempt}: ` : '';
  if (outcome === null) return { text: '—', cls: 'missing', title: `${which}not run` };
  if (outcome === 'resolved') return { text: '✓', cls: 'ok', title: `${which}resolved` };
  if (outcome === 'unresolved') return { text: '✗', cls: 'fail', title: `${which}unresolved` };
  if (outcome === 'infra_error') return { text: outcome, cls: 'err', title: `${which}infra_error (harness or provider; not the model's failure)` };
  return { text: outcome, cls: 'fail', title: `${which}${outcome}` };
}

/**
 * Builds the report's view model from a run header and its attempt records. Leaderboard rows are
 * ranked (resolved rate ↓, then USD per task ↑); matrix columns follow the same order, rows follow
 * the suite. USD is list price from the header's price sheet; unknown is "unknown", never "$0".
 */
export function buildViewModel(header: RunHeader, attempts: readonly AttemptRecord[]): ReportViewModel {
  const ranked = rankSummaries(summarise(header, attempts));
  const chart = chartPoints(ranked);
  const onFrontier = new Set(chart.frontierIds);
  const index = indexAttempts(header, attempts);
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
      status: header.status,
      startedAt: header.started_at,
      finishedAt: header.finished_at ?? '—',
      note: header.note,
      harness: `${header.harness.version}${header.harness.commit ? ` (${header.harness.commit})` : ''}`,
      suiteHash: header.suite.hash,
      suiteHashShort: header.suite.hash.slice(0, 12),
      sandbox: header.sandbox,
      host: `${header.host.platform}, node ${header.host.node}, ${header.host.cpus} CPUs`,
    },
    facts: [
      { label: 'tasks in the suite', value: formatInt(tasks) },
      { label: 'attempts per task', value: formatInt(header.attempts_per_task) },
      { label: 'contenders', value: formatInt(header.contenders.length) },
      { label: 'attempts recorded', value: `${formatInt(counted)} of ${formatInt(expected)}` },
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
    ],
    limits: [
      { label: 'steps per attempt', value: formatInt(header.limits.steps) },
      { label: 'USD per attempt', value: header.limits.attempt_usd === null ? 'no cap' : formatUsd(header.limits.attempt_usd) },
      { label: 'wall time per attempt', value: formatMs(header.limits.wall_ms) },
      { label: 'command timeout', value: formatMs(header.limits.command_timeout_ms) },
      { label: 'run budget', value: header.limits.run_budget_usd === null ? 'no cap' : formatUsd(header.limits.run_budget_usd) },
      ...(typeof header.limits.run_budget_tokens === 'number' ? [{ label: 'run token budget', value: `${formatInt(header.limits.run_budget_tokens)} tokens` }] : []),
    ],
    priceSheet: { file: header.price_sheet.file, asOf: header.price_sheet.as_of, source: header.price_sheet.source },
    localSandbox: header.sandbox === 'local',
    chart: { ...chart, emptyMessage },
    rows: ranked.map((s, i) => leaderboardRow(s, i + 1, onFrontier.has(s.id))),
    matrix: {
      columns: ranked.map((s) => s.id),
      rows: header.suite.instance_ids.map((instanceId) => {
        // "resolved by" counts models only: the reference agents (gold, noop) validate the task.
        let resolvedBy = 0;
        const models = ranked.filter((s) => s.costBasis !== 'no_model').length;
        const cells = ranked.map((s) => {
          const perAttempt = index.byContender.get(s.id)?.get(instanceId);
          const marks = Array.from({ length: header.attempts_per_task }, (_, a) => {
            return mark(perAttempt?.get(a) ?? null, a, header.attempts_per_task);
          });
          if (s.costBasis !== 'no_model' && marks.some((m) => m.cls === 'ok')) resolvedBy += 1;
          return { marks };
        });
        return { instanceId, resolvedBy: models ? `${resolvedBy}/${models}` : '—', cells };
      }),
    },
    skipped: header.skipped.map((s) => ({ id: s.id, reason: s.reason })),
    problems: attempts
      .filter((a) => a.outcome === 'infra_error' || a.outcome === 'agent_error' || (a.error !== null && a.outcome !== 'resolved'))
      .map((a) => ({
        contender: a.model,
        instanceId: a.instance_id,
        attempt: a.attempt,
        outcome: a.outcome,
        exitStatus: a.exit_status ?? '—',
        error: (a.error ?? '—').slice(0, 400),
      })),
    ignoredRecords: [...index.ignored.values()].reduce((a, b) => a + b, 0),
  };
}
