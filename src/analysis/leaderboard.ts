// Per-contender summary of a run: resolved rate with its interval, outcome counts, cost and tokens
// (DESIGN.md §6, §8). Pure: reads a RunHeader and AttemptRecords, returns plain data.
import { Outcome } from '../core/outcome.ts';
import { promptTokens } from '../core/usage.ts';
import { sumUsd } from '../core/cost.ts';
import type { Contender, IndexRecord, RunHeader } from '../core/records.ts';
import { wilsonInterval, type Interval } from './wilson.ts';

/** Count of attempts per outcome; every outcome is present (0 when none). */
export type OutcomeCounts = Record<Outcome, number>;

/** Outcomes that are the model's failures (DESIGN.md §6); `infra_error` is not one of them. */
export const FAILURE_OUTCOMES = ['unresolved', 'empty_patch', 'patch_failed', 'timeout', 'tampered', 'agent_error'] as const satisfies readonly Outcome[];

/**
 * How a contender's cost is known:
 * - `list_price`: it drives a model whose price row is in the sheet;
 * - `price_unknown`: it drives a model with no price row, or its patches come from a predictions file
 *   (`fixbench eval`, which records no cost): its USD is `null`, never 0;
 * - `no_model`: it makes no model calls (`gold`, `noop`), so it costs 0.
 */
export type CostBasis = 'list_price' | 'price_unknown' | 'no_model';

/** Token totals of a contender over its recorded attempts. Units: tokens. */
export interface TokenTotals {
  /** Whole prompt: uncached + cache read + cache writes (5 min and 1 h). */
  input: number;
  /** Completion tokens, reasoning included. */
  output: number;
  /** Prompt tokens read from the provider's cache (`cache_read`), a part of `input`. */
  cached: number;
  /** Reasoning tokens, a part of `output`. */
  reasoning: number;
}

/** One row of the leaderboard: what a contender resolved, how it failed, and what it cost. */
export interface ContenderSummary {
  id: string;
  agent: string;
  model: string | null;
  name: string | null;
  vendor: string | null;
  region: string | null;
  costBasis: CostBasis;

  /** Tasks in the suite (`header.suite.instance_ids.length`). */
  tasks: number;
  attemptsPerTask: number;
  /** Tasks × attempts per task: every trial the suite asks for. */
  trials: number;
  /**
   * The denominator of every rate (DESIGN.md §6): trials − infra errors. An `infra_error` is the
   * harness's or the provider's fault, so it says nothing about the model either way: it leaves the
   * denominator and is shown beside it ("15 graded, 1 infra error"); `--retry-errors` completes the
   * run. A trial with no record (not run) stays in: it counts as not resolved.
   */
  graded: number;
  /** Trials with a record. */
  recorded: number;
  /** Trials with no record (not run, e.g. the run budget ran out); counted as not resolved. */
  missing: number;
  /** Records of this contender ignored: task outside the suite, attempt index ≥ attempts per task, or a duplicate (the last one wins). */
  ignoredRecords: number;

  resolved: number;
  /** resolved / graded, in [0, 1]; null when graded = 0. */
  resolvedRate: number | null;
  /** Wilson 95% interval of the resolved rate over `graded`; null when graded = 0. */
  resolvedInterval: Interval | null;
  outcomes: OutcomeCounts;
  /** The model's failures: unresolved + empty_patch + patch_failed + timeout + tampered + agent_error. */
  failures: number;
  /** Harness or provider faults (`infra_error`): shown beside the rate, re-runnable (`--retry-errors`), never the model's failure, out of the denominator. */
  infraErrors: number;

  /**
   * USD at list price over recorded attempts (every billed call counts, infra errors included).
   * Null when the contender drives a model and any attempt's `list_usd` is null (unknown is
   * contagious, never 0). For `no_model` contenders a null `list_usd` counts as 0: they make no calls.
   */
  totalUsd: number | null;
  /** totalUsd / recorded attempts (mean USD per attempt; one attempt = one try at one task). Null when unknown or nothing recorded. */
  meanUsdPerTask: number | null;
  /**
   * Median USD of a recorded attempt (the middle value; the mean of the two middle values for an
   * even count): robust to the few runaway sessions that drive the mean. Null when unknown or
   * nothing recorded.
   */
  medianUsdPerTask: number | null;
  /** totalUsd / resolved; null when unknown or nothing resolved. */
  usdPerResolved: number | null;
  tokens: TokenTotals;
  /** Share of prompt tokens read from the provider's cache: tokens.cached / tokens.input, in [0, 1]; null when no prompt tokens. */
  cacheHitShare: number | null;
  /** Mean prompt tokens per model call, tokens.input / calls: the context a step carries (agent sessions grow past 10⁵). Null when no calls. */
  meanPromptTokensPerCall: number | null;
  /** Model calls, summed over recorded attempts. */
  calls: number;
  /** Agent steps, summed over recorded attempts. */
  steps: number;
  /** Mean wall time of a recorded attempt, milliseconds; null when nothing recorded. */
  meanWallMs: number | null;
  /** Attempts whose patch edited test files (restored before grading: a sign of test tampering or mistaken fixes). */
  testFileEdits: number;
  /** Attempts whose patch edited protected files (test files, runner configurations, package.json runner keys, lock files, installed or ignored paths): dropped before grading. */
  protectedFileEdits: number;
  /** Protected paths edited, summed over attempts (one attempt editing 3 paths counts 3). */
  protectedPathsEdited: number;
  /** Attempts in which a listed test gave different results across re-runs (`--rerun-failed`). */
  flakyAttempts: number;
  /**
   * Attempts graded without canary tests (`unprotected` in the record: an `exit-code` task): their
   * results are not tamper-evident (DESIGN.md §11 rule 3). Tampered attempts are `outcomes.tampered`.
   */
  unprotectedAttempts: number;
}

/** Zero count for every outcome. */
export function zeroOutcomeCounts(): OutcomeCounts {
  return Object.fromEntries(Outcome.options.map((o) => [o, 0])) as OutcomeCounts;
}

/** Cost basis of a contender from its header entry. */
export function costBasisOf(c: Contender): CostBasis {
  if (c.agent === 'predictions') return 'price_unknown';
  if (c.model === null) return 'no_model';
  // a live cascade is priced per stage: known when every stage's price is
  if (c.cascade) return c.cascade.stages.every((s) => s.price !== null) ? 'list_price' : 'price_unknown';
  return c.price === null ? 'price_unknown' : 'list_price';
}

/**
 * The records that count, indexed by contender id → instance id → attempt index.
 * A record counts when its contender is in the header, its task is in the suite and its attempt
 * index is below `attempts_per_task`; of duplicates (same contender, task and index, e.g. after a
 * careless merge) the last in input order wins. Others are counted in `ignored` per contender id.
 */
export interface AttemptIndex<R extends IndexRecord = IndexRecord> {
  byContender: Map<string, Map<string, Map<number, R>>>;
  ignored: Map<string, number>;
}

/** Builds an {@link AttemptIndex} of `attempts` against the header's suite and contenders. */
export function indexAttempts<R extends IndexRecord>(header: RunHeader, attempts: readonly R[]): AttemptIndex<R> {
  const suite = new Set(header.suite.instance_ids);
  const byContender = new Map<string, Map<string, Map<number, R>>>();
  const ignored = new Map<string, number>();
  for (const c of header.contenders) byContender.set(c.id, new Map());
  const bump = (id: string): void => void ignored.set(id, (ignored.get(id) ?? 0) + 1);
  for (const r of attempts) {
    const perTask = byContender.get(r.contender);
    if (!perTask) {
      bump(r.contender);
      continue;
    }
    if (!suite.has(r.instance_id) || r.attempt >= header.attempts_per_task) {
      bump(r.contender);
      continue;
    }
    let perAttempt = perTask.get(r.instance_id);
    if (!perAttempt) perTask.set(r.instance_id, (perAttempt = new Map()));
    if (perAttempt.has(r.attempt)) bump(r.contender);
    perAttempt.set(r.attempt, r);
  }
  return { byContender, ignored };
}

/**
 * Summarises each contender of the header, in header order (see {@link rankSummaries} for the
 * leaderboard order).
 *
 * Scores divide by the GRADED trials: `header.suite.instance_ids.length × header.attempts_per_task`
 * minus the `infra_error` attempts (DESIGN.md §6), which are shown beside the rate instead. A
 * trial with no record counts as not resolved (`missing`) and stays in the denominator.
 * Costs are averaged over the attempts that ran (`recorded`), so an unfinished run does not look
 * cheaper than it is. Units: USD, tokens, milliseconds. `index`: the run's {@link indexAttempts},
 * when the caller has it already.
 */
export function summarise(header: RunHeader, attempts: readonly IndexRecord[], index: AttemptIndex = indexAttempts(header, attempts)): ContenderSummary[] {
  const tasks = header.suite.instance_ids.length;
  const trials = tasks * header.attempts_per_task;
  return header.contenders.map((c) => {
    const records: IndexRecord[] = []; // task by task, attempts in index order (loops: flatMap costs ~3× over 100,000 records)
    for (const m of index.byContender.get(c.id)?.values() ?? []) for (const r of m.values()) records.push(r);
    const costBasis = costBasisOf(c);
    const outcomes = zeroOutcomeCounts();
    const tokens: TokenTotals = { input: 0, output: 0, cached: 0, reasoning: 0 };
    let calls = 0;
    let steps = 0;
    let wallMs = 0;
    let testFileEdits = 0;
    let protectedFileEdits = 0;
    let protectedPathsEdited = 0;
    let flakyAttempts = 0;
    let unprotectedAttempts = 0;
    for (const r of records) {
      if (r.test_files_edited.length) testFileEdits += 1;
      if (r.protected_files_edited?.length) protectedFileEdits += 1;
      protectedPathsEdited += r.protected_files_edited?.length ?? 0;
      if (r.flaky_tests.length) flakyAttempts += 1;
      if (r.unprotected) unprotectedAttempts += 1;
      outcomes[r.outcome] += 1;
      tokens.input += promptTokens(r.usage);
      tokens.output += r.usage.output;
      tokens.cached += r.usage.cache_read;
      tokens.reasoning += r.usage.reasoning;
      calls += r.calls;
      steps += r.steps;
      wallMs += r.wall_ms;
    }
    const recorded = records.length;
    const resolved = outcomes.resolved;
    const graded = trials - outcomes.infra_error;
    const totalUsd = sumUsd(records.map((r) => (r.list_usd === null && costBasis === 'no_model' ? 0 : r.list_usd)));
    return {
      id: c.id,
      agent: c.agent,
      model: c.model,
      name: c.name,
      vendor: c.vendor,
      region: c.region,
      costBasis,
      tasks,
      attemptsPerTask: header.attempts_per_task,
      trials,
      graded,
      recorded,
      missing: trials - recorded,
      ignoredRecords: index.ignored.get(c.id) ?? 0,
      resolved,
      resolvedRate: graded > 0 ? resolved / graded : null,
      resolvedInterval: wilsonInterval(resolved, graded),
      outcomes,
      failures: FAILURE_OUTCOMES.reduce((s, o) => s + outcomes[o], 0),
      infraErrors: outcomes.infra_error,
      totalUsd,
      meanUsdPerTask: totalUsd !== null && recorded > 0 ? totalUsd / recorded : null,
      medianUsdPerTask: totalUsd !== null ? median(records.map((r) => r.list_usd ?? 0)) : null,
      usdPerResolved: totalUsd !== null && resolved > 0 ? totalUsd / resolved : null,
      tokens,
      cacheHitShare: tokens.input > 0 ? tokens.cached / tokens.input : null,
      meanPromptTokensPerCall: calls > 0 ? tokens.input / calls : null,
      calls,
      steps,
      meanWallMs: recorded > 0 ? wallMs / recorded : null,
      testFileEdits,
      protectedFileEdits,
      protectedPathsEdited,
      flakyAttempts,
      unprotectedAttempts,
    };
  });
}

/**
 * `summarise` as run listings show a run (`fixbench history`, the site): a shard run (`run --shard
 * i/n`) holds only its own share of the suite's trials, so each contender's `trials` are the
 * attempts it recorded and `graded` those less its infra errors (the rate over those; `missing` 0),
 * never the other shards' trials counted as unresolved. Any other run: `summarise`. Pure.
 */
export function summariseListed(header: RunHeader, attempts: readonly IndexRecord[]): ContenderSummary[] {
  const all = summarise(header, attempts);
  if (!header.shard) return all;
  return all.map((c) => {
    const graded = c.recorded - c.infraErrors;
    return { ...c, trials: c.recorded, graded, missing: 0, resolvedRate: graded > 0 ? c.resolved / graded : null, resolvedInterval: wilsonInterval(c.resolved, graded) };
  });
}

/** Median of the values (mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Leaderboard order (a new array): resolved rate descending, then mean USD per task ascending
 * (unknown cost after known), then id. Null rates (empty suite) sort last.
 */
export function rankSummaries(summaries: readonly ContenderSummary[]): ContenderSummary[] {
  const rate = (s: ContenderSummary): number => s.resolvedRate ?? -1;
  const usd = (s: ContenderSummary): number => s.meanUsdPerTask ?? Number.POSITIVE_INFINITY;
  return [...summaries].sort((a, b) => rate(b) - rate(a) || usd(a) - usd(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** "15 graded, 1 infra error" — the denominator and what left it; "15 graded" when nothing did. */
export function gradedNote(s: Pick<ContenderSummary, 'graded' | 'infraErrors'>): string {
  return `${s.graded} graded${s.infraErrors ? `, ${s.infraErrors} infra error${s.infraErrors === 1 ? '' : 's'}` : ''}`;
}
