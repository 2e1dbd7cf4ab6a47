// The cap ceiling (docs/pricing.md "Unknown costs and caps"): what a call whose list price is
// unknown counts against --attempt-usd and the run budget. Pure.
import type { PriceRow, PriceSheet } from '../config/prices.ts';
import type { TokenUsage } from '../core/usage.ts';
import { callCostUsd } from './cost.ts';

/**
 * The dearest rates of `sheet` (USD per million tokens): the highest prompt-token price (input,
 * cache read, 5-minute and 1-hour cache write: a cache write costs more than input) and the highest
 * output price over every row and long-context tier; every prompt token (cached or not) is counted
 * at that prompt rate, plus the highest per-request price. Null when the sheet has no priced row (then an
 * unknown cost cannot be bounded).
 */
export function ceilingRow(sheet: Pick<PriceSheet, 'models'>): PriceRow | null {
  let input = -1;
  let output = -1;
  let request = 0;
  for (const row of Object.values(sheet.models)) {
    if (!row) continue;
    for (const r of [row, ...(row.tiers ?? [])]) {
      input = Math.max(input, ...[r.input, r.cache_read, r.cache_write, r.cache_write_1h].map((v) => (v === undefined ? -1 : Number(v))));
      output = Math.max(output, Number(r.output));
    }
    request = Math.max(request, Number(row.request ?? 0));
  }
  if (input < 0) return null;
  return { input: String(input), output: String(output), ...(request ? { request: String(request) } : {}) };
}

/** What else is known of a call whose `list_usd` is null (see `ceilingCost`). */
export interface UnknownCostFacts {
  /** Tokens bounding the call when its usage is unknown (`unknownUsageBound`); `bounded` false when output is only an estimate. */
  bound?: { usage: TokenUsage; bounded: boolean } | undefined;
  /** The cost the reply stated (OpenRouter `usage.cost`), USD; null or absent when none. */
  billed?: number | null | undefined;
  /** The model's own row is in the sheet (not a router entry): a token bound at the ceiling is then a bound of its cost. */
  priced?: boolean | undefined;
}

/**
 * `{cap_usd, cap_bound}` for a call whose `list_usd` is null: its tokens (or, when they are unknown
 * (`usageMissing`), the token bound `facts.bound`) at the ceiling row, or the cost the reply stated
 * (`facts.billed`) when that is higher — never 0. `cap_bound` is true when that is an upper bound of
 * the call's real cost: the reply stated it, or the model has its own row (`facts.priced`, which the
 * ceiling is at least) and the token bound is one (`bounded`). `{}` when the cost is known, or when
 * nothing prices the call (no ceiling and no stated cost, or unknown tokens and no bound).
 * The call's `list_usd` stays null (unknown, never a guess); `cap_usd` only feeds the caps.
 */
export function ceilingCost(listUsd: number | null, usage: TokenUsage | null, usageMissing: boolean, ceiling: PriceRow | null | undefined, facts: UnknownCostFacts = {}): { cap_usd?: number; cap_bound?: true } {
  if (listUsd !== null) return {};
  const billed = facts.billed ?? null;
  const tokens = usageMissing || !usage ? facts.bound?.usage ?? null : usage;
  const atCeiling = ceiling && tokens ? callCostUsd(tokens, ceiling)! : null;
  if (atCeiling === null && billed === null) return {};
  const bound = billed !== null || (facts.priced === true && usageMissing && facts.bound?.bounded === true);
  return { cap_usd: Math.max(atCeiling ?? 0, billed ?? 0), ...(bound ? { cap_bound: true as const } : {}) };
}

/** A call whose cost the caps cannot bound: unknown (`list_usd` null) and its `cap_usd` is no bound (`cap_bound`). */
export const unboundedCost = (c: { list_usd: number | null; cap_bound?: boolean | undefined }): boolean => c.list_usd === null && c.cap_bound !== true;

/**
 * Why a hard USD cap (`capUsd`, null = none) stops further model calls after `calls`, or null: the
 * spend (`cappedUsd` summed) reached it, or a call's cost could not be bounded (`unboundedCost`: a
 * model dearer than the sheet's dearest row would pass the cap unseen).
 */
export function capStop(capUsd: number | null, calls: ReadonlyArray<{ list_usd: number | null; cap_usd?: number | undefined; cap_bound?: boolean | undefined }>): string | null {
  if (capUsd === null) return null;
  const spent = calls.reduce((s, c) => s + (cappedUsd(c) ?? 0), 0);
  if (spent >= capUsd) return `cost limit of ${capUsd} USD reached (${spent.toFixed(6)} USD at list price)`;
  const n = calls.filter(unboundedCost).length;
  return n ? `cost limit of ${capUsd} USD cannot be enforced: ${n} call(s) had a cost unknown to the price sheet and not stated by the reply (the sheet's dearest rates are no bound)` : null;
}

/** USD a call counts against a cap: its list price, else its ceiling cost; null when neither is known. */
export const cappedUsd = (c: { list_usd: number | null; cap_usd?: number | undefined }): number | null => c.list_usd ?? c.cap_usd ?? null;
