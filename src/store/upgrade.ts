// The one place older store formats become the current one (docs/store-format.md): a version-1
// `run.json` or `attempts.jsonl` line is validated against its own schema (src/store/v1.ts), then
// upgraded to version 2. Pure.
import type { AttemptRecord, AttemptError, AttemptLimit, RunHeader, RunLimits } from '../core/records.ts';
import { APPLY_STRATEGIES, ApplyStrategy, ErrorKind as ErrorKindSchema, SandboxKind } from '../core/records.ts';
import type { ExitStatus } from '../core/outcome.ts';
import { UserInputError } from '../core/errors.ts';
import { AttemptRecordV1, RunHeaderV1 } from './v1.ts';

/** Result of validating and upgrading one stored object: the current-format value, or the problems (`path: message`). */
export type Upgraded<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const issues = (e: { issues: Array<{ path: PropertyKey[]; message: string }> }) => e.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);

/**
 * A version-1 run header as version 2: `sandbox` checked against the enum, `upgraded_from: 1` set.
 * @returns problems when it is no valid version-1 header.
 */
export function upgradeRunHeader(raw: unknown): Upgraded<RunHeader> {
  const v1 = RunHeaderV1.safeParse(raw);
  if (!v1.success) return { ok: false, problems: issues(v1.error) };
  const sandbox = SandboxKind.safeParse(v1.data.sandbox);
  if (!sandbox.success) return { ok: false, problems: [`sandbox: "${v1.data.sandbox}" is none of ${SandboxKind.options.join(', ')}`] };
  return { ok: true, value: { ...v1.data, format_version: 2, sandbox: sandbox.data, upgraded_from: 1 } };
}

/**
 * A version-1 attempt line as version 2: `model` → `contender`; the prose `error` → `{stage, kind,
 * message}` (the message kept verbatim); `limit` from the exit status and the run's `limits`;
 * `binary_hunks_dropped` → `binary_files_dropped`; defaults of v1 filled in.
 * @returns problems when it is no valid version-1 record.
 */
export function upgradeAttemptRecord(raw: unknown, limits: RunLimits): Upgraded<AttemptRecord> {
  const v1 = AttemptRecordV1.safeParse(raw);
  if (!v1.success) return { ok: false, problems: issues(v1.error) };
  const { model, binary_hunks_dropped, error, apply_strategy, ...rest } = v1.data;
  const strategy = apply_strategy === null ? null : ApplyStrategy.safeParse(apply_strategy);
  if (strategy && !strategy.success) return { ok: false, problems: [`apply_strategy: "${apply_strategy}" is none of ${APPLY_STRATEGIES.join(', ')}`] };
  const budget = error?.startsWith('run budget reached') ?? false;
  return {
    ok: true,
    value: {
      ...rest,
      format_version: 2,
      contender: model,
      apply_strategy: strategy ? strategy.data : null,
      binary_files_dropped: binary_hunks_dropped,
      protected_files_edited: rest.protected_files_edited ?? [],
      error: error === null ? null : v1Error(error, rest.exit_status, rest.outcome),
      limit: limitOf(rest.exit_status, budget, limits),
    },
  };
}

/** The stage and kind of a version-1 prose error, from its prefix and the record's exit status and outcome. */
function v1Error(message: string, exit: ExitStatus | null, outcome: string): AttemptError {
  if (message.startsWith('harness: ')) return { stage: 'workspace', kind: 'harness_fault', message };
  if (message.startsWith('run budget reached')) return { stage: 'run', kind: 'run_budget', message };
  if (message.startsWith('patch extraction failed')) return { stage: 'patch', kind: 'harness_fault', message };
  if (exit && exit !== 'submitted') return { stage: 'agent', kind: exit, message };
  const kind = ErrorKindSchema.safeParse(outcome);
  return kind.success ? { stage: 'grading', kind: kind.data, message } : { stage: 'grading', kind: 'unknown', message };
}

/**
 * The limit an attempt ended on, with its configured value from the run's limits: step, cost, wall
 * time and format-error limits from the exit status; the run budget when a call was refused by it.
 * Null when no limit ended it.
 */
export function limitOf(exit: ExitStatus | null, refusedByRunBudget: boolean, limits: RunLimits, formatErrors: number | null = null): AttemptLimit | null {
  if (refusedByRunBudget) {
    return limits.run_budget_usd !== null ? { kind: 'run_budget_usd', value: limits.run_budget_usd } : { kind: 'run_budget_tokens', value: limits.run_budget_tokens ?? null };
  }
  switch (exit) {
    case 'step_limit':
      return { kind: 'steps', value: limits.steps };
    case 'cost_limit':
      return { kind: 'attempt_usd', value: limits.attempt_usd };
    case 'time_limit':
      return { kind: 'wall_ms', value: limits.wall_ms };
    case 'format_errors':
      return { kind: 'format_errors', value: formatErrors };
    case 'context_exceeded':
      return { kind: 'context_window', value: null };
    default:
      return null;
  }
}

/** @throws UserInputError naming `where` and every problem, when an upgrade failed. */
export function upgradedOrThrow<T>(where: string, what: string, u: Upgraded<T>): T {
  if (u.ok) return u.value;
  throw new UserInputError(`${where}: invalid ${what} (store format version 1): ${u.problems.join('; ')}`);
}
