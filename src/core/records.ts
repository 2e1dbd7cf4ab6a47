// Record schemas of the results store, format version 2 (docs/store-format.md): `run.json`
// (RunHeader) and one `attempts.jsonl` line per finished attempt (AttemptRecord). Pure: analysis,
// the report and the store import them from here; only src/store reads and writes the files (and
// upgrades version-1 records on read, src/store/upgrade.ts).
import { z } from 'zod';
import { ExitStatus, Outcome } from './outcome.ts';
import { TokenUsage } from './usage.ts';
import { TestsStatus } from './tests-status.ts';
import { RunConfig } from '../config/run-config.ts';

/** Version of the results-store format this fixbench writes. */
export const STORE_FORMAT_VERSION = 2;
/** Store format versions this fixbench reads (version 1 is upgraded on read by `upgradeAttemptRecord`). */
export const SUPPORTED_FORMAT_VERSIONS: readonly number[] = [1, STORE_FORMAT_VERSION];

/** `--shard i/n`: this run holds the attempts whose key hashes to shard `index` (1-based) of `count`. */
export const Shard = z.object({ index: z.number().int().positive(), count: z.number().int().positive() }).refine((s) => s.index <= s.count, 'index must be at most count');
export type Shard = z.infer<typeof Shard>;

/** Whether an attempt's `setup` came from the environment cache (DESIGN.md §4); null = no setup ran for the agent. */
export const EnvCacheStatus = z.enum(['hit', 'miss', 'uncacheable', 'off']);
export type EnvCacheStatus = z.infer<typeof EnvCacheStatus>;

/** Where agent commands, setup and tests ran (`--sandbox` after `auto` is resolved). */
export const SandboxKind = z.enum(['local', 'bwrap', 'docker']);
export type SandboxKind = z.infer<typeof SandboxKind>;

/** Patch application strategies, in the order they are tried (DESIGN.md §6 step 3). */
export const APPLY_STRATEGIES = ['git apply', 'git apply --3way', 'git apply --recount', 'patch --fuzz'] as const;
export const ApplyStrategy = z.enum(APPLY_STRATEGIES);
export type ApplyStrategy = z.infer<typeof ApplyStrategy>;

/** The graded test ids of one attempt, SWE-bench's `tests_status` shape (one definition: ./tests-status.ts). */
export { TestsStatus } from './tests-status.ts';

/** A price row as recorded: USD per million tokens as decimal strings (other fields, e.g. tiers, kept). */
export const RecordedPrice = z.object({ input: z.string(), output: z.string(), cache_read: z.string().optional(), cache_write: z.string().optional() }).passthrough();

/** One contender of a run: an agent, and for model-driven agents the model it drives. */
export const Contender = z.object({
  /** Label used in results and reports: `<model>` (bash agent), `<model>@<agent>`, or `gold`/`noop`/a predictions label. */
  id: z.string(),
  agent: z.string(),
  /** The model id in the catalog; null for agents that drive no model. */
  model: z.string().nullable(),
  /** Upstream model name (e.g. an OpenRouter slug), for provenance. */
  upstream: z.string().nullable(),
  name: z.string().nullable(),
  vendor: z.string().nullable(),
  region: z.string().nullable(),
  provider: z.string().nullable(),
  /** The model's row key in the price sheet (models.yaml `price`, else the id), so a re-pricing finds the same row; absent in older runs. */
  price_key: z.string().optional(),
  /** Price row used; null = unknown price. */
  price: RecordedPrice.nullable(),
  /** An external agent given the host's network (`agents[].network: host`); absent = only the metering proxy (or no external agent). */
  agent_network: z.literal('host').optional(),
  /** `contenderConfigHash` of its RunConfig entry (16 hex): equal hashes = comparable attempts; absent in runs older than RunConfig. */
  config_hash: z.string().optional(),
  /**
   * A live cascade contender (`run --cascade a,b`): its stage contenders in the order tried (each a
   * model id, or `<model>@<agent>`), the escalation signal and the workspace mode. Absent = not a cascade.
   * Such a contender's `model` is the stage model ids joined by `>` and its `price` is null (each stage has its own).
   */
  cascade: z.object({
    stages: z.array(z.object({ contender: z.string(), model: z.string(), price_key: z.string(), price: RecordedPrice.nullable() })).min(2),
    signal: z.enum(['visible', 'submitted']),
    mode: z.enum(['fresh', 'continue']),
  }).optional(),
});
export type Contender = z.infer<typeof Contender>;

/** A run id names a folder: no path separators, no leading dot or dash. */
export const RunId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be letters, digits, ".", "_" and "-", starting with a letter or digit');

export const RunStatus = z.enum(['running', 'finished', 'interrupted', 'budget_exhausted', 'failed']);
export type RunStatus = z.infer<typeof RunStatus>;

/** Limits of a run as recorded. Units: USD, milliseconds, tokens. */
export const RunLimits = z.object({
  steps: z.number(),
  attempt_usd: z.number().nullable(),
  wall_ms: z.number(),
  command_timeout_ms: z.number(),
  run_budget_usd: z.number().nullable(),
  /** Run-wide cap on model tokens (prompt + output, all calls); null or absent = none. */
  run_budget_tokens: z.number().nullable().optional(),
});
export type RunLimits = z.infer<typeof RunLimits>;

/** `run.json`, format version 2 (version 1 differs only in `format_version` and an unenumerated `sandbox`). */
export const RunHeader = z.object({
  format_version: z.literal(STORE_FORMAT_VERSION),
  run_id: RunId,
  status: RunStatus,
  started_at: z.string(),
  finished_at: z.string().nullable(),
  /** `build`: sha256 of the compiled CLI's files (dist/, which git does not track), when run through bin/fixbench.mjs. */
  harness: z.object({ version: z.string(), commit: z.string().nullable(), build: z.string().optional() }),
  suite: z.object({ hash: z.string(), instance_ids: z.array(z.string()) }),
  contenders: z.array(Contender),
  skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
  price_sheet: z.object({ file: z.string(), as_of: z.string(), source: z.string(), illustrative: z.literal(true).optional() }), // illustrative: PriceSheet's made-up marker, only when true
  limits: RunLimits,
  attempts_per_task: z.number().int().positive(),
  /** `--rerun-failed`: extra test runs of an unresolved attempt to detect flaky tests (0 = none). */
  rerun_failed: z.number().int().nonnegative().default(0),
  /** Attempts run at once. */
  concurrency: z.number().int().positive().default(1),
  sandbox: SandboxKind,
  host: z.object({ platform: z.string(), node: z.string(), cpus: z.number() }),
  /** Why the run stopped early, if it did (budget reached, interrupt). */
  note: z.string().nullable().default(null),
  /** The shard this run holds (`--shard i/n`); absent or null = the whole suite. */
  shard: Shard.nullable().optional(),
  /** Times (ISO) the run was resumed (`--resume`, `--retry-errors`), oldest first. */
  resumed_at: z.array(z.string()).optional(),
  /** The models file the run's models came from (`--models-file`; package-relative when bundled) and the first 16 hex of its sha256; absent in older runs. A resume reads it when `--models-file` is not given. */
  models_file: z.object({ file: z.string(), content_hash: z.string() }).optional(),
  /** The task folder the run's tasks came from (`--tasks`; `tasks` when bundled, else absolute); absent in older runs. A resume without `--tasks` loads from it (the suite hash still checked). */
  tasks_dir: z.string().optional(),
  /** Shard run ids a `fixbench merge` joined into this run. */
  merged_from: z.array(z.string()).optional(),
  /** When `fixbench merge` wrote this run (ISO); `started_at` stays the earliest shard's start. Absent in older merges and in runs not merged. */
  merged_at: z.string().optional(),
  /** The shards of the split a `fixbench merge --allow-missing` lacked: the run is partial (their attempts never ran). Absent = none missing. */
  missing_shards: z.array(Shard).min(1).optional(),
  /** True while `fixbench merge` writes this run (absent once its merged header is written): a run.json that still has it is a merge stopped
   * before every record was copied, told apart from a merged run whose shards were themselves `running`. Merges of older versions say so by their note only. */
  merging: z.literal(true).optional(),
  /** The run's configuration, verbatim (docs/run-config.md); absent in runs older than RunConfig (compared on the fields above). */
  config: RunConfig.optional(),
  /** Format version the run was first written with, when an older one (a version-1 run resumed or merged by this fixbench). */
  upgraded_from: z.literal(1).optional(),
});
export type RunHeader = z.infer<typeof RunHeader>;

/** Billed calls of earlier tries of an attempt that a killed session left unrecorded (read from its ledger). */
export const InterruptedCalls = z.object({
  calls: z.number().int().nonnegative(),
  usage: TokenUsage,
  list_usd: z.number().nullable(),
  billed_usd: z.number().nullable(),
  /** USD the run budget counted for these calls (`budget_usd` of the record); absent in records before it. */
  budget_usd: z.number().nonnegative().optional(),
  /**
   * Calls in flight at the kill (a pending ledger line never settled): the provider may have billed
   * them, but their tokens and cost are unknown, so they are not in `calls`, `usage`, `list_usd` or
   * `billed_usd`; `budget_usd` counts each at its bound (`unsettled_usd`). Absent when none.
   */
  unsettled_calls: z.number().int().positive().optional(),
  /** USD of those calls' bounds (counted in `budget_usd`). */
  unsettled_usd: z.number().nonnegative().optional(),
  /** Of `unsettled_calls`, those whose pending line had no bound (`bound_usd` null: an unpriced model, no ceiling): `unsettled_usd` counts them at 0, so it bounds the others only. Absent when none. */
  unbounded_calls: z.number().int().positive().optional(),
});
export type InterruptedCalls = z.infer<typeof InterruptedCalls>;

/**
 * The pipeline stage an attempt's error came from: `workspace` (checkout, setup, isolation: the
 * harness), `agent` (the agent or its model calls), `patch` (extracting the patch), `grading`
 * (applying the patch, running the tests), `run` (the run budget or an interrupt).
 */
export const ErrorStage = z.enum(['workspace', 'agent', 'patch', 'grading', 'run']);
export type ErrorStage = z.infer<typeof ErrorStage>;

/**
 * What went wrong: for stage `agent` the agent's exit status; for `grading` the grading outcome;
 * `harness_fault` for `workspace` and `patch`; `run_budget` or `interrupted` for `run`; `unknown`
 * only in upgraded version-1 records whose prose named no stage.
 */
export const ErrorKind = z.enum([
  // the agent's exit status (ExitStatus without `submitted`)
  'step_limit', 'cost_limit', 'time_limit', 'format_errors', 'context_exceeded', 'api_error', 'env_error', 'agent_failed',
  // the grading outcome
  'patch_failed', 'timeout', 'tampered', 'infra_error',
  'harness_fault', 'run_budget', 'interrupted', 'unknown',
]);
export type ErrorKind = z.infer<typeof ErrorKind>;

/** An attempt's error: stage and kind are enums (for counting and filtering), `message` is the prose. */
export const AttemptError = z.object({ stage: ErrorStage, kind: ErrorKind, message: z.string() });
export type AttemptError = z.infer<typeof AttemptError>;

/**
 * Which limit ended the attempt and its configured value: `steps` (turns), `attempt_usd` (USD),
 * `wall_ms` (ms), `format_errors` (consecutive), `context_window` (the model's, value null),
 * `run_budget_usd` (USD), `run_budget_tokens` (tokens), `test_timeout` (the task's, value null).
 */
export const LimitKind = z.enum(['steps', 'attempt_usd', 'wall_ms', 'format_errors', 'context_window', 'run_budget_usd', 'run_budget_tokens', 'test_timeout']);
export type LimitKind = z.infer<typeof LimitKind>;
export const AttemptLimit = z.object({ kind: LimitKind, value: z.number().nullable() });
export type AttemptLimit = z.infer<typeof AttemptLimit>;

/** A model mix: per model that answered (and its price-sheet row), its calls, summed tokens and list USD (null = unknown). */
export const ModelMixRows = z.array(z.object({ model: z.string(), calls: z.number().int().positive(), usage: TokenUsage, list_usd: z.number().nullable(), price_key: z.string().nullable() }));

/**
 * One stage of a live cascade attempt (`run --cascade`), in the order run: the model that ran, how
 * its agent ended, the run-time signal that decided whether to escalate, and what it cost. Units:
 * USD at list price, milliseconds, tokens.
 */
export const CascadeStage = z.object({
  /** The stage's contender id (a model id, or `<model>@<agent>`). */
  contender: z.string(),
  /** The model's catalog id. */
  model: z.string(),
  exit_status: ExitStatus,
  /**
   * Whether the stage passed the cascade's signal: true = the cascade stopped here; false = it
   * escalated; null = not checked (the last stage is graded, not checked; or the cascade stopped on a
   * harness fault, the run budget, a provider outage or an interrupt).
   */
  passed: z.boolean().nullable(),
  /** Why the stage passed, escalated or ended the cascade (prose, e.g. "visible check failed: 1 PASS_TO_PASS test failed"). */
  reason: z.string(),
  /** Characters of the patch the stage left (0 = none). */
  patch_chars: z.number().int().nonnegative(),
  steps: z.number().int().nonnegative(),
  calls: z.number().int().nonnegative(),
  usage: TokenUsage,
  /** USD at list price of the stage's calls; null when a price is unknown. */
  list_usd: z.number().nullable(),
  billed_usd: z.number().nullable(),
  /**
   * For a router or step-routing stage: which models answered its calls (as the record's `model_mix`),
   * so a re-price prices the stage per served model. Absent for other stages and in older records.
   */
  model_mix: ModelMixRows.optional(),
  wall_ms: z.number().nonnegative(),
  /** Milliseconds of the visible check's test run (0 when none ran). */
  check_ms: z.number().nonnegative(),
  /** The stage's trajectory file, relative to the run folder; null when the stage wrote none. */
  trajectory: z.string().nullable(),
});
export type CascadeStage = z.infer<typeof CascadeStage>;
const CanaryResult = z.enum(['passed', 'failed', 'skipped', 'error', 'missing']);
/** One `attempts.jsonl` line, format version 2. */
export const AttemptRecord = z.object({
  format_version: z.literal(STORE_FORMAT_VERSION),
  run_id: z.string(),
  instance_id: z.string(),
  /** Contender id (`RunHeader.contenders[].id`). Version 1 called it `model`. */
  contender: z.string(),
  agent: z.string(),
  attempt: z.number().int().nonnegative(),
  key: z.string(),
  outcome: Outcome,
  exit_status: ExitStatus.nullable(),
  model_patch: z.string(),
  tests_status: TestsStatus.nullable(),
  /**
   * For a task with `strict_pass_to_pass` (tasks import --compute-pass-to-pass): resolved and every
   * test gold passed beyond the lists PASSED too. A stricter variant, never the SWE-bench score
   * (`outcome`); absent for other tasks.
   */
  resolved_strict: z.boolean().optional(),
  apply_strategy: ApplyStrategy.nullable(),
  /**
   * Binary files left out of `model_patch` (a binary change cannot be graded as text): those the
   * agent created or changed in its workspace, plus binary entries of a given patch (predictions)
   * dropped before application. Version 1's `binary_hunks_dropped` counted only the latter.
   */
  binary_files_dropped: z.number().int().nonnegative(),
  /** Patch entries dropped before any application strategy because they would leave the work tree. */
  unsafe_entries_dropped: z.number().int().nonnegative(),
  test_files_edited: z.array(z.string()),
  /** Protected paths the patch changed, dropped or restored before grading (DESIGN.md §6 step 2), sorted. */
  protected_files_edited: z.array(z.string()),
  /** How the grading run's canary tests came out (DESIGN.md §11 rule 3); null when no canaries ran. */
  canaries: z.object({
    fail: CanaryResult,
    pass: CanaryResult,
    kind: z.enum(['mutated', 'synthetic']).optional(),
    /** Odds (0–1) that a patch guessing which of each original and its mutant is the canary beats them all (evaluation/canary.ts). */
    guess: z.number().min(0).max(1).optional(),
    /** Weakly protected test files: a single test (one mutant, no must-pass copy), or no test test.patch brought (every mutant copies a test whose title the patch can read: odds 1). */
    weak: z.array(z.string()).optional(),
    /** Must-fail copies at odds 1 because the rest of their own test gives the expected value away: file, test id tail, value as written (`-5`), tell (`input`: it writes the value; `count`: it writes the twins' tokens unequally often; absent in older records: `input`) (evaluation/canary-odds.ts `EchoedValue`). */
    echoed: z.array(z.object({ file: z.string(), test: z.string(), value: z.string(), tell: z.enum(['input', 'count']).optional() })).optional(),
    /** node:test test files that got no hook canary, and why (evaluation/canary-hook.ts): a rewrite of their event stream flipping hook failures goes unseen there. Absent when none and in older records. */
    unhooked: z.array(z.object({ file: z.string(), why: z.string() })).optional(),
  }).nullable().optional(),
  /** Why the grading run carried no canaries (e.g. an `exit-code` task); null or absent otherwise. */
  unprotected: z.string().nullable().optional(),
  /** Result channels read and compared in the grading run (2 where the runner writes a second report). */
  channels: z.number().int().min(1).max(2).optional(),
  usage: TokenUsage,
  /** Billed calls of earlier tries that a killed session left without a record; already included in the totals. */
  interrupted_calls: InterruptedCalls.optional(),
  /** `cache_read / prompt tokens` (0..1); null without prompt tokens. */
  cache_hit_share: z.number().min(0).max(1).nullable().optional(),
  calls: z.number().int().nonnegative(),
  /** Of `calls`, the billed side calls of an external agent; included in every total. Absent when none. */
  side_calls: z.object({ calls: z.number().int().positive(), usage: TokenUsage, list_usd: z.number().nullable() }).optional(),
  /**
   * The models that answered the attempt's calls, for a step-routing contender (by catalog id) or a
   * router entry (by the model each reply named; `(unnamed)` when a reply named none): calls, summed
   * tokens and list USD (null when any of its calls' price is unknown, e.g. a served model missing
   * from the price sheet), in order of first use. Absent for single-model contenders.
   */
  model_mix: ModelMixRows.optional(),
  /** USD at list price; null when any call's price is unknown. */
  list_usd: z.number().nullable(),
  /**
   * USD the run budget counted for this attempt: priced calls at list price, unknown-price calls at
   * their ceiling cost (`cap_usd`), calls with neither at 0. What `--resume` carries into the run
   * budget. Absent for reference and predictions records and in records before it (then `list_usd`).
   */
  budget_usd: z.number().nonnegative().optional(),
  /** USD reported by the provider; null when not reported. */
  billed_usd: z.number().nullable(),
  /** False when some call's token counts are unknown (a stream cut before its usage): its cost stays null. */
  usage_complete: z.boolean().optional(),
  /** `(billed_usd − list_usd) / list_usd`; null when either is unknown. */
  cost_drift: z.number().nullable().optional(),
  price_sheet: z.string(),
  steps: z.number().int().nonnegative(),
  wall_ms: z.number().nonnegative(),
  model_ms: z.number().nonnegative(),
  test_ms: z.number().nonnegative(),
  visible_check: z.boolean(),
  /** Times the tests ran: 0 when they never ran, 1, or up to 1 + N with `--rerun-failed N`. */
  test_runs: z.number().int().nonnegative(),
  /** Tests whose results disagreed across those runs (the outcome is the first run's). */
  flaky_tests: z.array(z.string()),
  error: AttemptError.nullable(),
  /** The limit that ended the attempt; null when none did. */
  limit: AttemptLimit.nullable(),
  finished_at: z.string(),
  /**
   * Environment cache use of the agent's workspace setup; null when no setup ran for the agent (gold,
   * noop and predictions run none there); absent in records written before the field. The
   * evaluation checkout's setup is not counted here (the CLI's `env cache:` line counts every setup).
   */
  env_cache: EnvCacheStatus.nullable().optional(),
  /** Images of the task's problem_assets/ shown with the issue: 0 when the task has images but the contender saw none (a text-only model, an external agent); absent when it has none (or in older records). */
  images_sent: z.number().int().nonnegative().optional(),
  /**
   * A live cascade attempt's stages in the order run (absent for every other contender). The
   * record's usage, calls and USD are the sum over its stages (and any `interrupted_calls`); its
   * patch, outcome and tests are the last stage's, graded as any attempt.
   */
  stages: z.array(CascadeStage).optional(),
});
export type AttemptRecord = z.infer<typeof AttemptRecord>;

/** The fields the report's index page and the analyses read (`IndexRecord`): what `readRunIndex` decodes and validates of each line (src/store/scan.ts). Attempt pages read whole records. */
export const INDEX_COLUMNS = ['format_version', 'key', 'contender', 'instance_id', 'attempt', 'outcome', 'calls', 'error', 'exit_status', 'flaky_tests', 'interrupted_calls', 'list_usd', 'billed_usd', 'protected_files_edited', 'stages', 'steps', 'test_files_edited', 'test_runs', 'unprotected', 'usage', 'visible_check', 'wall_ms', 'model_mix', 'images_sent', 'resolved_strict'] as const satisfies ReadonlyArray<keyof AttemptRecord>;
export type IndexRecord = Pick<AttemptRecord, (typeof INDEX_COLUMNS)[number]>;
