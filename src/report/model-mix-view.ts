// The report's "models that answered" section (docs/routing.md): for step-routing and router
// contenders, which models served their calls, with calls and list USD per model, and the served
// models whose price is unknown named. Pure: attempt records in, display strings out.
import type { AttemptRecord } from '../core/records.ts';
import { sumUsd } from '../core/cost.ts';
import { addUsage, promptTokens, zeroUsage, type TokenUsage } from '../core/usage.ts';
import { formatInt, formatPct, formatTokens, formatUsd } from './format.ts';

export interface ModelMixRow {
  model: string;
  calls: string;
  /** Share of the contender's mixed calls, e.g. `62.5%`. */
  share: string;
  tokens: string;
  /** List USD of these calls; `unknown` when a price is. */
  usd: string;
  /** The price-sheet row used, or `not in the sheet`. */
  priceKey: string;
  unpriced: boolean;
}

export interface ModelMixView {
  contender: string;
  rows: ModelMixRow[];
  /** Served models without a price, named (empty when every one is priced). */
  unpriced: string[];
}

/**
 * Per contender whose records carry `model_mix` (in the order of `contenders`), the models that
 * answered over all its `records`: calls, share of calls, tokens, list USD (unknown when any of
 * those calls' cost is), and the price row.
 */
export function modelMixViews(contenders: readonly string[], records: readonly Pick<AttemptRecord, 'contender' | 'model_mix'>[]): ModelMixView[] {
  const out: ModelMixView[] = [];
  for (const contender of contenders) {
    const rows = new Map<string, { calls: number; usage: TokenUsage; usds: Array<number | null>; priceKey: string | null }>();
    for (const r of records) {
      if (r.contender !== contender) continue;
      for (const m of r.model_mix ?? []) {
        const row = rows.get(m.model) ?? { calls: 0, usage: zeroUsage(), usds: [], priceKey: m.price_key };
        row.calls += m.calls;
        row.usage = addUsage(row.usage, m.usage);
        row.usds.push(m.list_usd);
        row.priceKey ??= m.price_key;
        rows.set(m.model, row);
      }
    }
    if (!rows.size) continue;
    const total = [...rows.values()].reduce((s, r) => s + r.calls, 0);
    const view = [...rows.entries()].map(([model, r]): ModelMixRow => ({
      model,
      calls: formatInt(r.calls),
      share: formatPct(r.calls / total),
      tokens: formatTokens(promptTokens(r.usage) + r.usage.output),
      usd: formatUsd(sumUsd(r.usds)),
      priceKey: r.priceKey ?? 'not in the sheet',
      unpriced: r.priceKey === null,
    }));
    out.push({ contender, rows: view, unpriced: view.filter((r) => r.unpriced).map((r) => r.model) });
  }
  return out;
}
