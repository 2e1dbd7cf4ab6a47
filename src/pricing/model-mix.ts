// The attempt record's model mix (docs/routing.md): which models answered a step-routing or router
// contender's calls, with calls, tokens and list USD per model. Pure.
import { addUsage, zeroUsage } from '../core/usage.ts';
import type { AttemptRecord } from '../core/records.ts';
import type { CallRecord } from '../models/types.ts';
import { sumUsd } from './cost.ts';

export type ModelMix = NonNullable<AttemptRecord['model_mix']>;

/** The name a mixed call is counted under: the served model, else the routed catalog id; `(unnamed)` for a router reply that named none. */
export function mixNameOf(c: Pick<CallRecord, 'model' | 'served_model'>): string | null {
  if (c.served_model !== undefined) return c.served_model ?? '(unnamed)';
  return c.model ?? null;
}

const mixKey = (model: string, priceKey: string | null): string => `${model}\u0000${priceKey ?? ''}`;

/**
 * Sums mixes (e.g. a cascade's stages) into one: rows of the same model and price row merged (calls,
 * tokens, list USD — null when either is unknown), in order of first appearance.
 */
export function mergeMixes(mixes: readonly ModelMix[]): ModelMix {
  const rows = new Map<string, ModelMix[number]>();
  for (const m of mixes.flat()) {
    const key = mixKey(m.model, m.price_key);
    const had = rows.get(key);
    rows.set(key, had ? { ...had, calls: had.calls + m.calls, usage: addUsage(had.usage, m.usage), list_usd: sumUsd([had.list_usd, m.list_usd]) } : { ...m });
  }
  return [...rows.values()];
}

/**
 * `{model_mix}` when any call carries `model` or `served_model` (a routed or router contender), else
 * `{}`: per model and price row (two models of one name priced at different rows are two rows) in order of first use, its calls, summed tokens, list USD (null when any of them is
 * unknown) and the price-sheet row used (null when the model has none).
 */
export function modelMix(calls: readonly CallRecord[]): { model_mix?: ModelMix } {
  const rows = new Map<string, ModelMix[number] & { usds: Array<number | null> }>();
  for (const c of calls) {
    const name = mixNameOf(c);
    if (name === null) continue;
    // keyed by (name, price row): two models of one name priced at different rows keep separate rows
    const key = mixKey(name, c.price_key ?? null);
    const row = rows.get(key) ?? { model: name, calls: 0, usage: zeroUsage(), list_usd: null, price_key: c.price_key ?? null, usds: [] };
    row.calls++;
    row.usage = addUsage(row.usage, c.usage);
    row.usds.push(c.list_usd);
    rows.set(key, row);
  }
  if (!rows.size) return {};
  return { model_mix: [...rows.values()].map(({ usds, ...r }) => ({ ...r, list_usd: sumUsd(usds) })) };
}

/** Served models of `mix` whose price is unknown (not in the sheet, or a reply that named no model). */
export const unpricedModels = (mix: ModelMix | undefined): string[] => (mix ?? []).filter((m) => m.price_key === null).map((m) => m.model);

/**
 * One warning per contender and served model without a price (a router's reply naming a model
 * missing from the sheet, or naming none): `<contender>: <n> call(s) served by <model> … cost unknown`.
 */
export function unpricedServedWarnings(attempts: readonly Pick<AttemptRecord, 'contender' | 'model_mix'>[]): string[] {
  const counts = new Map<string, { contender: string; model: string; calls: number }>();
  for (const a of attempts) {
    for (const m of a.model_mix ?? []) {
      if (m.price_key !== null) continue;
      const k = `${a.contender}\u0000${m.model}`;
      const c = counts.get(k) ?? { contender: a.contender, model: m.model, calls: 0 };
      c.calls += m.calls;
      counts.set(k, c);
    }
  }
  return [...counts.values()].map((c) =>
    c.model === '(unnamed)'
      ? `${c.contender}: ${c.calls} call(s) whose reply named no model: their cost is unknown (null), not $0`
      : `${c.contender}: ${c.calls} call(s) served by ${c.model}, which has no price in the sheet: their cost is unknown (null), not $0; add a row "${c.model}" to the price sheet`,
  );
}
