// The attempt record from what the attempt's steps produced (DESIGN.md §7, docs/store-format.md).
// Pure: no I/O, no clock (times are inputs).
import type { AttemptResult } from '../agents/types.ts';
import type { AttemptError, AttemptRecord, Contender, EnvCacheStatus, ErrorStage, InterruptedCalls, RunLimits } from '../core/records.ts';
import { ErrorKind, STORE_FORMAT_VERSION } from '../core/records.ts';
import { addUsage, promptTokens, zeroUsage } from '../core/usage.ts';
import type { GradedAttempt } from '../evaluation/grade-attempt.ts';
import { integrityFields } from '../evaluation/integrity.ts';
import { attemptCost, budgetUsd } from '../pricing/cost.ts';
import { callCounts } from '../pricing/side-calls.ts';
import { modelMix } from '../pricing/model-mix.ts';
import { limitOf } from '../store/upgrade.ts';
import { foldInterrupted } from './ledger-fold.ts';
import { attemptOutcome } from './outcome.ts';

/** A fault of the harness that stopped the attempt before grading: where, and its message. */
export interface HarnessFault {
  stage: Extract<ErrorStage, 'workspace' | 'patch'>;
  message: string;
}

/** Everything an attempt record is made of. Units: milliseconds, USD. */
export interface AttemptFacts {
  runId: string;
  instanceId: string;
  contender: Contender;
  /** How the contender is priced: reference agents cost 0, predictions are unknown, models by their calls. */
  kind: 'reference' | 'predictions' | 'model';
  attempt: number;
  key: string;
  result: AttemptResult;
  /** The graded patch and the binary files left out of it (extracted by the runner, or a prediction as given). */
  patch: { text: string; binaryFilesDropped: number };
  harnessFault: HarnessFault | null;
  /**
   * The patch could not be extracted because of what the agent left in the workspace (too many
   * files, a patch too large): the agent's failure (`agent_error`, in the denominator), not the harness's.
   */
  agentFault?: { stage: 'patch' | 'agent'; message: string } | null;
  graded: GradedAttempt;
  /** A call was refused by the run budget during the attempt. */
  refusedByBudget: boolean;
  limits: RunLimits;
  /** The consecutive format errors the agent tolerates (for `limit.value`). */
  formatErrors: number;
  priceSheet: string;
  wallMs: number;
  finishedAt: string;
  envCache: EnvCacheStatus | null;
  /** Billed calls of earlier tries a killed session left unrecorded (folded in once). */
  carried: InterruptedCalls | null;
}

/** The attempt's record: outcome from exit status and grading, usage and cost from the calls, error and limit structured. */
export function toAttemptRecord(f: AttemptFacts): AttemptRecord {
  const { result, graded } = f;
  const evaluation = graded.evaluation;
  const usage = result.calls.reduce((u, c) => addUsage(u, c.usage), zeroUsage());
  const cost = attemptCost(result.calls);
  return foldInterrupted(
    {
      format_version: STORE_FORMAT_VERSION,
      run_id: f.runId,
      instance_id: f.instanceId,
      contender: f.contender.id,
      agent: f.contender.agent,
      attempt: f.attempt,
      key: f.key,
      outcome: f.agentFault && !f.refusedByBudget ? 'agent_error' : attemptOutcome(result.exit_status, evaluation.outcome, f.refusedByBudget),
      // A call refused by the run budget ends the agent as an API error; it was a cost limit.
      exit_status: f.refusedByBudget ? 'cost_limit' : result.exit_status,
      model_patch: f.patch.text,
      tests_status: evaluation.tests_status,
      ...strictField(evaluation.resolved_strict, f.agentFault && !f.refusedByBudget ? 'agent_error' : attemptOutcome(result.exit_status, evaluation.outcome, f.refusedByBudget)),
      apply_strategy: evaluation.apply_strategy,
      binary_files_dropped: f.patch.binaryFilesDropped + (evaluation.binary_hunks_dropped ?? 0),
      unsafe_entries_dropped: evaluation.unsafe_entries_dropped ?? 0,
      test_files_edited: evaluation.test_files_edited,
      protected_files_edited: evaluation.protected_files_edited ?? [],
      ...integrityFields(evaluation),
      usage,
      cache_hit_share: promptTokens(usage) > 0 ? usage.cache_read / promptTokens(usage) : null,
      ...callCounts(result.calls),
      ...modelMix(result.calls),
      list_usd: f.kind === 'reference' ? 0 : f.kind === 'predictions' ? null : cost.list_usd,
      ...(f.kind === 'model' ? { budget_usd: budgetUsd(result.calls) } : {}),
      billed_usd: cost.billed_usd,
      cost_drift: cost.cost_drift,
      usage_complete: result.calls.every((c) => !c.usage_unknown),
      price_sheet: f.priceSheet,
      steps: result.steps,
      ...(result.images_sent !== undefined ? { images_sent: result.images_sent } : {}),
      wall_ms: f.wallMs,
      model_ms: result.calls.reduce((s, c) => s + c.ms, 0),
      test_ms: evaluation.test_ms,
      visible_check: evaluation.visible_check,
      test_runs: graded.testRuns,
      flaky_tests: graded.flaky,
      error: attemptError(f),
      limit: evaluation.outcome === 'timeout' && result.exit_status === 'submitted' && !f.refusedByBudget
        ? { kind: 'test_timeout', value: null }
        : limitOf(result.exit_status, f.refusedByBudget, f.limits, f.formatErrors),
      finished_at: f.finishedAt,
      env_cache: f.envCache,
    },
    f.carried,
  );
}

/**
 * The first error of the attempt in pipeline order: a harness fault, the run budget, the agent's
 * own error (an interrupt is the run's), then grading's. Null when nothing failed.
 */
export function attemptError(f: Pick<AttemptFacts, 'harnessFault' | 'agentFault' | 'refusedByBudget' | 'result' | 'graded'>): AttemptError | null {
  const { result } = f;
  if (f.harnessFault) return { stage: f.harnessFault.stage, kind: 'harness_fault', message: f.harnessFault.message };
  if (f.agentFault) return { stage: f.agentFault.stage, kind: 'unknown', message: f.agentFault.message };
  if (f.refusedByBudget) return { stage: 'run', kind: 'run_budget', message: `run budget reached during the attempt (${result.error ?? result.exit_status})` };
  if (result.error !== undefined) {
    if (result.error === 'interrupted') return { stage: 'run', kind: 'interrupted', message: result.error };
    return { stage: 'agent', kind: result.exit_status === 'submitted' ? 'unknown' : result.exit_status, message: result.error };
  }
  const e = f.graded.evaluation;
  if (e.error === null) return null;
  const kind = ErrorKind.safeParse(e.outcome);
  return { stage: 'grading', kind: kind.success ? kind.data : 'infra_error', message: e.error };
}

/** `resolved_strict` as recorded: only a resolved attempt can be resolved under the stricter variant; absent when the task has none. */
function strictField(strict: boolean | undefined, outcome: string): { resolved_strict?: boolean } {
  return strict === undefined ? {} : { resolved_strict: strict && outcome === 'resolved' };
}
