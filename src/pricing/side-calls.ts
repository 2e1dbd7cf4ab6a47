// The attempt record's call counts (issue 20.5): all calls, and the billed side calls apart.
import { addUsage, zeroUsage, type TokenUsage } from '../core/usage.ts';
import type { CallRecord } from '../models/types.ts';
import { attemptCost } from './cost.ts';

/**
 * `{calls}` = every call; plus `side_calls` = the count, summed tokens and list USD (null when a
 * price is unknown) of the calls marked `side`, when there are any. Pure.
 */
export function callCounts(calls: readonly Pick<CallRecord, 'usage' | 'list_usd' | 'billed_usd' | 'side'>[]): {
  calls: number;
  side_calls?: { calls: number; usage: TokenUsage; list_usd: number | null };
} {
  const side = calls.filter((c) => c.side);
  if (!side.length) return { calls: calls.length };
  return {
    calls: calls.length,
    side_calls: { calls: side.length, usage: side.reduce((u, c) => addUsage(u, c.usage), zeroUsage()), list_usd: attemptCost(side).list_usd },
  };
}
