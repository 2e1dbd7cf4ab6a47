// Loads models.yaml and a price sheet together and resolves each model's price row.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { loadYamlFile } from './load.ts';
import { ModelsFile, type ModelSpec } from './models.ts';
import type { AgentSpec } from './agents.ts';
import { PriceSheet, type PriceRow } from './prices.ts';
import { UserInputError } from '../core/errors.ts';
import { withPresets } from '../agents/presets.ts';
import { defaultCacheDir } from '../workspace/env-cache.ts';
import type { RouteSpec } from './routes.ts';
import { ceilingRow } from '../pricing/ceiling.ts';
import { servedPricer, type ServedPricer } from '../pricing/served.ts';
import { commandPrefix } from '../cli/hints.ts';

/** Contender ids reserved for the reference agents. */
export const RESERVED_IDS = ['gold', 'noop'] as const;

export interface PricedModel {
  spec: ModelSpec;
  /** Row used for list prices (USD per million tokens); null = unknown price. */
  price: PriceRow | null;
  /** For a router entry (`router: true`): prices each reply by the model it names (src/pricing/served.ts). */
  served?: ServedPricer;
  /** The sheet's ceiling row (src/pricing/ceiling.ts): what a call of unknown cost counts against the caps; null = no priced row. */
  ceiling?: PriceRow | null;
}

export interface Catalog {
  modelsFile: string;
  priceFile: string;
  sheet: PriceSheet;
  models: PricedModel[];
  /** External agents: the built-in presets (src/agents/presets.ts), each replaced by a same-id entry of the `agents:` section of models.yaml, then that section's others. */
  agents: AgentSpec[];
  /** Step-routing contenders (models.yaml `routes:`), their models checked to be in `models`. */
  routes: RouteSpec[];
}

/**
 * Loads `models.yaml`.
 * @throws UserInputError naming the file, the field and the fix.
 */
export async function loadModels(file: string): Promise<ModelSpec[]> {
  return (await loadModelsFile(file)).models;
}

/**
 * Loads `models.yaml` whole: models and external agents.
 * @throws UserInputError naming the file, the field and the fix.
 */
export async function loadModelsFile(file: string): Promise<ModelsFile> {
  const parsed = await loadYamlFile(
    file,
    ModelsFile,
    'each model needs id, provider, api (openai or anthropic), base_url, api_key_env, model, vendor and region; see README "Models and prices"; each route needs id, policy (first-k with k, on-failure, or random with p and seed), cheap and strong model ids; see docs/routing.md',
  );
  for (const m of [...parsed.models, ...parsed.routes]) {
    if ((RESERVED_IDS as readonly string[]).includes(m.id.toLowerCase())) {
      throw new UserInputError(`${file}: models.${m.id}: id "${m.id}" is reserved for a reference agent; pick another id`);
    }
  }
  return parsed;
}

/**
 * Loads a dated price sheet.
 * @throws UserInputError naming the file, the field and the fix.
 */
export async function loadPriceSheet(file: string): Promise<PriceSheet> {
  return loadYamlFile(
    file,
    PriceSheet,
    'prices are decimal strings in USD per million tokens, e.g. input: "0.28"; write null for an unknown price',
  );
}

/**
 * The newest `prices/<YYYY-MM-DD>.yaml` by the date in its name.
 * @throws UserInputError when the folder holds none.
 */
export async function newestPriceSheet(dir: string): Promise<string> {
  let names: string[] = [];
  try {
    names = (await readdir(dir)).filter((n) => /^\d{4}-\d{2}-\d{2}\.ya?ml$/.test(n)).sort();
  } catch {
    /* reported below */
  }
  const newest = names.at(-1);
  if (!newest) throw new UserInputError(`${dir}: no price sheet named <YYYY-MM-DD>.yaml; pass --prices <file>`);
  return path.join(dir, newest);
}

/**
 * Loads models and prices and pairs them. A model whose row is absent or `null` gets an unknown price.
 * @throws UserInputError for either file's problems.
 */
export async function loadCatalog(modelsFile: string, priceFile: string): Promise<Catalog> {
  const [file, sheet] = await Promise.all([loadModelsFile(modelsFile), loadPriceSheet(priceFile)]);
  const served = servedPricer(file.models, sheet);
  const ceiling = ceilingRow(sheet);
  const models = file.models.map((spec) => ({ spec, price: sheet.models[spec.price ?? spec.id] ?? null, ceiling, ...(spec.router ? { served } : {}) }));
  return { modelsFile, priceFile, sheet, models, agents: withPresets(defaultCacheDir(), file.agents), routes: file.routes };
}

/**
 * Picks models by id, in the order given.
 * @throws UserInputError naming unknown ids and listing the known model and route ids (routes come from
 *   the models file's `routes:` section, docs/routing.md).
 */
export function selectModels(catalog: Pick<Catalog, 'models' | 'routes' | 'modelsFile'>, ids: string[]): PricedModel[] {
  const unknown = ids.filter((id) => !catalog.models.some((m) => m.spec.id === id));
  if (unknown.length) {
    throw new UserInputError(
      `unknown model id(s): ${unknown.join(', ')} (not in ${catalog.modelsFile}); known ids: ${catalog.models.map((m) => m.spec.id).join(', ')}; ` +
        (catalog.routes.length ? `step routes: ${catalog.routes.map((r) => r.id).join(', ')}` : 'step routes: none (a route id is defined under `routes:` in the models file, see docs/routing.md)'),
      { where: catalog.modelsFile, fix: `use a model or route id from the models file (\`${commandPrefix()} models list\`), or add the model under \`models:\` or the route under \`routes:\` there (or in a --models-file; see docs/routing.md)` },
    );
  }
  return ids.map((id) => catalog.models.find((m) => m.spec.id === id)!);
}
