// Store format version 1 (fixbench up to commit 300e39d), as it was written: read only, and upgraded
// to version 2 on read (src/store/upgrade.ts). Never written.
import { z } from 'zod';
import { ExitStatus, Outcome } from '../core/outcome.ts';
import { TokenUsage } from '../core/usage.ts';
import { Contender, EnvCacheStatus, InterruptedCalls, RunId, Shard, TestsStatus } from '../core/records.ts';

export const RunHeaderV1 = z.object({
  format_version: z.literal(1),
  run_id: RunId,
  status: z.enum(['running', 'finished', 'interrupted', 'budget_exhausted', 'failed']),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  harness: z.object({ version: z.string(), commit: z.string().nullable() }),
  suite: z.object({ hash: z.string(), instance_ids: z.array(z.string()) }),
  contenders: z.array(Contender),
  skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
  price_sheet: z.object({ file: z.string(), as_of: z.string(), source: z.string() }),
  limits: z.object({
    steps: z.number(),
    attempt_usd: z.number().nullable(),
    wall_ms: z.number(),
    command_timeout_ms: z.number(),
    run_budget_usd: z.number().nullable(),
    /** Run-wide cap on model tokens (prompt + output, all calls); null or absent = none. */
    run_budget_tokens: z.number().nullable().optional(),
  }),
  attempts_per_task: z.number().int().positive(),
  /** `--rerun-failed`: extra test runs of an unresolved attempt to detect flaky tests (0 = none). */
  rerun_failed: z.number().int().nonnegative().default(0),
  /** Attempts run at once. */
  concurrency: z.number().int().positive().default(1),
  sandbox: z.string(),
  host: z.object({ platform: z.string(), node: z.string(), cpus: z.number() }),
  /** Why the run stopped early, if it did (budget reached, interrupt). */
  note: z.string().nullable().default(null),
  // Optional (absent = null / none) so older headers and existing writers stay valid.
  /** The shard this run holds (`--shard i/n`); absent or null = the whole suite. */
  shard: Shard.nullable().optional(),
  /** Times (ISO) the run was resumed (`--resume`, `--retry-errors`), oldest first. */
  resumed_at: z.array(z.string()).optional(),
  /** Shard run ids a `fixbench merge` joined into this run. */
  merged_from: z.array(z.string()).optional(),
});
export type RunHeaderV1 = z.infer<typeof RunHeaderV1>;

export const AttemptRecordV1 = z.object({
  format_version: z.literal(1),
  run_id: z.string(),
  instance_id: z.string(),
  /** Contender id (model id, or `gold`/`noop`). */
  model: z.string(),
  agent: z.string(),
  attempt: z.number().int().nonnegative(),
  key: z.string(),
  outcome: Outcome,
  exit_status: ExitStatus.nullable(),
  model_patch: z.string(),
  tests_status: TestsStatus.nullable(),
  apply_strategy: z.string().nullable(),
  /** Binary hunks dropped from the patch (never applied: a binary hunk must not reject a whole patch). */
  binary_hunks_dropped: z.number().int().nonnegative().default(0),
  /**
   * Patch entries dropped before any application strategy because they would leave the work tree
   * (a `.git` component in any case, `..`, an absolute path, a symlink leading out). 0 in records
   * written before the field existed.
   */
  unsafe_entries_dropped: z.number().int().nonnegative().default(0),
  test_files_edited: z.array(z.string()),
  /**
   * Protected paths the patch changed, dropped or restored before grading (test files by the task's
   * globs, runner configurations, `package.json#<key>`, lock files, installed and ignored paths;
   * DESIGN.md §6 step 2), sorted. Absent in records written before the field existed: none.
   */
  protected_files_edited: z.array(z.string()).optional(),
  /**
   * How the grading run's canary tests came out (DESIGN.md §11 rule 3), kept apart from
   * `tests_status`: `{fail: 'failed', pass: 'passed'}` when the evidence held. Null or absent when
   * no canaries ran: tests never ran, an older record, or an unprotected run (`unprotected`).
   */
  canaries: z
    .object({
      fail: z.enum(['passed', 'failed', 'skipped', 'error', 'missing']),
      pass: z.enum(['passed', 'failed', 'skipped', 'error', 'missing']),
      /** `mutated`: copies of the file's own tests; `synthetic`: the recognisable fallback (weaker). Absent in records before it. */
      kind: z.enum(['mutated', 'synthetic']).optional(),
    })
    .nullable()
    .optional(),
  /** Why the grading run carried no canaries (e.g. an `exit-code` task: graded, but not tamper-evident); null or absent otherwise. */
  unprotected: z.string().nullable().optional(),
  /** Result channels read and compared in the grading run: 2 where the runner writes a second report (node:test); absent in older records. */
  channels: z.number().int().min(1).max(2).optional(),
  usage: TokenUsage,
  /**
   * Billed calls of earlier tries of this attempt that a killed session left without a record
   * (`--resume` folds their ledger in, once): already included in `usage`, `calls`, `list_usd` and
   * `billed_usd`. Absent when there were none.
   */
  interrupted_calls: InterruptedCalls.optional(),
  /**
   * Share of the attempt's prompt tokens read from the provider's cache: `cache_read / prompt tokens`
   * (0..1); null without prompt tokens; absent in records written before the field existed.
   */
  cache_hit_share: z.number().min(0).max(1).nullable().optional(),
  calls: z.number().int().nonnegative(),
  /**
   * Of `calls`, the billed side calls of an external agent (requests without tools from a CLI whose
   * working calls offer tools, e.g. opencode's title call): their count, tokens and list USD (null
   * when a price is unknown). Included in `calls`, `usage` and `list_usd`; absent when none.
   */
  side_calls: z.object({ calls: z.number().int().positive(), usage: TokenUsage, list_usd: z.number().nullable() }).optional(),
  /** USD at list price; null when any call's price is unknown. */
  list_usd: z.number().nullable(),
  /** USD reported by the provider; null when not reported. */
  billed_usd: z.number().nullable(),
  /** False when some call's token counts are unknown (a stream cut before its usage): its cost stays null. */
  usage_complete: z.boolean().optional(),
  /** `(billed_usd − list_usd) / list_usd`; null or absent when either is unknown. Past ±0.05 it is flagged (`driftFlagged`). */
  cost_drift: z.number().nullable().optional(),
  price_sheet: z.string(),
  steps: z.number().int().nonnegative(),
  wall_ms: z.number().nonnegative(),
  model_ms: z.number().nonnegative(),
  test_ms: z.number().nonnegative(),
  visible_check: z.boolean(),
  /** Times the tests ran for this attempt: 0 when they never ran, 1, or up to 1 + N with `--rerun-failed N`. */
  test_runs: z.number().int().nonnegative().default(1),
  /** Tests whose results disagreed across those runs (the outcome is the first run's). */
  flaky_tests: z.array(z.string()).default([]),
  error: z.string().nullable(),
  finished_at: z.string(),
  /** Environment cache use of the agent's workspace setup; absent or null when no setup ran for the agent. */
  env_cache: EnvCacheStatus.nullable().optional(),
});
export type AttemptRecordV1 = z.infer<typeof AttemptRecordV1>;
