// Re-pricing of a step-routing or router attempt (docs/routing.md): each model of its `model_mix`
// at its own row of the new sheet. Pure.
import type { PriceSheet } from '../config/prices.ts';
import type { AttemptRecord } from '../core/records.ts';
import { callCostUsd, sumUsd } from './cost.ts';
import type { ModelMix } from './model-mix.ts';

/**
 * The attempt's mix under `sheet`: each entry priced at the row of its `price_key`, or, for a served
 * model that had none, at a row keyed by the served model's name (so adding that row and re-pricing
 * resolves an unknown cost). An entry's cost is `callCostUsd(its tokens)` with the per-request price
 * counted once per call; null when the row is missing, has long-context tiers (the per-call prompt
 * sizes of a mix are not kept), or the attempt's tokens are incomplete. `list_usd` is their sum (null
 * when any is). `notes` say what stayed unknown.
 */
export function repriceMix(r: Pick<AttemptRecord, 'model_mix' | 'usage_complete'>, sheet: Pick<PriceSheet, 'models'>, ref: string): { model_mix: ModelMix; list_usd: number | null; notes: string[] } {
  const notes: string[] = [];
  const mix = (r.model_mix ?? []).map((m) => {
    const key = m.price_key ?? (Object.hasOwn(sheet.models, m.model) ? m.model : null);
    const row = key === null ? null : (sheet.models[key] ?? null);
    let usd: number | null = null;
    if (!row) notes.push(`${ref}: ${m.model} has no price in the sheet; its calls' cost is unknown`);
    else if (row.tiers?.length) notes.push(`${ref}: ${m.model}'s price has long-context tiers and a mix keeps no per-call tokens; cost unknown`);
    else if (r.usage_complete !== false) usd = callCostUsd(m.usage, { ...row, request: undefined })! + m.calls * Number(row.request ?? 0);
    return { ...m, price_key: row ? key : null, list_usd: usd };
  });
  return { model_mix: mix, list_usd: sumUsd(mix.map((m) => m.list_usd)), notes };
}
