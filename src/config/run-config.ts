// `RunConfig` (docs/run-config.md): everything that decides what a run's attempts mean — each
// contender's full agent configuration, every limit, attempts, re-runs and the price sheet. The CLI
// builds it, run.json stores it verbatim, and its canonical hash gives attempt keys and each
// contender's `config_hash`. Pure (zod and hashing only): importable by any layer. Never holds a key.
import { z } from 'zod';
import { canonicalHash } from '../core/ids.ts';
import { PriceRow } from './prices.ts';

/** Version of the RunConfig shape; a reader rejects others. */
export const RUN_CONFIG_VERSION = 1;

/** Defaults of the limits that have no CLI flag (the values fixbench has always used). */
export const LIMIT_DEFAULTS = {
  output_chars: 10_000,
  format_errors: 3,
  model_request_timeout_ms: 600_000,
  stream_idle_ms: 120_000,
  test_output_chars: 1024 * 1024,
  agent_output_bytes: 128 * 1024,
} as const;

/** Limits of every attempt. Units in the names: `_ms` milliseconds, `_usd` USD at list price. */
export const RunLimits = z
  .object({
    /** Model turns per attempt at most (`--steps`). */
    steps: z.number().int().nonnegative(),
    /** USD per attempt at most (`--attempt-usd`); null = no cap. */
    attempt_usd: z.number().nonnegative().nullable(),
    /** Wall time of one agent attempt (`--attempt-timeout`). */
    wall_ms: z.number().int().nonnegative(),
    /** Timeout of one agent command (`--command-timeout`). */
    command_timeout_ms: z.number().int().nonnegative(),
    /** Characters of one command's output shown to the built-in agent's model before head-and-tail truncation. */
    output_chars: z.number().int().nonnegative().default(LIMIT_DEFAULTS.output_chars),
    /** Consecutive replies without a valid command the built-in agent tolerates before it stops (`format_error`). */
    format_errors: z.number().int().nonnegative().default(LIMIT_DEFAULTS.format_errors),
    /** Timeout of one model request, the built-in agent's client and an external agent's metering proxy alike. */
    model_request_timeout_ms: z.number().int().positive().default(LIMIT_DEFAULTS.model_request_timeout_ms),
    /** A streamed reply silent this long is a failed (retried) call (built-in agent). */
    stream_idle_ms: z.number().int().positive().default(LIMIT_DEFAULTS.stream_idle_ms),
    /** Characters of test output (and report file) kept in a record's test log, head and tail. */
    test_output_chars: z.number().int().positive().default(LIMIT_DEFAULTS.test_output_chars),
    /** Bytes of an external agent's own output kept for its trajectory, head and tail halves. */
    agent_output_bytes: z.number().int().positive().default(LIMIT_DEFAULTS.agent_output_bytes),
  })
  .strict();
export type RunLimits = z.infer<typeof RunLimits>;

/** A model's route and request settings, as models.yaml and the price sheet gave them (no key). */
export const ModelRoute = z
  .object({
    /** Catalog id (models.yaml `id`). */
    id: z.string(),
    /** Model name sent upstream (models.yaml `model`). */
    upstream: z.string(),
    /** Wire protocol. */
    api: z.enum(['openai', 'anthropic']),
    base_url: z.string(),
    /** Name of the variable holding the API key; never the key. */
    api_key_env: z.string(),
    /** Request parameters sent with every call (temperature, max_tokens, …). */
    params: z.record(z.string(), z.unknown()),
    stream: z.boolean(),
    tool_calls: z.boolean(),
    /** Anthropic prompt-cache breakpoints (resolved: models.yaml, else on for Claude models). */
    cache_control: z.boolean(),
    /** What the model accepts (models.yaml `input`); written only when it lists `image` (absent = text only, as before the field). */
    input: z.array(z.enum(['text', 'image'])).optional(),
    /** Row key in the price sheet, and the row (null = unknown price). */
    price_key: z.string(),
    price: PriceRow.nullable(),
    /** A router endpoint (models.yaml `router: true`): calls priced by the model each reply names. Present only when true. */
    router: z.literal(true).optional(),
  })
  .strict();
export type ModelRoute = z.infer<typeof ModelRoute>;

/** A step-routing contender's policy and its two models (models.yaml `routes:`, docs/routing.md). */
export const StepRouteConfig = z
  .object({
    policy: z.enum(['first-k', 'on-failure', 'random']),
    /** `first-k`: steps given to the cheap model. */
    k: z.number().int().positive().optional(),
    /** `random`: probability of the strong model per step, and the seed of the draws. */
    p: z.number().min(0).max(1).optional(),
    seed: z.number().int().nonnegative().optional(),
    cheap: ModelRoute,
    strong: ModelRoute,
  })
  .strict();
export type StepRouteConfig = z.infer<typeof StepRouteConfig>;

/** The agent driving a model: the built-in `bash` agent or an external agent CLI (`command`). */
export const DrivingAgent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bash') }).strict(),
  z
    .object({
      kind: z.literal('command'),
      id: z.string(),
      /** The built-in preset it comes from (npm package and pinned version); null = a models.yaml entry. */
      preset: z.object({ package: z.string(), version: z.string() }).strict().nullable(),
      command: z.string(),
      /** Host variables passed by name. */
      env: z.array(z.string()),
      vars: z.record(z.string(), z.string()),
      /** The agent's own wall-time limit, seconds; null = `limits.wall_ms` only. */
      timeout_s: z.number().nullable(),
      network: z.enum(['proxy', 'host']),
    })
    .strict(),
]);
export type DrivingAgent = z.infer<typeof DrivingAgent>;

/** One contender of the run, keyed by `id` (the id in records and reports). */
export const ContenderConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reference'), id: z.enum(['gold', 'noop']) }).strict(),
  z
    .object({
      kind: z.literal('predictions'),
      id: z.string(),
      /** `model_name_or_path` of the predictions file. */
      name: z.string(),
      /** Canonical hash of the predicted patches by instance_id (each attempt key also holds its own patch's hash). */
      patches_hash: z.string(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('model'),
      id: z.string(),
      /** The model driven; for a step-routing contender, its strong model. */
      model: ModelRoute,
      agent: DrivingAgent,
      /** A step-routing contender's policy and models; absent for a single model. */
      route: StepRouteConfig.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('cascade'),
      /** `cascade:<stage>><stage>…` (each stage its model id, or `<model>@<agent>`). */
      id: z.string(),
      /** The models tried in order, each with its agent: the first runs, the next only when the signal fails. */
      stages: z.array(z.object({ id: z.string(), model: ModelRoute, agent: DrivingAgent }).strict()).min(2),
      /** `visible`: the stage submitted and its patch applies with every PASS_TO_PASS test passing; `submitted`: it submitted a non-empty patch. */
      signal: z.enum(['visible', 'submitted']),
      /** `fresh`: each stage in a new workspace; `continue`: the same workspace, with the earlier stage's transcript summarised. */
      mode: z.enum(['fresh', 'continue']),
    })
    .strict(),
]);
export type ContenderConfig = z.infer<typeof ContenderConfig>;

export const RunConfig = z
  .object({
    config_version: z.literal(RUN_CONFIG_VERSION),
    contenders: z.array(ContenderConfig),
    limits: RunLimits,
    /** Run-wide caps: USD at list price and tokens (prompt + output of every call); null = none. */
    run_budget: z.object({ usd: z.number().nonnegative().nullable(), tokens: z.number().int().positive().nullable() }).strict(),
    /** Attempts per task and contender (`--attempts`). */
    attempts_per_task: z.number().int().positive(),
    /** Extra test runs of an unresolved attempt to find flaky tests (`--rerun-failed`). */
    rerun_failed: z.number().int().nonnegative(),
    /** The price sheet: file (relative to the fixbench package when bundled), canonical hash of its content, date, source and its made-up marker (present only when true). */
    price_sheet: z.object({ file: z.string(), content_hash: z.string(), as_of: z.string(), source: z.string(), illustrative: z.literal(true).optional() }).strict(),
  })
  .strict();
export type RunConfig = z.infer<typeof RunConfig>;

/**
 * A contender's configuration hash (16 hex chars): canonical hash of its `ContenderConfig` with the
 * limits and `rerun_failed` that apply to each of its attempts. Key order never matters. Two runs'
 * records of one contender are comparable attempt for attempt iff the hashes are equal.
 */
export function contenderConfigHash(config: RunConfig, contender: ContenderConfig): string {
  return canonicalHash({ contender, limits: config.limits, rerun_failed: config.rerun_failed }).slice(0, 16);
}

/** The run's configuration hash (16 hex chars): the canonical hash of the whole RunConfig. */
export const runConfigHash = (config: RunConfig): string => canonicalHash(config).slice(0, 16);
