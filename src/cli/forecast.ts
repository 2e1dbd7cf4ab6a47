// `fixbench run --dry-run`: the run's cost forecast (src/analysis/forecast.ts), printed before any model
// call, from every stored run under --results re-priced at today's sheet. Reads only: no run folder, no
// workspace, no repository clone, no request to a provider.
import type { PriceRow } from '../config/prices.ts';
import type { Catalog, PricedModel } from '../config/catalog.ts';
import { DEFAULT_PRIOR, forecastRun, type Forecast, type HistoryAttempt, type PlannedContender } from '../analysis/forecast.ts';
import { effectiveRow, callCostUsd } from '../pricing/cost.ts';
import { promptTokens, type TokenUsage } from '../core/usage.ts';
import { ExitCode, UserInputError } from '../core/errors.ts';
import { readRun, readRunHeader } from '../store/store.ts';
import type { RunHeader } from '../store/records.ts';
import { withoutMergedShards } from '../history/runs.ts';
import { formatTokens, formatUsd } from '../report/format.ts';
import { runFolders } from './run-lookup.ts';
import { textTable } from './table.ts';
import type { RouteSpec } from '../config/routes.ts';
import { cascadePlans } from './cascade-options.ts';
import { routePlans } from './route-plans.ts';
import path from 'node:path';

/** What a dry run needs from `runCommand`'s validated inputs. */
export interface DryRunInput {
  resultsDir: string;
  tasks: readonly string[];
  catalog: Catalog;
  /** The models to forecast (chosen by --models, or every catalog model), keys set or not: a dry run calls nothing, so needs no key. */
  models: readonly PricedModel[];
  /** Contenders left out of the forecast, each with the reason (printed to stderr, and in the JSON's `skipped`). */
  skipped?: readonly { id: string; reason: string }[];
  /** Live cascades (`--cascade`): id `cascade:a>b` and stage models with their agents. */
  cascades?: readonly { id: string; stages: readonly { model: string; agent: string }[] }[];
  /** Step routes (models.yaml `routes:`) the run would drive. */
  routes?: readonly RouteSpec[];
  /** Agent ids per model (`bash` = built in). */
  agentIds: readonly string[];
  reference: boolean;
  attemptsPerTask: number;
  /** USD caps; null = none. */
  budgetUsd: number | null;
  attemptUsd: number | null;
  /** Token cap of the run; null = none. */
  budgetTokens: number | null;
  json: boolean;
  /** `--shard i/n`: the run makes about 1/n of the attempts (split by a hash of each attempt's key), so the forecast is scaled by 1/n. */
  shard?: { index: number; count: number } | null;
}

/**
 * List USD of `usage` over `calls` calls at `row`: the long-context tier chosen by the mean prompt per
 * call (a stored attempt keeps totals, not each call), the per-request price once per call. Null for an unknown price.
 */
export function priceUsage(row: PriceRow | null, usage: TokenUsage, calls: number): number | null {
  if (!row) return null;
  const perCallPrompt = promptTokens(usage) / Math.max(1, calls);
  const { tiers: _tiers, request, ...flat } = effectiveRow(row, perCallPrompt);
  return callCostUsd(usage, flat)! + (request ? Number(request) * calls : 0);
}

/**
 * Every stored attempt under `resultsDir` that says what an attempt of a model costs in tokens: a
 * model-driven contender's record that is not an `infra_error` (a harness or provider fault) and whose
 * token counts are complete. `runs`: the runs that gave at least one of them (a run of reference
 * agents only gives none). A shard run merged into a run that is also there is left out
 * (`withoutMergedShards`: its attempts are the merged run's). Runs that cannot be read are counted in
 * `unreadable` and skipped.
 */
export async function readHistory(resultsDir: string): Promise<{ attempts: HistoryAttempt[]; runs: number; unreadable: string[] }> {
  const attempts: HistoryAttempt[] = [];
  const unreadable: string[] = [];
  const headers: { name: string; header: RunHeader }[] = [];
  for (const name of runFolders(resultsDir)) {
    const header = await readRunHeader(path.join(resultsDir, name)).catch(() => null);
    if (header) headers.push({ name, header });
    else unreadable.push(name);
  }
  // runs counted: those that gave at least one attempt (a reference-only run, gold/noop, is no history)
  let used = 0;
  for (const { name } of withoutMergedShards(headers)) {
    let stored;
    try {
      stored = await readRun(path.join(resultsDir, name));
    } catch {
      unreadable.push(name);
      continue;
    }
    const models = new Map(stored.header.contenders.map((c) => [c.id, c.model]));
    const before = attempts.length;
    for (const r of stored.attempts) {
      const model = models.get(r.contender);
      if (!model || r.outcome === 'infra_error' || r.usage_complete === false) continue;
      const stages = r.stages?.map((s) => ({ model: s.model, agent: s.contender.includes('@') ? s.contender.slice(s.contender.lastIndexOf('@') + 1) : 'bash', usage: s.usage, calls: s.calls, passed: s.passed }));
      attempts.push({ instanceId: r.instance_id, model, agent: r.agent, usage: r.usage, calls: r.calls, listUsd: r.list_usd, resolved: r.outcome === 'resolved', ...(stages ? { stages } : {}) });
    }
    if (attempts.length > before) used++;
  }
  return { attempts, runs: used, unreadable };
}

/** Prints the forecast of the run `input` describes; exit 0 (warnings go to stderr). */
export async function dryRunCommand(input: DryRunInput): Promise<number> {
  const history = await readHistory(input.resultsDir);
  const planned: PlannedContender[] = [
    ...(input.reference ? [{ id: 'gold', model: null, agent: 'gold' }, { id: 'noop', model: null, agent: 'noop' }] : []),
    ...input.models.flatMap((m) => input.agentIds.map((a) => ({ id: a === 'bash' ? m.spec.id : `${m.spec.id}@${a}`, model: m.spec.id, agent: a }))),
    ...(input.cascades ?? []).map((c) => {
      const agents = [...new Set(c.stages.map((s) => s.agent))];
      // the run.json row of a cascade: model the stage ids joined by '>', agent shared or joined (src/runner/run-config.ts)
      return { id: c.id, model: c.stages.map((s) => s.model).join('>'), agent: agents.length === 1 ? agents[0]! : c.stages.map((s) => s.agent).join('>'), cascade: { stages: [...c.stages] } };
    }),
    ...(input.routes ?? []).map((r) => ({ id: r.id, model: r.id, agent: 'bash', route: r })),
  ];
  if (!planned.length) throw new UserInputError('nothing to forecast: no reference agent and no model (--no-reference with --no-models, or a models file without models); drop --no-reference, or name models with --models');
  // every catalog model may be a cascade stage or a route arm; routers and routes are priced per reply or step, so their stored USD counts
  const rows = new Map([...input.catalog.models, ...input.models].map((m) => [m.spec.id, m.price]));
  const storedUsd = new Set([...input.catalog.models.filter((m) => m.spec.router).map((m) => m.spec.id), ...input.catalog.routes.map((r) => r.id)]);
  const whole = forecastRun({ tasks: input.tasks, contenders: planned, attemptsPerTask: input.attemptsPerTask, history: history.attempts, storedUsd, price: (model, usage, calls) => priceUsage(rows.get(model) ?? null, usage, calls) });
  const forecast = input.shard ? scaled(whole, 1 / input.shard.count) : whole;
  const warnings = forecastWarnings(forecast, input);
  const used = new Set([...input.models.map((m) => m.spec.id), ...(input.cascades ?? []).flatMap((c) => c.stages.map((s) => s.model)), ...(input.routes ?? []).flatMap((r) => [r.cheap, r.strong])]);
  const byId = new Map([...input.catalog.models, ...input.models].map((m) => [m.spec.id, m]));
  const keylessModels = [...byId.values()].filter((m) => used.has(m.spec.id) && !process.env[m.spec.api_key_env]);
  const keyless = keylessModels.map((m) => `${m.spec.id} (${m.spec.api_key_env})`);
  if (input.json) {
    process.stdout.write(JSON.stringify({ type: 'forecast', price_sheet: { file: input.catalog.priceFile, as_of: input.catalog.sheet.as_of }, history: { runs: history.runs, attempts: history.attempts.length, unreadable: history.unreadable }, ...forecast, shard: input.shard ?? null, warnings, keys_not_set: keyless, skipped: input.skipped ?? [] }, null, 2) + '\n');
  } else {
    process.stdout.write(forecastText(forecast, input, history));
    for (const s of input.skipped ?? []) process.stderr.write(`  skipped ${s.id}: ${s.reason}\n`);
    for (const line of keylessNotes(keylessModels.map((m) => ({ id: m.spec.id, keyEnv: m.spec.api_key_env })))) process.stderr.write(`${line}\n`);
  }
  for (const w of warnings) process.stderr.write(`WARNING: ${w}\n`);
  for (const r of history.unreadable) process.stderr.write(`note: ${path.join(input.resultsDir, r)}: not readable as a run, left out of the history\n`);
  return ExitCode.ok;
}

/**
 * The dry run's notes on models whose API-key variable is not set: one line per variable (in
 * first-seen order), naming its models, e.g. `note: OPENROUTER_API_KEY not set (9 models: a, b, …): …`.
 */
export function keylessNotes(models: ReadonlyArray<{ id: string; keyEnv: string }>): string[] {
  const byVar = new Map<string, string[]>();
  for (const m of models) byVar.set(m.keyEnv, [...(byVar.get(m.keyEnv) ?? []), m.id]);
  return [...byVar].map(([v, ids]) => {
    const [them, it] = ids.length === 1 ? ['it', 'names it'] : ['them', 'names one'];
    return `note: ${v} not set (${ids.length} model${ids.length === 1 ? '' : 's'}: ${ids.join(', ')}): the forecast counts ${them} (a dry run calls nothing); a real run would skip ${them} (or refuse, when --models ${it})`;
  });
}

/** Every figure of `f` times `share` (a shard's expected part of the run). */
function scaled(f: Forecast, share: number): Forecast {
  const k = <T extends { attempts: number; promptTokens: number; outputTokens: number; calls: number; usd: number | null }>(x: T): T => ({
    ...x, attempts: Math.round(x.attempts * share), promptTokens: x.promptTokens * share, outputTokens: x.outputTokens * share, calls: x.calls * share, usd: x.usd === null ? null : x.usd * share,
  });
  return { ...f, contenders: f.contenders.map(k), total: k(f.total) };
}

/**
 * The share of a forecast a run budget buys, in whole percent, rounded to nearest (2 of 67.23 → 3),
 * kept within 1–99 since the forecast exceeds the budget and the budget is not 0 (`budgetUsd` ≤ 0 → 0).
 */
export function budgetShare(budgetUsd: number, forecastUsd: number): number {
  if (budgetUsd <= 0) return 0;
  return Math.min(99, Math.max(1, Math.round((100 * budgetUsd) / forecastUsd)));
}

/** Warnings for a forecast beyond the run's caps: --budget-usd, --budget-tokens, --attempt-usd. */
export function forecastWarnings(f: Forecast, caps: Pick<DryRunInput, 'budgetUsd' | 'budgetTokens' | 'attemptUsd'>): string[] {
  const out: string[] = [];
  if (caps.budgetUsd !== null && f.total.usd !== null && f.total.usd > caps.budgetUsd) {
    out.push(`the forecast ${formatUsd(f.total.usd)} exceeds --budget-usd ${formatUsd(caps.budgetUsd)}: the run would stop at the budget (status budget_exhausted) after about ${budgetShare(caps.budgetUsd, f.total.usd)}% of its model spend; raise --budget-usd, or run fewer tasks or models`);
  }
  if (caps.budgetUsd !== null && f.total.usd === null) out.push(`some model's price is unknown: the forecast USD is unknown and --budget-usd ${formatUsd(caps.budgetUsd)} cannot limit that model`);
  const tokens = f.total.promptTokens + f.total.outputTokens;
  if (caps.budgetTokens !== null && tokens > caps.budgetTokens) out.push(`the forecast ${formatTokens(tokens)} tokens exceed --budget-tokens ${formatTokens(caps.budgetTokens)}: the run would stop at the cap`);
  for (const c of f.contenders) {
    const perAttempt = c.usd !== null && c.attempts > 0 ? c.usd / c.attempts : null;
    if (caps.attemptUsd !== null && perAttempt !== null && perAttempt > caps.attemptUsd) {
      out.push(`${c.id}: a mean attempt is forecast at ${formatUsd(perAttempt)}, above --attempt-usd ${formatUsd(caps.attemptUsd)}: many of its attempts would stop at the cap`);
    }
  }
  return out;
}

function basisText(c: Forecast['contenders'][number]): string {
  if (c.model === null) return 'reference agent: no model calls';
  const parts = [];
  if (c.basis.task) parts.push(`${c.basis.task} task(s) from stored attempts on the same task`);
  if (c.basis.model) parts.push(`${c.basis.model} from the model's mean over other tasks`);
  if (c.basis.parts) parts.push(`${c.basis.parts} from its ${c.id.startsWith('cascade:') ? 'stage models' : 'two models'}' history`);
  if (c.basis.prior) parts.push(`${c.basis.prior} from the prior (no history)`);
  return `${parts.join('; ')}${c.samples ? ` — ${c.samples} stored attempt(s)` : ''}`;
}

/** The forecast as the terminal shows it. */
export function forecastText(f: Forecast, input: DryRunInput, history: { runs: number; attempts: HistoryAttempt[] }): string {
  const relative = path.relative(process.cwd(), input.catalog.priceFile);
  const rel = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : input.catalog.priceFile;
  const head = `fixbench run --dry-run: ${input.tasks.length} task(s) × ${f.contenders.length} contender(s) × ${input.attemptsPerTask} attempt(s); nothing is run. Forecast at ${rel} (as of ${input.catalog.sheet.as_of}) from ${history.attempts.length} stored attempt(s) in ${history.runs} run(s) under ${input.resultsDir}, re-priced from their tokens\n`;
  const row = (id: string, attempts: number, prompt: number, output: number, calls: number, usd: number | null, basis: string) => [id, attempts, formatTokens(prompt), formatTokens(output), formatTokens(calls), formatUsd(usd), basis];
  const table = textTable(
    ['contender', 'attempts', 'prompt tokens', 'output tokens', 'calls', 'USD (list)', 'basis'],
    [
      ...f.contenders.map((c) => row(c.id, c.attempts, c.promptTokens, c.outputTokens, c.calls, c.usd, basisText(c))),
      row('total', f.total.attempts, f.total.promptTokens, f.total.outputTokens, f.total.calls, f.total.usd, ''),
    ],
  );
  const prior = f.usesPrior ? `assumption: a model with no stored attempt is forecast at ${DEFAULT_PRIOR_TEXT}; its figure is a rough guide, run a few tasks first for a measured one\n` : '';
  const shard = input.shard ? `shard ${input.shard.index}/${input.shard.count}: about 1/${input.shard.count} of the suite's attempts (they are split by a hash of each attempt's key), so every figure is the whole run's divided by ${input.shard.count}\n` : '';
  const assumptions = f.contenders.filter((c) => c.assumption).map((c) => `assumption: ${c.id}: ${c.assumption}\n`).join('');
  return head + table + shard + assumptions + prior;
}

const DEFAULT_PRIOR_TEXT = `${DEFAULT_PRIOR.source}, in ${DEFAULT_PRIOR.calls} calls, prompt priced as uncached input`;

/**
 * The live cascades (`--cascade`, checked as a run checks them) and step routes a dry run forecasts:
 * every route `--models` names, else every route of the catalog (as a run with every key set would drive).
 * Keys are not needed to forecast: a stage or arm model whose variable is unset gets a placeholder,
 * never sent (nothing is called); the CLI notes the unset variable.
 * @throws UserInputError as `run` would for a bad `--cascade` or a named route that cannot run
 */
export function dryRunLayered(cascades: readonly string[], routes: readonly RouteSpec[], catalog: Catalog, agentIds: readonly string[], explicit: boolean): Pick<DryRunInput, 'cascades' | 'routes'> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(catalog.models.map((m) => [m.spec.api_key_env, process.env[m.spec.api_key_env] || 'unset-for-dry-run']));
  const planned = cascadePlans(cascades, catalog, { mode: 'fresh', signal: 'visible' }, env);
  const routed = routePlans(catalog, routes, agentIds, explicit, env);
  return {
    cascades: planned.map((p) => ({ id: p.id, stages: p.stages.map((s) => ({ model: s.model.spec.id, agent: s.agent?.id ?? 'bash' })) })),
    routes: routed.plans.flatMap((p) => (p.kind === 'model' && p.route ? [p.route.spec] : [])),
  };
}
