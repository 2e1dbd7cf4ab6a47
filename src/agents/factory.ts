// The agent of one attempt, from the contender's plan (DESIGN.md §5): a reference agent, the
// predictions replayer, the built-in `bash` agent with its model client, or an external agent CLI
// (`command`) with its model route for the metering proxy.
import type { PricedModel } from '../config/catalog.ts';
import { requestBound, type CallBound } from '../pricing/call-bound.ts';
import type { AgentSpec } from '../config/agents.ts';
import type { CallRecord } from '../core/calls.ts';
import type { ModelClient } from '../models/types.ts';
import type { ModelSpec } from '../config/models.ts';
import { createAgent } from './index.ts';
import { PredictionsAgent } from './predictions.ts';
import type { Agent, AgentUpstream } from './types.ts';
import { LIMIT_DEFAULTS, type RunLimits } from '../config/run-config.ts';
import type { RouteSpec } from '../config/routes.ts';
import { RoutedClient, type RouteArm } from './bash-route.ts';

/**
 * A contender to run: a reference agent (`gold`, `noop`), or a model driven by the built-in `bash`
 * agent or, with `agent`, by an external agent CLI (`command` agent, behind the metering proxy), or the
 * patches of a SWE-bench predictions file (`id` a file-name-safe label, `name` its model_name_or_path).
 */
export type ContenderPlan =
  | { kind: 'reference'; agent: 'gold' | 'noop' }
  | ModelPlan
  | { kind: 'predictions'; id: string; name: string; patches: ReadonlyMap<string, string | null> }
  | CascadePlan;

/** A model driven by the built-in `bash` agent or, with `agent`, an external agent CLI. */
export type ModelPlan = { kind: 'model'; model: PricedModel; apiKey: string; agent?: AgentSpec; route?: RoutePlan };

/**
 * A live cascade (`run --cascade a,b`, src/runner/cascade-attempt.ts): `stages` run in order, the
 * next only when the `signal` fails; `mode` says whether a later stage gets a fresh workspace or
 * continues in the earlier one's. `id` is `cascade:<stage>><stage>…`.
 */
export type CascadePlan = { kind: 'cascade'; id: string; stages: ModelPlan[]; signal: 'visible' | 'submitted'; mode: 'fresh' | 'continue' };

/** The wire protocols (`ModelSpec.api`) a model plan's built-in agent calls: its model's, or a route's two models'. */
export const planApis = (plan: ModelPlan): ModelSpec['api'][] => (plan.route ? [plan.route.cheap.model.spec.api, plan.route.strong.model.spec.api] : [plan.model.spec.api]);

/** The model plans of `plans`, a cascade's stages included (for keys, trust and sandbox decisions). */
export const modelPlansOf = (plans: readonly ContenderPlan[]): ModelPlan[] => plans.flatMap((p) => (p.kind === 'model' ? [p] : p.kind === 'cascade' ? p.stages : []));

/**
 * A step-routing contender (models.yaml `routes:`; bash agent only): the route and its two models
 * with their keys. Its plan's `model` and `apiKey` are the strong model's.
 */
export interface RoutePlan {
  spec: RouteSpec;
  cheap: { model: PricedModel; apiKey: string };
  strong: { model: PricedModel; apiKey: string };
}

/** Every API key a plan uses (for redaction): none, one, or a route's two. */
export function planKeys(plan: ContenderPlan): string[] {
  if (plan.kind === 'cascade') return plan.stages.flatMap(planKeys);
  if (plan.kind !== 'model') return [];
  return plan.route ? [plan.route.cheap.apiKey, plan.route.strong.apiKey] : [plan.apiKey];
}

/** How the runner meters a model-driven attempt (run budget, model-call pool, ledger). */
export interface MeterHooks {
  /** Wraps the bash agent's model client, whose calls go to `models` (one, or a step route's two: what a call's bound is priced at). */
  wrapClient: (client: ModelClient, models: readonly PricedModel[]) => ModelClient;
  /** Refuses an external agent's next call when it returns a message (the run budget). */
  refuse: () => string | null;
  /** Called per metered call of an external agent, with the id `pending` gave it. */
  onCall: (call: CallRecord, callId?: string) => void;
  /** Writes the pending ledger line of an external agent's call to `model` before it is forwarded, bounded by its body (src/pricing/call-bound.ts); returns its id. Absent: no ledger. */
  pending?: (bound: CallBound) => Promise<string>;
  /** Settles a pending call that never reached the provider. */
  unbilled?: (callId: string) => void;
}

/** The agent and, for model-driven agents, what its `AttemptContext` needs: the client (bash) or the upstream route (command). */
export interface AttemptAgent {
  agent: Agent;
  model?: ModelClient;
  upstream?: AgentUpstream;
}

/**
 * Builds the agent of one attempt. A provider SDK is loaded only when a bash-agent model of its
 * protocol runs (src/models/load.ts; they are a large part of start-up, bench/RESULTS.md). `limits` gives the model request timeout,
 * stream idle timeout and external-agent output kept (default `LIMIT_DEFAULTS`); `at`, the task and
 * attempt index a step route's random draws are tied to.
 */
export async function attemptAgent(
  plan: Exclude<ContenderPlan, CascadePlan>,
  meter: MeterHooks,
  limits: Pick<RunLimits, 'model_request_timeout_ms' | 'stream_idle_ms' | 'agent_output_bytes'> = LIMIT_DEFAULTS,
  at: { instanceId: string; attempt: number } = { instanceId: '', attempt: 0 },
): Promise<AttemptAgent> {
  if (plan.kind === 'reference') return { agent: createAgent(plan.agent) };
  if (plan.kind === 'predictions') return { agent: new PredictionsAgent(plan.patches) };
  const { spec, price } = plan.model;
  if (plan.agent) {
    const { id, command, env, vars, timeout_s, network } = plan.agent;
    const upstream: AgentUpstream = {
      dialect: spec.api,
      baseURL: spec.base_url,
      apiKey: plan.apiKey,
      model: spec.model,
      price,
      ...(plan.model.served ? { served: plan.model.served } : {}),
      ceiling: plan.model.ceiling ?? null,
      refuse: meter.refuse,
      onCall: meter.onCall,
      ...(meter.pending ? { pending: (body: Buffer) => meter.pending!(requestBound(body.toString('utf8'), plan.model)) } : {}),
      ...(meter.unbilled ? { unbilled: meter.unbilled } : {}),
    };
    const caps = { requestTimeoutMs: limits.model_request_timeout_ms, outputKeepBytes: limits.agent_output_bytes };
    return { agent: createAgent('command', { id, command, env, vars, network, ...caps, ...(timeout_s ? { timeoutMs: timeout_s * 1000 } : {}) }), upstream };
  }
  const createModelClient = await (await import('../models/load.ts')).modelClientsFor(planApis(plan));
  const clientOf = (m: PricedModel, apiKey: string) =>
    createModelClient(m.spec, apiKey, m.price, { requestTimeoutMs: limits.model_request_timeout_ms, streamIdleMs: limits.stream_idle_ms, ceiling: m.ceiling ?? null, ...(m.served ? { servedPricer: m.served } : {}) });
  const takesImages = (m: PricedModel) => m.spec.input.includes('image');
  const cacheOf = (m: PricedModel) => m.spec.cache_control ?? /claude|anthropic/i.test(m.spec.model);
  if (plan.route) {
    const r = plan.route;
    const arm = (a: RoutePlan['cheap']): RouteArm => ({ client: clientOf(a.model, a.apiKey), id: a.model.spec.id, priceKey: a.model.price ? (a.model.spec.price ?? a.model.spec.id) : null });
    const model = meter.wrapClient(new RoutedClient(r.spec, { cheap: arm(r.cheap), strong: arm(r.strong) }, at), [r.cheap.model, r.strong.model]);
    // both models share one protocol (checked when models.yaml is read); cache breakpoints when either is a Claude model
    return { agent: createAgent('bash', { toolCalls: spec.tool_calls, cacheControl: cacheOf(r.cheap.model) || cacheOf(r.strong.model), images: takesImages(r.cheap.model) && takesImages(r.strong.model) }), model };
  }
  const model = meter.wrapClient(clientOf(plan.model, plan.apiKey), [plan.model]);
  const agent = createAgent('bash', { toolCalls: spec.tool_calls, cacheControl: cacheOf(plan.model), images: takesImages(plan.model) });
  return { agent, model };
}
