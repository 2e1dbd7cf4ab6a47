// Cost of a model call from normalised usage and a price row (DESIGN.md §3).
import type { PriceRow } from '../config/prices.ts';
import type { TokenUsage } from '../core/usage.ts';

/**
 * USD cost of one call at list price:
 * `(input_uncached·p_in + cache_read·p_cr + cache_write_5m·p_cw + cache_write_1h·p_cw1h + output·p_out) / 1e6 + p_req`.
 * Prices are USD per million tokens; `reasoning` is part of `output` and not billed again.
 * A missing cache price falls back to the input price (what a provider without caching charges).
 * Returns null when the price is unknown (`row` null) — never 0.
 */
export function callCostUsd(usage: TokenUsage, row: PriceRow | null): number | null {
  if (!row) return null;
  const p = (s: string | undefined, fallback: string): number => Number(s ?? fallback);
  const perM =
    usage.input_uncached * p(row.input, row.input) +
    usage.cache_read * p(row.cache_read, row.input) +
    usage.cache_write_5m * p(row.cache_write, row.input) +
    usage.cache_write_1h * p(row.cache_write_1h, row.cache_write ?? row.input) +
    usage.output * p(row.output, row.output);
  return perM / 1e6 + (row.request ? Number(row.request) : 0);
}

/** Sum of costs where null (unknown) is contagious: any unknown part makes the total unknown. */
export function sumUsd(values: Array<number | null>): number | null {
  let total = 0;
  for (const v of values) {
    if (v === null) return null;
    total += v;
  }
  return total;
}

/** Blended list price with a 3:1 input:output token mix, USD per million tokens. */
export function blendedUsdPerMTok(row: PriceRow): number {
  return (3 * Number(row.input) + Number(row.output)) / 4;
}
