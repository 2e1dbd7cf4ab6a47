// The list price of one call metered by the proxy: the contender's own row, or, for a router entry,
// the row of the model its reply names (docs/routing.md). Pure.
import { callCostUsd } from '../pricing/cost.ts';
import { ceilingCost } from '../pricing/ceiling.ts';
import { unknownUsageBound } from '../pricing/usage-bound.ts';
import type { CallRecord } from '../core/calls.ts';
import type { MeteringProxyOptions } from './types.ts';
import type { ExtractedUsage } from './usage.ts';

/**
 * `list_usd` of a call from its extracted usage (null when the reply carried none): at `opts.price`,
 * or with `opts.servedPricer` at the served model's row, recording `served_model` (null when the
 * reply named none) and `price_key` (null when the served model has no row; then `list_usd` is null).
 * A null cost gets `cap_usd` at `opts.ceiling` (src/pricing/ceiling.ts): its tokens, or with no
 * usage in the reply the bound of `sent` (the request body as sent upstream and the reply bytes
 * received: `unknownUsageBound`), never 0. A `partial` usage (a cut Anthropic stream) is priced
 * by `partialPricing`, which also returns the `usage` to record (an estimate) and `usage_unknown`.
 */
export function proxyCallPricing(opts: Pick<MeteringProxyOptions, 'price' | 'servedPricer' | 'ceiling'>, usage: ExtractedUsage | null, sent?: { request: Buffer; received: number }): Pick<CallRecord, 'list_usd' | 'served_model' | 'price_key' | 'cap_usd' | 'cap_bound'> & Partial<Pick<CallRecord, 'usage' | 'usage_unknown'>> {
  if (usage?.partial) return partialPricing(opts, usage, sent);
  const bound = !usage && sent ? unknownUsageBound(sent.request.toString('utf8'), sent.received) : undefined;
  const cap = (list: number | null) => ceilingCost(list, usage?.usage ?? null, !usage, opts.ceiling, { bound, billed: usage?.billed_usd ?? null, priced: !opts.servedPricer && opts.price !== null });
  const unknown = usage ? {} : { usage_unknown: true as const }; // no usage: its tokens are unknown, as the built-in clients record it (atkS15 #3)
  if (!opts.servedPricer) {
    const list = usage ? callCostUsd(usage.usage, opts.price) : null;
    return { list_usd: list, ...cap(list), ...unknown };
  }
  const served = usage?.served ?? null;
  const priced = served === null ? null : opts.servedPricer(served);
  const list = usage && priced ? callCostUsd(usage.usage, priced.row) : null;
  return { list_usd: list, served_model: served, price_key: priced?.key ?? null, ...cap(list), ...unknown };
}

/**
 * A call whose reply reported counts that are not final (`usage.partial`: an Anthropic stream cut
 * before `message_delta`'s usage or `message_stop`), priced as the built-in clients price a reply
 * without usage: `list_usd` null, `usage_unknown`, and `usage` the estimate the caps count — each
 * count the larger of the reported one and the request's bound (`unknownUsageBound`; prompt tokens
 * all uncached), so `cap_usd` is a bound when the request's is (`cap_bound`).
 */
function partialPricing(opts: Pick<MeteringProxyOptions, 'price' | 'servedPricer' | 'ceiling'>, usage: ExtractedUsage, sent?: { request: Buffer; received: number }): ReturnType<typeof proxyCallPricing> {
  const b = unknownUsageBound(sent?.request.toString('utf8') ?? '{}', sent?.received ?? 0);
  const r = usage.usage;
  const prompt = r.input_uncached + r.cache_read + r.cache_write_5m + r.cache_write_1h;
  const estimate = { ...b.usage, input_uncached: Math.max(b.usage.input_uncached, prompt), output: Math.max(b.usage.output, r.output + r.reasoning) };
  const bound = { usage: estimate, bounded: b.bounded };
  const cap = ceilingCost(null, null, true, opts.ceiling, { bound, billed: usage.billed_usd, priced: !opts.servedPricer && opts.price !== null });
  const served = opts.servedPricer ? { served_model: usage.served ?? null, price_key: (usage.served ? opts.servedPricer(usage.served)?.key : null) ?? null } : {};
  return { usage: estimate, usage_unknown: true, list_usd: null, ...served, ...cap };
}
