// One billed model call as stored (in trajectories and ledgers): the schema is the type. Units:
// tokens, USD, milliseconds.
import { z } from 'zod';
import { TokenUsage } from './usage.ts';

export const CallRecord = z.object({
  usage: TokenUsage,
  /** The provider's usage object as received (kept for re-normalisation and audits). */
  raw_usage: z.unknown(),
  /** List-price cost in USD from the price sheet; null when the price is unknown. */
  list_usd: z.number().nullable(),
  /** Provider-reported cost in USD (OpenRouter `usage.cost`), when given. */
  billed_usd: z.number().nullable(),
  /** Milliseconds the call took, retries included. */
  ms: z.number().nonnegative(),
  /** HTTP tries this call took (1 = no retry); billed failed tries are summed into this record. Absent in older records. */
  tries: z.number().int().positive().optional(),
  /** True when a billed try's token counts are unknown: then `list_usd` is null — unknown, never 0. */
  usage_unknown: z.boolean().optional(),
  /** A billed side call of an external agent (a request without tools from a CLI whose working calls offer tools). */
  side: z.boolean().optional(),
  /**
   * Catalog id (models.yaml `id`) of the model this call went to, when a step-routing contender
   * (models.yaml `routes:`) picked it for this step. Absent for calls of a single model.
   */
  model: z.string().optional(),
  /**
   * The model the reply names (`model` in the response body, both protocols, streamed or not), kept
   * for a router entry (models.yaml `router: true`), whose calls are priced by the model that served
   * them; null when the reply named none. Absent for other entries.
   */
  served_model: z.string().nullable().optional(),
  /**
   * The price-sheet row that priced this call when it is not the contender's own row (the model a
   * step-routing contender picked, or a router's served model); null when the served model has no row: then `list_usd` is null (unknown, never 0).
   */
  price_key: z.string().nullable().optional(),
  /**
   * USD this call counted against the caps (--attempt-usd, the run budget) when its `list_usd` is
   * null: its tokens (or, unknown, their bound: src/pricing/usage-bound.ts) at the dearest input
   * and output rates of the price sheet in use, or the cost the reply stated when that is higher
   * (src/pricing/ceiling.ts). Never a cost: `list_usd` stays null. Absent otherwise.
   */
  cap_usd: z.number().nonnegative().optional(),
  /**
   * True when `cap_usd` is an upper bound of what the call cost: the reply stated its cost, or the
   * model's own row priced a token bound. Absent: `cap_usd` is the sheet's dearest rates, which a
   * model dearer than every row passes, so a hard cap stops the attempt after such a call.
   */
  cap_bound: z.boolean().optional(),
});
export type CallRecord = z.infer<typeof CallRecord>;

/** A call metered by the proxy for an external agent: a CallRecord plus what the proxy saw of the request. */
export const ProxyCallRecord = CallRecord.extend({
  /** Request path as the client sent it, e.g. `/v1/chat/completions`. */
  path: z.string(),
  /** HTTP status of the upstream reply. */
  status: z.number().int(),
  stream: z.boolean(),
  /** The `model` the client asked for (before any rewrite), null when none. */
  requested_model: z.string().nullable(),
  /** True when the request offered tools (an agent's working call). */
  offered_tools: z.boolean(),
});
export type ProxyCallRecord = z.infer<typeof ProxyCallRecord>;
