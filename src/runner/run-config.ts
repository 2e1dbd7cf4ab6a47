// From a run's contender plans to its `RunConfig` entries and attempt keys (docs/run-config.md).
// Pure. The one place that says which part of a plan defines an attempt.
import type { AgentLimits } from '../agents/types.ts';
import { presetOfSpec } from '../agents/presets.ts';
import { attemptKey, canonicalHash, stableHash } from '../core/ids.ts';
import { LIMIT_DEFAULTS, RUN_CONFIG_VERSION, RunConfig, contenderConfigHash, type ContenderConfig, type ModelRoute, type RunLimits, type StepRouteConfig } from '../config/run-config.ts';
import type { PriceSheet } from '../config/prices.ts';
import type { PricedModel } from '../config/catalog.ts';
import type { AgentSpec } from '../config/agents.ts';
import type { Contender, RunHeader } from '../store/records.ts';
import type { CascadePlan, ContenderPlan, ModelPlan, RoutePlan } from '../agents/factory.ts';
import { describeRoute } from '../config/routes.ts';

export type { ContenderPlan };

/** The contender id a plan is recorded under: the model id, `<model>@<agent>` for an external agent, or the reference / predictions id. */
export function contenderIdOf(plan: ContenderPlan): string {
  if (plan.kind === 'reference') return plan.agent;
  if (plan.kind === 'predictions') return plan.id;
  if (plan.kind === 'cascade') return plan.id;
  if (plan.route) return plan.route.spec.id;
  return plan.agent ? `${plan.model.spec.id}@${plan.agent.id}` : plan.model.spec.id;
}

/** The run.json contender of a plan; with `config`, its `config_hash` too (absent for a run that predates RunConfig). */
export function contenderOf(plan: ContenderPlan, config?: RunConfig): Contender {
  const c = contenderRow(plan);
  return config ? { ...c, config_hash: contenderConfigHash(config, configEntryOf(config, plan)) } : c;
}

/** The run.json row of a plan (labels, price row for reports); no key. */
function contenderRow(plan: ContenderPlan): Contender {
  if (plan.kind === 'reference') {
    return { id: plan.agent, agent: plan.agent, model: null, upstream: null, name: null, vendor: null, region: null, provider: null, price: null };
  }
  if (plan.kind === 'predictions') {
    return { id: plan.id, agent: 'predictions', model: null, upstream: null, name: plan.name, vendor: null, region: null, provider: null, price: null };
  }
  if (plan.kind === 'cascade') return cascadeRow(plan);
  if (plan.route) return routeContenderRow(plan.route);
  const { spec, price } = plan.model;
  return {
    // An external agent's contender is `<model>@<agent>`, so one model under several agents stays apart.
    id: plan.agent ? `${spec.id}@${plan.agent.id}` : spec.id,
    agent: plan.agent?.id ?? 'bash',
    model: spec.id,
    upstream: spec.model,
    name: spec.name ?? null,
    vendor: spec.vendor,
    region: spec.region,
    provider: spec.provider,
    price_key: spec.price ?? spec.id,
    price: price ? { ...price } : null,
    ...(plan.agent?.network === 'host' ? { agent_network: 'host' as const } : {}),
  };
}

/**
 * The run.json row of a live cascade: `model` the stage model ids joined by `>`, `agent` the stages'
 * agent when they share one (else their agents joined by `>`), `price` null (each stage's row is in
 * `cascade.stages`), vendor and region when every stage shares them.
 */
function cascadeRow(plan: CascadePlan): Contender {
  const rows = plan.stages.map(contenderRow);
  const same = (xs: Array<string | null>): string | null => (xs.every((x) => x === xs[0]) ? xs[0]! : null);
  const agents = rows.map((r) => r.agent);
  return {
    id: plan.id,
    agent: same(agents) ?? agents.join('>'),
    model: rows.map((r) => r.model).join('>'),
    upstream: null,
    name: null,
    vendor: same(rows.map((r) => r.vendor)),
    region: same(rows.map((r) => r.region)),
    provider: same(rows.map((r) => r.provider)),
    price: null,
    cascade: { stages: rows.map((r) => ({ contender: r.id, model: r.model!, price_key: r.price_key!, price: r.price })), signal: plan.signal, mode: plan.mode },
  };
}

/** Canonical hash of a predictions set: instance_id → patch (null = no prediction). */
const patchesHash = (patches: ReadonlyMap<string, string | null>): string => canonicalHash(Object.fromEntries([...patches].sort(([a], [b]) => (a < b ? -1 : 1))));

/** The `RunConfig` entry of a plan: everything that defines its attempts, no API key. */
export function contenderConfigOf(plan: ContenderPlan): ContenderConfig {
  if (plan.kind === 'reference') return { kind: 'reference', id: plan.agent };
  if (plan.kind === 'predictions') return { kind: 'predictions', id: plan.id, name: plan.name, patches_hash: patchesHash(plan.patches) };
  if (plan.kind === 'cascade') {
    return { kind: 'cascade', id: plan.id, stages: plan.stages.map((p) => { const { kind: _, ...stage } = modelConfigOf(p); return stage; }), signal: plan.signal, mode: plan.mode };
  }
  return modelConfigOf(plan);
}

/** The RunConfig entry of a model plan (also a cascade's stage). */
function modelConfigOf(plan: ModelPlan): Extract<ContenderConfig, { kind: 'model' }> {
  const { spec, price } = plan.model;
  const a = plan.agent;
  const preset = a ? presetOfSpec(a)?.preset : undefined;
  return {
    kind: 'model',
    id: contenderIdOf(plan),
    model: modelRouteOf(plan.model),
    ...(plan.route ? { route: stepRouteOf(plan.route) } : {}),
    agent: a
      ? {
          kind: 'command', id: a.id, preset: preset ? { package: preset.package, version: preset.version } : null, command: a.command,
          env: a.env, vars: a.vars, timeout_s: a.timeout_s ?? null, network: a.network,
        }
      : { kind: 'bash' },
  };
}

/** A model's RunConfig route (no key); `router` only when true, so other contenders' hashes are unchanged. */
function modelRouteOf({ spec, price }: PricedModel): ModelRoute {
  return {
    id: spec.id,
    upstream: spec.model,
    api: spec.api,
    base_url: spec.base_url,
    api_key_env: spec.api_key_env,
    params: spec.params,
    stream: spec.stream,
    tool_calls: spec.tool_calls,
    cache_control: spec.cache_control ?? /claude|anthropic/i.test(spec.model),
    // Only when not the default, so a text-only model's configuration (and config_hash) is as before.
    ...(spec.input.includes('image') ? { input: [...spec.input] } : {}),
    price_key: spec.price ?? spec.id,
    price: price ? { ...price } : null,
    ...(spec.router ? { router: true as const } : {}),
  };
}

/** A step route's RunConfig entry: its policy's parameters and both models. */
function stepRouteOf(r: RoutePlan): StepRouteConfig {
  const s = r.spec;
  const params = s.policy === 'first-k' ? { k: s.k } : s.policy === 'random' ? { p: s.p, seed: s.seed } : {};
  return { policy: s.policy, ...params, cheap: modelRouteOf(r.cheap.model), strong: modelRouteOf(r.strong.model) };
}

/** The run.json row of a step-routing contender: its id, the policy as its name, the two models' vendors and regions; no single price row. */
function routeContenderRow(r: RoutePlan): Contender {
  const arms = [r.cheap.model.spec, r.strong.model.spec];
  const both = (f: (m: (typeof arms)[number]) => string) => [...new Set(arms.map(f))].join(' + ');
  return {
    id: r.spec.id,
    agent: 'bash',
    model: r.spec.id,
    upstream: arms.map((m) => m.model).join(' / '),
    name: r.spec.name ?? `route: ${describeRoute(r.spec)}`,
    vendor: both((m) => m.vendor),
    region: both((m) => m.region),
    provider: both((m) => m.provider),
    price: null,
  };
}

/** The agents' limits (milliseconds, USD) from the config's. */
export function agentLimitsOf(l: RunLimits): AgentLimits {
  // field order matters for legacyAttemptKey: it is the order the CLI used to build this object in
  return { steps: l.steps, costUsd: l.attempt_usd, wallMs: l.wall_ms, commandTimeoutMs: l.command_timeout_ms, outputChars: l.output_chars, formatErrors: l.format_errors };
}

/** The contender config of `plan` in `config`. @throws Error when the config has no entry for it (a bug). */
export function configEntryOf(config: RunConfig, plan: ContenderPlan): ContenderConfig {
  const id = contenderIdOf(plan);
  const c = config.contenders.find((x) => x.id === id);
  if (!c) throw new Error(`RunConfig has no contender "${id}"`);
  return c;
}

/**
 * Attempt key (16 hex chars) of `plan` on a task: canonical hash of the contender's `config_hash`
 * (its configuration, limits and re-runs), the task, the attempt index, and for a predictions set
 * the hash of that task's predicted patch (a changed prediction is a new attempt).
 */
export function attemptKeyOf(config: RunConfig, plan: ContenderPlan, instanceId: string, attempt: number): string {
  const configHash = contenderConfigHash(config, configEntryOf(config, plan));
  const perTask = plan.kind === 'predictions' ? { patch: canonicalHash(plan.patches.get(instanceId) ?? null) } : {};
  return attemptKey(instanceId, { config_hash: configHash, ...perTask }, attempt);
}

/**
 * The attempt key a run without a stored RunConfig (written before it existed) gave this attempt:
 * the JSON (key order as written) of a few plan fields. Used only to resume such a run.
 */
export function legacyAttemptKey(plan: ContenderPlan, limits: AgentLimits, instanceId: string, attempt: number): string {
  return stableHash(instanceId, legacyAgentConfig(plan, limits, instanceId), attempt).slice(0, 16);
}

function legacyAgentConfig(plan: ContenderPlan, limits: AgentLimits, instanceId: string): unknown {
  if (plan.kind === 'reference') return { agent: plan.agent };
  if (plan.kind === 'predictions') return { agent: 'predictions', name: plan.name, patch: stableHash(plan.patches.get(instanceId) ?? null) };
  // cascades came after RunConfig: a run without one never held a cascade
  if (plan.kind === 'cascade') return { agent: 'cascade', id: plan.id };
  const { spec } = plan.model;
  if (plan.agent) {
    const { id, command, env, vars, timeout_s } = plan.agent;
    return { agent: 'command', id, command, env, vars, timeout_s: timeout_s ?? null, model: spec.model, base_url: spec.base_url, limits };
  }
  return { agent: 'bash', model: spec.model, base_url: spec.base_url, params: spec.params, tool_calls: spec.tool_calls, limits };
}

/** What the CLI decides for a run besides its contenders; absent limits take `LIMIT_DEFAULTS`. */
export interface RunConfigInput {
  plans: readonly ContenderPlan[];
  limits: Omit<RunLimits, keyof typeof LIMIT_DEFAULTS> & Partial<Pick<RunLimits, keyof typeof LIMIT_DEFAULTS>>;
  runBudget: { usd: number | null; tokens: number | null };
  attempts: number;
  rerunFailed: number;
  /** `file` as recorded (relative to the package when bundled); `sheet` the parsed sheet. */
  priceSheet: { file: string; sheet: PriceSheet };
}

/** Builds and validates the RunConfig of a run. @throws Error (a bug) when the result breaks the schema. */
export function buildRunConfig(i: RunConfigInput): RunConfig {
  return RunConfig.parse({
    config_version: RUN_CONFIG_VERSION,
    contenders: i.plans.map(contenderConfigOf),
    limits: { ...LIMIT_DEFAULTS, ...i.limits },
    run_budget: i.runBudget,
    attempts_per_task: i.attempts,
    rerun_failed: i.rerunFailed,
    price_sheet: { file: i.priceSheet.file, content_hash: canonicalHash(i.priceSheet.sheet).slice(0, 16), as_of: i.priceSheet.sheet.as_of, source: i.priceSheet.sheet.source, ...(i.priceSheet.sheet.illustrative ? { illustrative: true } : {}) },
  });
}

/**
 * The run.json fields a RunConfig decides: the config itself, the contender rows (with their
 * `config_hash`) and the older header fields copied from it, which readers of older runs know.
 */
export function headerConfigFields(config: RunConfig, plans: readonly ContenderPlan[]): Pick<RunHeader, 'config' | 'contenders' | 'price_sheet' | 'limits' | 'attempts_per_task' | 'rerun_failed'> {
  const { limits, run_budget: budget, price_sheet: sheet } = config;
  return {
    contenders: plans.map((p) => contenderOf(p, config)),
    price_sheet: { file: sheet.file, as_of: sheet.as_of, source: sheet.source, ...(sheet.illustrative ? { illustrative: true } : {}) },
    limits: { steps: limits.steps, attempt_usd: limits.attempt_usd, wall_ms: limits.wall_ms, command_timeout_ms: limits.command_timeout_ms, run_budget_usd: budget.usd, run_budget_tokens: budget.tokens },
    attempts_per_task: config.attempts_per_task,
    rerun_failed: config.rerun_failed,
    config,
  };
}
