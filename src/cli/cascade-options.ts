// `fixbench run --cascade a,b[,…]` (repeatable), `--cascade-mode`, `--cascade-signal`: the live
// cascade contenders of a run (src/runner/cascade-attempt.ts), every name checked before any work.
import type { CascadePlan, ModelPlan } from '../agents/factory.ts';
import { commandPrefix } from './hints.ts';
import { checkRunAgents } from '../agents/preset-check.ts';
import type { Catalog } from '../config/catalog.ts';
import { UserInputError } from '../core/errors.ts';
import type { RunHeader } from '../store/records.ts';

export const CASCADE_MODES = ['fresh', 'continue'] as const;
export const CASCADE_SIGNALS = ['visible', 'submitted'] as const;
export type CascadeMode = (typeof CASCADE_MODES)[number];
export type CascadeSignal = (typeof CASCADE_SIGNALS)[number];

/** Commander parser of `--cascade`: each occurrence is one cascade (its comma-separated stages, as typed). */
export function cascadeArg(v: string, prev: unknown): string[] {
  return [...(Array.isArray(prev) ? (prev as string[]) : []), v];
}

/** The contender id of a cascade of these stage ids: `cascade:a>b`. */
export const cascadeId = (stages: readonly string[]): string => `cascade:${stages.join('>')}`;

/**
 * The cascade plans of `--cascade` values. A stage is a model id of the catalog, or `<model>@<agent>`
 * for an external agent (`@bash` is the built-in agent, the default).
 * @throws UserInputError (exit 2) naming the flag and the fix: an empty name, fewer than two stages,
 *   a stage named twice in one cascade, the same cascade twice, an unknown model or agent, or a
 *   stage model whose API-key variable is unset.
 */
export function cascadePlans(specs: readonly string[], catalog: Catalog, o: { mode: CascadeMode; signal: CascadeSignal }, env: NodeJS.ProcessEnv = process.env): CascadePlan[] {
  const plans: CascadePlan[] = [];
  for (const spec of specs) {
    const names = spec.split(',').map((s) => s.trim());
    if (names.some((n) => n === '')) throw new UserInputError(`--cascade ${spec}: an empty model name; list model ids separated by commas, e.g. --cascade cheap,strong`);
    const stages = names.map((n) => (n.endsWith('@bash') ? n.slice(0, -'@bash'.length) : n));
    if (stages.length < 2) {
      throw new UserInputError(`--cascade ${spec}: a cascade needs at least two models, tried in order (e.g. --cascade ${stages[0]},<stronger model>); to run one model alone use --models ${stages[0]}`);
    }
    const twice = stages.filter((s, i) => stages.indexOf(s) !== i);
    if (twice.length) throw new UserInputError(`--cascade ${spec}: ${[...new Set(twice)].join(', ')} named more than once; a cascade tries each model once (use --attempts for repeats)`);
    const id = cascadeId(stages);
    if (plans.some((p) => p.id === id)) throw new UserInputError(`--cascade ${spec}: this cascade is given twice; give each cascade once`);
    checkStageKeys(stages, spec, catalog, env);
    plans.push({ kind: 'cascade', id, stages: stages.map((s) => stagePlan(s, spec, catalog, env)), mode: o.mode, signal: o.signal });
  }
  return plans;
}

/**
 * Refuses a cascade whose stage models lack their API key, naming each unset variable and its stages.
 * "Drop X from the cascade" is offered only when the stages left (with their keys set) still make a
 * cascade of two or more; `--dry-run` is always named as the way to forecast it without a key.
 * @throws UserInputError (exit 2) when any stage's key is unset.
 */
function checkStageKeys(stages: readonly string[], spec: string, catalog: Catalog, env: NodeJS.ProcessEnv): void {
  const modelOf = (s: string) => catalog.models.find((m) => m.spec.id === (s.lastIndexOf('@') > 0 ? s.slice(0, s.lastIndexOf('@')) : s));
  const keyless = stages.filter((s) => {
    const m = modelOf(s);
    return m !== undefined && !env[m.spec.api_key_env];
  });
  if (!keyless.length) return;
  const vars = [...new Set(keyless.map((s) => modelOf(s)!.spec.api_key_env))];
  const left = stages.length - keyless.length;
  const drop = left >= 2 ? `, or drop ${keyless.join(', ')} from the cascade` : '';
  throw new UserInputError(
    `--cascade ${spec}: ${vars.join(', ')} ${vars.length > 1 ? 'are' : 'is'} not set (the API key of ${keyless.join(', ')}); export ${vars.length > 1 ? 'them' : 'it'}${drop}; ` +
      'to forecast the cascade without a key, add --dry-run',
  );
}

/** The model plan of one stage name (`<model>` or `<model>@<agent>`). */
function stagePlan(name: string, spec: string, catalog: Catalog, env: NodeJS.ProcessEnv): ModelPlan {
  const at = name.lastIndexOf('@');
  const modelId = at > 0 ? name.slice(0, at) : name;
  const agentId = at > 0 ? name.slice(at + 1) : null;
  const model = catalog.models.find((m) => m.spec.id === modelId);
  if (!model) {
    throw new UserInputError(`--cascade ${spec}: unknown model id "${modelId}" (not in ${catalog.modelsFile}); known ids: ${catalog.models.map((m) => m.spec.id).join(', ')}`, {
      where: catalog.modelsFile, fix: 'use an id from models.yaml or add the model there',
    });
  }
  const apiKey = env[model.spec.api_key_env];
  if (!apiKey) throw new UserInputError(`--cascade ${spec}: ${model.spec.api_key_env} is not set (the API key of ${modelId}); export it, or drop ${modelId} from the cascade`);
  if (agentId === null) return { kind: 'model', model, apiKey };
  checkRunAgents(catalog.agents, [agentId], [model], catalog.modelsFile, { prefix: commandPrefix() });
  return { kind: 'model', model, apiKey, agent: catalog.agents.find((a) => a.id === agentId)! };
}

/** `--cascade` values of a stored run (for `--resume`): each cascade's stage ids, comma-joined. */
export function storedCascades(h: RunHeader): string[] {
  return (h.config?.contenders ?? []).flatMap((c) => (c.kind === 'cascade' ? [c.stages.map((s) => s.id).join(',')] : []));
}

/** The mode and signal of a stored run's cascades (defaults when it has none). */
export function storedCascadeSettings(h: RunHeader): { mode: CascadeMode; signal: CascadeSignal } {
  const c = (h.config?.contenders ?? []).find((x) => x.kind === 'cascade');
  return c?.kind === 'cascade' ? { mode: c.mode, signal: c.signal } : { mode: 'fresh', signal: 'visible' };
}
