// View model of a run's report page (DESIGN.md §9): every value the templates show, already formatted
// as plain strings. Pure: no I/O, no HTML — escaping is the templates' job.
import type { Outcome } from '../core/outcome.ts';
import { FAILURE_OUTCOMES, gradedNote, indexAttempts, rankSummaries, summarise, type ContenderSummary } from '../analysis/leaderboard.ts';
import { infraErrorsNote, interruptedCallsNote } from './infra-note.ts';
import { billedSummary } from '../analysis/billed.ts';
import { dominates, paretoFrontier } from '../analysis/pareto.ts';
import { driftFlagged, sumUsd } from '../pricing/cost.ts';
import type { AttemptRecord, RunHeader } from '../store/records.ts';
import type { ChartPoint } from './chart.ts';
import { attemptPagePath } from './paths.ts';
import { publishedFor, type PublishedScore } from './published.ts';
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

/** One attempt in a matrix cell. */
export interface MatrixMark {
  /** A symbol of {@link OUTCOME_SYMBOLS} ("✓", "✗", …) or "—" (not run), plus "~" (flaky) and "†" (test files edited). */
  text: string;
  /** CSS class: ok | fail | err | missing. */
  cls: 'ok' | 'fail' | 'err' | 'missing';
  /** What the mark means in words (outcome, attempt index, notes). */
  title: string;
  /** Notes worth a tooltip (flaky tests, edited test files), or null: the matrix stays compact at scale. */
  note: string | null;
}

/** One cell of the matrix: a contender's attempts at one task. */
export interface MatrixCell {
  marks: MatrixMark[];
  /** Relative link to the cell's attempts page, or null when no attempt ran. */
  href: string | null;
  /** CSS class of the cell: ok (some attempt resolved), err (an infra error and none resolved), missing (none ran), fail. */
  cls: 'ok' | 'fail' | 'err' | 'missing';
  /** Tooltip: the notes of the marks joined, or null. */
  title: string | null;
}

export interface MatrixRow {
  instanceId: string;
  resolvedBy: string;
  cells: MatrixCell[];
}

/** Compact symbols of the matrix, one per outcome (the legend prints this table). */
export const OUTCOME_SYMBOLS: Record<Outcome, string> = {
  resolved: '✓',
  unresolved: '✗',
  empty_patch: '∅',
  patch_failed: '≠',
  timeout: '⏱',
  tampered: '☠',
  agent_error: '!',
  infra_error: '⚠',
};

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
    /** Set when attempts ended in infra errors (how many, that rates leave them out, how to complete the run) or carry interrupted calls. */
    infraNote: string | null;
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
  /** Attempts that ended on an error or a limit, with the recorded reason (first 400 characters), for diagnosis. */
  problems: Array<{ contender: string; instanceId: string; attempt: number; outcome: string; exitStatus: string; error: string }>;
  /** Problems left out of the table beyond {@link MAX_PROBLEMS} (their attempts pages still show them). */
  problemsOmitted: number;
  /** Records that no score counts (unknown contender, task outside the suite, extra attempt, duplicate). */
  ignoredRecords: number;
}

/** Most rows of the errors-and-limits table; a large run lists the rest by count. */
export const MAX_PROBLEMS = 200;

function capProblems<T>(all: T[]): { problems: T[]; problemsOmitted: number } {
  return { problems: all.slice(0, MAX_PROBLEMS), problemsOmitted: Math.max(0, all.length - MAX_PROBLEMS) };
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

function mark(record: AttemptRecord | null, attempt: number, attemptsPerTask: number): MatrixMark {
  const m = outcomeMark(record?.outcome ?? null, attempt, attemptsPerTask);
  if (!record) return m;
  const notes: string[] = [];
  if (record.flaky_tests.length) notes.push(`flaky over ${record.test_runs} runs: ${record.flaky_tests.join(', ')}`);
  const prot = record.protected_files_edited ?? record.test_files_edited;
  if (prot.length) notes.push(`edited protected files (dropped before grading): ${prot.join(', ')}`);
  if (record.unprotected) notes.push(`unprotected (no canary tests): ${record.unprotected}`);
  if (!notes.length) return m;
  const note = `${m.title}; ${notes.join('; ')}`;
  return { text: `${m.text}${record.flaky_tests.length ? '~' : ''}${prot.length ? '†' : ''}${record.unprotected ? '°' : ''}`, cls: m.cls, title: note, note };
}

function outcomeMark(outcome: Outcome | null, attempt: number, attemptsPerTask: number): MatrixMark {
  const which = attemptsPerTask > 1 ? `attempt ${attempt}: ` : '';
  if (outcome === null) return { text: '—', cls: 'missing', title: `${which}not run`, note: null };
  const text = OUTCOME_SYMBOLS[outcome];
  if (outcome === 'resolved') return { text, cls: 'ok', title: `${which}resolved`, note: null };
  if (outcome === 'infra_error') return { text, cls: 'err', title: `${which}infra_error (harness or provider; not the model's failure)`, note: null };
  return { text, cls: 'fail', title: `${which}${outcome}`, note: null };
}

/** Options of {@link buildViewModel}. */
export interface ViewModelOptions {
  /** Published reference figures to show beside measured ones (default: none). */
  published?: readonly PublishedScore[];
  /** Link matrix cells to attempt pages (default true; false when the pages are not written). */
  attemptLinks?: boolean;
  /** The sheet the run was recorded with, when this report re-prices it under `header.price_sheet`. */
  repricedFrom?: { file: string; as_of: string } | null;
}

/**
 * Builds the report's view model from a run header and its attempt records. Leaderboard rows are
 * ranked (resolved rate ↓, then USD per task ↑); matrix columns follow the same order, rows follow
 * the suite. USD is list price from the header's price sheet; unknown is "unknown", never "$0".
 */
export function buildViewModel(header: RunHeader, attempts: readonly AttemptRecord[], options: ViewModelOptions = {}): ReportViewModel {
  const ranked = rankSummaries(summarise(header, attempts));
  const chart = chartPoints(ranked);
  const onFrontier = new Set(chart.frontierIds);
  const plotted = new Map(chart.points.map((p) => [p.id, { usd: p.usd, rate: p.ratePct }]));
  const dominatedBy = (id: string): string[] => {
    const me = plotted.get(id);
    if (!me) return [];
    return chart.points.filter((q) => dominates({ usd: q.usd, rate: q.ratePct }, me)).map((q) => q.id);
  };
  const published = options.published ?? [];
  const contenderIndex = new Map(header.contenders.map((c, i) => [c.id, i]));
  const contenderOf = new Map(header.contenders.map((c) => [c.id, c]));
  const links = options.attemptLinks ?? true;
  const repriced = options.repricedFrom ?? null;
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
    repricedFrom: repriced === null ? null : { file: repriced.file, asOf: repriced.as_of },
    unknownPrices: header.contenders.filter((c) => c.model !== null && c.price === null).map((c) => c.id),
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
    matrixLegend: [
      ...Object.entries(OUTCOME_SYMBOLS).map(([outcome, symbol]) => ({ label: symbol, value: outcome })),
      { label: '—', value: 'not run' },
      { label: '~', value: 'a listed test was flaky across re-runs' },
      { label: '†', value: 'the patch edited test files (restored before grading)' },
      { label: '°', value: 'unprotected: graded without canary tests (exit-code task), not tamper-evident' },
    ],
    localSandbox: header.sandbox === 'local',
    chart: { ...chart, emptyMessage },
    rows: ranked.map((s, i) => {
      const c = contenderOf.get(s.id);
      return leaderboardRow(s, i + 1, onFrontier.has(s.id), dominatedBy(s.id), c ? publishedFor(c, published) : []);
    }),
    matrix: {
      columns: ranked.map((s) => s.id),
      rows: header.suite.instance_ids.map((instanceId, taskIndex) => {
        // "resolved by" counts models only: the reference agents (gold, noop) validate the task.
        let resolvedBy = 0;
        const models = ranked.filter((s) => s.costBasis !== 'no_model').length;
        const cells = ranked.map((s): MatrixCell => {
          const perAttempt = index.byContender.get(s.id)?.get(instanceId);
          const marks = Array.from({ length: header.attempts_per_task }, (_, a) => {
            return mark(perAttempt?.get(a) ?? null, a, header.attempts_per_task);
          });
          if (s.costBasis !== 'no_model' && marks.some((m) => m.cls === 'ok')) resolvedBy += 1;
          const ran = perAttempt !== undefined && perAttempt.size > 0;
          const href = links && ran ? attemptPagePath(contenderIndex.get(s.id) ?? 0, taskIndex) : null;
          const notes = marks.flatMap((m) => (m.note === null ? [] : [m.note]));
          const cls = marks.some((m) => m.cls === 'ok') ? 'ok' : !ran ? 'missing' : marks.some((m) => m.cls === 'err') ? 'err' : 'fail';
          return { marks, href, cls, title: notes.length ? notes.join(' | ') : null };
        });
        return { instanceId, resolvedBy: models ? `${resolvedBy}/${models}` : '—', cells };
      }),
    },
    skipped: header.skipped.map((s) => ({ id: s.id, reason: s.reason })),
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
