// The bound of a model call before it is sent (the ledger's pending line, src/store/ledger.ts): the
// most its request can cost, so a call in flight at a kill -9 is counted on `--resume`. Pure.
import type { PricedModel } from '../config/catalog.ts';
import type { ChatMessage, ChatOptions } from '../models/types.ts';
import { callCostUsd } from './cost.ts';
import { unknownUsageBound } from './usage-bound.ts';

/** Output tokens counted for a request that sets no output limit (no `max_tokens` …): an estimate, not a bound. */
export const DEFAULT_OUTPUT_TOKENS = 32_000;
/** `max_tokens` the Anthropic client sends when `params` has none (= `DEFAULT_MAX_TOKENS` of src/models/anthropic.ts, not imported: that loads the SDK). */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 8192;

/** A call's bound: USD (null when no row prices it), the row used (price key, `ceiling`, or null) and whether it is a bound (false: output estimated, or priced at the ceiling, which is no bound for a router or an unpriced model). */
export interface CallBound {
  usd: number | null;
  price_key: string | null;
  bounded: boolean;
}

/**
 * The bounder of calls to `models` (one model, or a step route's two: the dearer bound counts).
 * A call's request is rebuilt as the client sends it (`model`, `messages`, `tools`, the entry's
 * `params`, and the Anthropic default `max_tokens`) and bounded as a reply without usage is
 * (`unknownUsageBound`: every request byte one prompt token, output at its `max_tokens` × `n`),
 * output at {@link DEFAULT_OUTPUT_TOKENS} when it sets no limit; priced at the model's row, or the
 * sheet's ceiling for a router entry (it may serve any model) or an unpriced model. One try: billed
 * retries of a call (cut streams) are not in its bound.
 */
export function callBounder(models: readonly PricedModel[]): (messages: ChatMessage[], opts?: ChatOptions) => CallBound {
  return (messages, opts) => {
    const text = JSON.stringify(messages);
    const tools = opts?.tools ? JSON.stringify(opts.tools) : '';
    let best: CallBound = { usd: null, price_key: null, bounded: false };
    for (const m of models) {
      const params = { ...(m.spec.api === 'anthropic' ? { max_tokens: ANTHROPIC_DEFAULT_MAX_TOKENS } : {}), ...m.spec.params, model: m.spec.model };
      // the messages and tools are spliced in as text: they are serialised once per call, not per model
      const b = requestBound(`${JSON.stringify(params).slice(0, -1)},"messages":${text}${tools ? `,"tools":${tools}` : ''}}`, m);
      if (b.usd !== null && (best.usd === null || b.usd > best.usd)) best = b;
    }
    return best;
  };
}

/**
 * The bound of one request as sent (`request`, its JSON text) to model `m`: `unknownUsageBound` with
 * no reply received, output at {@link DEFAULT_OUTPUT_TOKENS} when the request sets no limit, at the
 * model's row, or the ceiling for a router entry or an unpriced model (see `callBounder`). The
 * metering proxy's pending lines use it on the body it forwards.
 */
export function requestBound(request: string, m: Pick<PricedModel, 'spec' | 'price' | 'served' | 'ceiling'>): CallBound {
  const b = unknownUsageBound(request, 0);
  const limited = b.usage.output > 0;
  const usage = limited ? b.usage : { ...b.usage, output: DEFAULT_OUTPUT_TOKENS };
  const own = m.served ? null : m.price;
  const usd = callCostUsd(usage, own ?? m.ceiling ?? null);
  if (usd === null) return { usd: null, price_key: null, bounded: false };
  return { usd, price_key: own ? (m.spec.price ?? m.spec.id) : 'ceiling', bounded: b.bounded && limited && own !== null };
}
