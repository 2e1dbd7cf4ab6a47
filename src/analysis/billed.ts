// What providers billed against what the price sheet lists, over a run (DESIGN.md §3: cost drift). Pure.
import { costDrift, sumUsd } from '../core/cost.ts';
import type { AttemptRecord } from '../core/records.ts';

export interface BilledSummary {
  /** Attempts counted: those with both a provider-reported cost and a known list cost. */
  attempts: number;
  /** USD the providers reported (OpenRouter `usage.cost`), summed over those attempts. */
  billedUsd: number;
  /** USD at list price over the same attempts. */
  listUsd: number;
  /** `(billed − list) / list` (null when list is 0). */
  drift: number | null;
}

/**
 * Sums `billed_usd` and `list_usd` (USD) over the attempts that have both, so the two figures cover the
 * same calls, and their relative drift `(billed − list) / list`.
 * @returns null when no attempt has both (no provider reported a cost, or every price is unknown)
 */
export function billedSummary(attempts: readonly Pick<AttemptRecord, 'billed_usd' | 'list_usd'>[]): BilledSummary | null {
  const both = attempts.filter((a) => typeof a.billed_usd === 'number' && typeof a.list_usd === 'number');
  if (!both.length) return null;
  const billedUsd = sumUsd(both.map((a) => a.billed_usd as number))!;
  const listUsd = sumUsd(both.map((a) => a.list_usd as number))!;
  return { attempts: both.length, billedUsd, listUsd, drift: costDrift(listUsd, billedUsd) };
}
