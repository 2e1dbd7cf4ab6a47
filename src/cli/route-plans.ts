// The step-routing contenders of `fixbench run` (models.yaml `routes:`, docs/routing.md): which
// routes `--models` picks, and their plans with both models' keys. Pure but for reading the keys.
import type { Catalog, PricedModel } from '../config/catalog.ts';
import type { RouteSpec } from '../config/routes.ts';
import { UserInputError } from '../core/errors.ts';
import type { ContenderPlan } from '../agents/factory.ts';

/**
 * Splits `--models` into model ids and the routes it names: no `--models` → every route; `--no-models`
 * (false) → none; a list → the routes it names, the other ids left for `selectModels`.
 */
export function selectRoutes(catalog: Pick<Catalog, 'routes'>, ids: string[] | false | undefined): { modelIds: string[] | false | undefined; routes: RouteSpec[] } {
  if (ids === false) return { modelIds: false, routes: [] };
  if (!ids?.length) return { modelIds: ids, routes: catalog.routes };
  const named = new Set(catalog.routes.map((r) => r.id));
  return { modelIds: ids.filter((id) => !named.has(id)), routes: catalog.routes.filter((r) => ids.includes(r.id)) };
}

/**
 * The plans of `routes` (built-in agent only), each with its two models and their keys from `env`.
 * A route whose key is unset, or run without the `bash` agent, is skipped with the reason — or, when
 * `explicit` (named in `--models`), refused.
 * @throws UserInputError for an explicit route that cannot run, or a route model with no row in the price sheet
 */
export function routePlans(
  catalog: Catalog,
  routes: readonly RouteSpec[],
  agentIds: readonly string[],
  explicit: boolean,
  env: NodeJS.ProcessEnv = process.env,
): { plans: ContenderPlan[]; skipped: { id: string; reason: string }[] } {
  const plans: ContenderPlan[] = [];
  const skipped: { id: string; reason: string }[] = [];
  const refuse = (r: RouteSpec, reason: string, fix: string) => {
    if (explicit) throw new UserInputError(`--models asks for route ${r.id}, but ${reason}; ${fix}`, { where: catalog.modelsFile });
    skipped.push({ id: r.id, reason: `${reason}; ${fix}` });
  };
  for (const r of routes) {
    // models.yaml is checked on load: both ids name models
    const arms = { cheap: catalog.models.find((m) => m.spec.id === r.cheap)!, strong: catalog.models.find((m) => m.spec.id === r.strong)! };
    const noRow = [arms.cheap, arms.strong].filter((m) => !m.spec.router && !Object.hasOwn(catalog.sheet.models, m.spec.price ?? m.spec.id));
    if (noRow.length) {
      throw new UserInputError(
        noRow.map((m) => `${catalog.priceFile}: models: no row "${m.spec.price ?? m.spec.id}" for model ${m.spec.id} (of route ${r.id}); add the row, or "${m.spec.price ?? m.spec.id}: null" for an unknown price`).join('\n'),
      );
    }
    if (!agentIds.includes('bash')) {
      refuse(r, 'a step route drives only the built-in agent and --agents leaves it out', 'add bash to --agents');
      continue;
    }
    const unset = [...new Set([arms.cheap, arms.strong].map((m) => m.spec.api_key_env).filter((v) => !env[v]))];
    if (unset.length) {
      refuse(r, `${unset.join(', ')} is not set`, 'set it to run this route');
      continue;
    }
    const arm = (m: PricedModel) => ({ model: m, apiKey: env[m.spec.api_key_env]! });
    plans.push({ kind: 'model', model: arms.strong, apiKey: env[arms.strong.spec.api_key_env]!, route: { spec: r, cheap: arm(arms.cheap), strong: arm(arms.strong) } });
  }
  return { plans, skipped };
}
