// The cap ceiling (docs/pricing.md "Unknown costs and caps"): what a call whose list price is
// unknown counts against --attempt-usd and the run budget. Pure.
import type { PriceRow, PriceSheet } from '../config/prices.ts';
import type { TokenUsage } from '../core/usage.ts';
import { callCostUsd } from './cost.ts';

/**
 * The dearest rates of `sheet` (USD per million tokens): the highest input and the highest output
 * price over every row and long-context tier; every prompt token (cached or not) is counted at the
 * input rate, plus the highest per-request price. Null when the sheet has no priced row (then an
 * unknown cost cannot be bounded).
 */
export function ceilingRow(sheet: Pick<PriceSheet, 'models'>): PriceRow | null {
  let input = -1;
  let output = -1;
  let request = 0;
  for (const row of Object.values(sheet.models)) {
    if (!row) continue;
    for (const r of [row, ...(row.tiers ?? [])]) {
      input = Math.max(input, Number(r.input));
      output = Math.max(output, Number(r.output));
    }
    request = Math.max(request, Number(row.request ?? 0));
  }
  if (input < 0) return null;
  return { input: String(input), output: String(output), ...(request ? { request: String(request) } : {}) };
}

/**
 * `{cap_usd}` for a call whose `list_usd` is null: its tokens at the ceiling row (USD), or, when its
 * tokens are unknown (`usageMissing`), the tokens `bound` gives (`unknownUsageBound`: the request's
 * size and `max_tokens`) at that row — never 0. `{}` when the cost is known, there is no ceiling, or
 * the tokens are unknown and no bound was given. The call's `list_usd` stays null (unknown, never a
 * guess); `cap_usd` only feeds the caps.
 */
export function ceilingCost(listUsd: number | null, usage: TokenUsage | null, usageMissing: boolean, ceiling: PriceRow | null | undefined, bound?: TokenUsage): { cap_usd?: number } {
  if (listUsd !== null || !ceiling) return {};
  if (usageMissing || !usage) return bound ? { cap_usd: callCostUsd(bound, ceiling)! } : {};
  return { cap_usd: callCostUsd(usage, ceiling)! };
}

/** USD a call counts against a cap: its list price, else its ceiling cost; null when neither is known. */
export const cappedUsd = (c: { list_usd: number | null; cap_usd?: number | undefined }): number | null => c.list_usd ?? c.cap_usd ?? null;
