// Re-pricing of a live cascade attempt (`run --cascade`, DESIGN.md §3): stage by stage, each at its
// own model's row, and a router or step-routing stage per model that answered it. Pure.
import type { PriceRow, PriceSheet } from '../config/prices.ts';
import type { AttemptRecord } from '../core/records.ts';
import { callCostUsd, costDrift, sumUsd } from './cost.ts';
import { mergeMixes } from './model-mix.ts';
import { repriceMix } from './reprice-mix.ts';

/**
 * A live cascade attempt re-priced stage by stage: each stage's tokens under its own model's row
 * (`rows`, by stage contender), except a stage with a `model_mix` (a router or a step route), which
 * is priced per model of its mix at that model's row of `sheet` (`repriceMix`), never at the
 * router's own row. The attempt's cost is the stages' sum, and its `model_mix` is rebuilt from the
 * stages' re-priced mixes, so the "Models that answered" table agrees with the leaderboard. A cost is
 * null where a row is unknown or has long-context tiers (a stage keeps no per-call tokens), or the
 * attempt's tokens are incomplete; calls a killed session left (`interrupted_calls`) cannot be
 * placed in a stage, so such an attempt's cost is null too. An older record whose attempt has a
 * `model_mix` but whose stages keep none cannot tell which stage a served model answered: its cost
 * is null, with a note (USD).
 */
export function repriceStages(r: AttemptRecord, rows: Map<string, PriceRow | null>, sheet: Pick<PriceSheet, 'models'>, sheetFile: string, notes: string[]): AttemptRecord {
  const ref = `${r.contender}/${r.instance_id}/${r.attempt}`;
  const stages = (r.stages ?? []).map((s) => {
    if (s.model_mix) {
      const m = repriceMix({ model_mix: s.model_mix, ...(r.usage_complete !== undefined ? { usage_complete: r.usage_complete } : {}) }, sheet, `${ref} stage ${s.contender}`);
      notes.push(...m.notes);
      return { ...s, model_mix: m.model_mix, list_usd: m.list_usd };
    }
    const row = rows.get(s.contender) ?? null;
    const usd = !row || row.tiers?.length || r.usage_complete === false ? null : s.calls === 0 ? 0 : callCostUsd(s.usage, { ...row, request: undefined })! + s.calls * Number(row.request ?? 0);
    return { ...s, list_usd: usd };
  });
  const stageMixes = stages.flatMap((s) => (s.model_mix ? [s.model_mix] : []));
  const unsplit = r.model_mix !== undefined && stageMixes.length === 0;
  if (r.interrupted_calls) notes.push(`${ref}: calls of a killed session cannot be placed in a cascade stage; cost unknown`);
  if (unsplit) notes.push(`${ref}: the record keeps its models that answered for the whole cascade, not per stage (written before stages kept them): cost unknown`);
  const list = r.interrupted_calls || unsplit ? null : sumUsd(stages.map((s) => s.list_usd));
  return {
    ...r,
    stages,
    ...(stageMixes.length ? { model_mix: mergeMixes(stageMixes) } : {}),
    list_usd: list,
    cost_drift: costDrift(list, r.billed_usd),
    price_sheet: sheetFile,
  };
}
