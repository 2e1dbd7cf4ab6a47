// Re-pricing (DESIGN.md §3): every cost of a stored run recomputed from its stored tokens under
// another price sheet, so runs of different months compare under one set of prices. Pure.
import type { PriceRow, PriceSheet } from '../config/prices.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { AttemptRecord, RunHeader } from '../store/records.ts';
import { callCostUsd, costDrift, sumUsd } from './cost.ts';
import { repriceMix } from './reprice-mix.ts';
import { repriceStages } from './reprice-stages.ts';

export interface RepriceInput {
  header: RunHeader;
  attempts: AttemptRecord[];
  sheet: PriceSheet;
  /** The sheet's file, as it should be named in the report. */
  sheetFile: string;
  /** Contender id → price key, for models whose key is not their id (models.yaml `price`). */
  priceKeys?: Record<string, string>;
  /**
   * Per-call token usages of an attempt (from its trajectory), by `attemptRef`. Needed only for rows
   * with long-context tiers, whose price depends on each call's prompt size.
   */
  callUsages?: Map<string, TokenUsage[]>;
}

export interface Repriced {
  header: RunHeader;
  attempts: AttemptRecord[];
  /** What could not be re-priced, and why (each such cost is null). */
  notes: string[];
}

/** The key of an attempt in `RepriceInput.callUsages`: `<contender>/<instance_id>/<attempt>`. */
export const attemptRef = (r: Pick<AttemptRecord, 'contender' | 'instance_id' | 'attempt'>): string => `${r.contender}/${r.instance_id}/${r.attempt}`;

/**
 * Recomputes `list_usd` (USD) of every model attempt under `sheet`, and its `cost_drift` against the
 * stored `billed_usd` (the provider's figure, unchanged). The header's `price_sheet` names the new
 * sheet and each model contender's `price` becomes its new row (null = unknown); reference agents
 * (gold, noop) cost 0 as before.
 *
 * An attempt's cost is `callCostUsd(total usage) − total·p_req + calls·p_req` — the cost formula is
 * linear in tokens, so totals give the sum of the per-call costs — except for rows with long-context
 * tiers, which use the per-call usages from `callUsages` (null with a note when they are missing or
 * do not match the attempt's call count). A cost is null when the new price is unknown or the
 * attempt's tokens are incomplete (`usage_complete: false`; for older records: no stored cost
 * although a price was known). An attempt with a `model_mix` (step routing, a router) is re-priced
 * per model of its mix instead (`repriceMix`).
 */
export function repriceRun(input: RepriceInput): Repriced {
  const { header, sheet } = input;
  const notes: string[] = [];
  const rowOf = new Map<string, PriceRow | null>();
  const oldPriced = new Map<string, boolean>();
  const cascadeRows = new Map<string, Map<string, PriceRow | null>>();
  // step-routing and router contenders: priced per model of each attempt's mix, not by one row
  const mixed = new Set(input.attempts.filter((r) => r.model_mix).map((r) => r.contender));
  const contenders = header.contenders.map((c) => {
    if (c.model === null) return c;
    if (c.cascade) {
      // a live cascade is priced per stage, each by its own model's row
      const rows = new Map(c.cascade.stages.map((s) => [s.contender, sheet.models[input.priceKeys?.[s.contender] ?? s.price_key] ?? null]));
      cascadeRows.set(c.id, rows);
      for (const [stage, row] of rows) if (!row) notes.push(`${c.id}: stage ${stage} has no price in ${input.sheetFile}: its costs are unknown`);
      return { ...c, cascade: { ...c.cascade, stages: c.cascade.stages.map((s) => ({ ...s, price: rows.get(s.contender) ? { ...rows.get(s.contender)! } : null })) } };
    }
    if (mixed.has(c.id) && c.price === null) {
      rowOf.set(c.id, null);
      return c;
    }
    const key = input.priceKeys?.[c.id] ?? c.id;
    const row = sheet.models[key] ?? null;
    rowOf.set(c.id, row);
    oldPriced.set(c.id, c.price !== null);
    if (!row) notes.push(`${c.id}: no price in ${input.sheetFile} (key "${key}"): its costs are unknown`);
    return { ...c, price: row ? { ...row } : null };
  });
  const attempts = input.attempts.map((r) => {
    const stageRows = cascadeRows.get(r.contender);
    if (stageRows && r.stages) return repriceStages(r, stageRows, sheet, input.sheetFile, notes);
    if (!rowOf.has(r.contender)) return { ...r, price_sheet: input.sheetFile };
    if (r.model_mix || mixed.has(r.contender)) {
      const m = repriceMix(r, sheet, attemptRef(r));
      notes.push(...m.notes);
      return { ...r, model_mix: m.model_mix, list_usd: m.list_usd, cost_drift: costDrift(m.list_usd, r.billed_usd), price_sheet: input.sheetFile };
    }
    const row = rowOf.get(r.contender)!;
    const incomplete = r.usage_complete === false || (r.usage_complete === undefined && r.list_usd === null && oldPriced.get(r.contender) === true);
    let list: number | null = null;
    if (row && !incomplete) {
      if (row.tiers?.length) {
        const calls = input.callUsages?.get(attemptRef(r));
        if (calls && calls.length === r.calls) list = sumUsd(calls.map((u) => callCostUsd(u, row)));
        else notes.push(`${attemptRef(r)}: ${r.contender}'s price has long-context tiers and the per-call tokens are not available; cost unknown`);
      } else {
        list = r.calls === 0 ? 0 : callCostUsd(r.usage, { ...row, request: undefined })! + r.calls * Number(row.request ?? 0);
      }
    } else if (row && incomplete) {
      notes.push(`${attemptRef(r)}: some call's tokens are unknown (a stream cut before its usage); cost unknown`);
    }
    return { ...r, list_usd: list, cost_drift: costDrift(list, r.billed_usd), price_sheet: input.sheetFile };
  });
  const was = `${header.price_sheet.file} (as of ${header.price_sheet.as_of})`;
  return {
    header: {
      ...header,
      contenders,
      price_sheet: { file: input.sheetFile, as_of: sheet.as_of, source: sheet.source, ...(sheet.illustrative ? { illustrative: true as const } : {}) },
      note: [header.note, `re-priced under ${input.sheetFile} (as of ${sheet.as_of}); the run was priced with ${was}`].filter(Boolean).join('; '),
    },
    attempts,
    notes,
  };
}

