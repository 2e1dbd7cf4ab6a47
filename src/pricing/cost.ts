// Cost of model calls from normalised usage and a price row (DESIGN.md §3). Pure.
import type { PriceRow } from '../config/prices.ts';
import { promptTokens, type TokenUsage } from '../core/usage.ts';
import { costDrift, sumUsd } from '../core/cost.ts';

// The pure USD arithmetic analysis also uses lives in core (analysis imports only core).
export { COST_DRIFT_THRESHOLD, costDrift, driftFlagged, sumUsd } from '../core/cost.ts';

/**
 * The prices that apply to a call whose prompt has `prompt` tokens: the base row, overlaid with the
 * last tier whose `above_prompt_tokens` the prompt exceeds (strictly). USD per million tokens.
 */
export function effectiveRow(row: PriceRow, prompt: number): PriceRow {
  const tier = row.tiers?.filter((t) => prompt > t.above_prompt_tokens).at(-1);
  if (!tier) return row;
  const { above_prompt_tokens: _threshold, ...prices } = tier;
  return { ...row, ...prices };
}

/**
 * USD cost of one call at list price:
 * `(input_uncached·p_in + cache_read·p_cr + cache_write_5m·p_cw + cache_write_1h·p_cw1h + output·p_out) / 1e6 + p_req`,
 * at the long-context tier's prices when the prompt passes a tier's threshold (`effectiveRow`).
 * Prices are USD per million tokens (`request`: USD per request); `reasoning` is part of `output` and
 * is not billed again. A missing cache-read or 5-minute cache-write price falls back to the input price
 * (what a provider without caching charges); a missing 1-hour write price to the 5-minute one.
 * Returns null when the price is unknown (`row` null) — never 0.
 */
export function callCostUsd(usage: TokenUsage, row: PriceRow | null): number | null {
  if (!row) return null;
  const r = effectiveRow(row, promptTokens(usage));
  const perM =
    usage.input_uncached * Number(r.input) +
    usage.cache_read * Number(r.cache_read ?? r.input) +
    usage.cache_write_5m * Number(r.cache_write ?? r.input) +
    usage.cache_write_1h * Number(r.cache_write_1h ?? r.cache_write ?? r.input) +
    usage.output * Number(r.output);
  return perM / 1e6 + (r.request ? Number(r.request) : 0);
}

/** Blended list price with a 3:1 input:output token mix, USD per million tokens (a label, not a cost). */
export function blendedUsdPerMTok(row: PriceRow): number {
  return (3 * Number(row.input) + Number(row.output)) / 4;
}

/**
 * USD a set of calls counted against the run budget (src/runner/budget.ts `add`): each call at its
 * list price, an unknown-price call at its ceiling cost (`cap_usd`), a call with neither at 0.
 */
export function budgetUsd(calls: Array<{ list_usd: number | null; cap_usd?: number }>): number {
  return calls.reduce((s, c) => s + (c.list_usd ?? c.cap_usd ?? 0), 0);
}

/**
 * Totals of an attempt's calls, USD: `list_usd` (null if any call's cost is unknown), `billed_usd`
 * (null unless every call reported one), and their `cost_drift`.
 */
export function attemptCost(calls: Array<{ list_usd: number | null; billed_usd: number | null }>): { list_usd: number | null; billed_usd: number | null; cost_drift: number | null } {
  const list = sumUsd(calls.map((c) => c.list_usd));
  const billed = calls.length && calls.every((c) => c.billed_usd !== null) ? sumUsd(calls.map((c) => c.billed_usd)) : null;
  return { list_usd: list, billed_usd: billed, cost_drift: costDrift(list, billed) };
}
