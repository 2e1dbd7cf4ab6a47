// The retry loop shared by every provider client: tries, back-off, and the merging of every billed
// try into one CallRecord (so retries that were billed are charged, DESIGN.md §3).
import { sumUsd } from '../pricing/cost.ts';
import { cappedUsd, unboundedCost } from '../pricing/ceiling.ts';
import { addUsage, zeroUsage } from '../core/usage.ts';
import { backoffDelayMs, retryAfterMs, type TryFailure } from './retry.ts';
import { ModelCallError, type CallRecord } from './types.ts';

export type { TryFailure } from './retry.ts';

/** What one try gave: a reply with its CallRecord, or a classified failure. */
export type TryResult<R> = { reply: R; call: CallRecord } | { failure: TryFailure };

export interface RetryOptions {
  /** Tries at most, the first included (default 4). */
  maxTries?: number;
  /** Back-off before the first retry, ms (default 1 000); doubles per retry, with jitter. */
  baseDelayMs?: number;
  /** Longest wait between tries, ms (default 60 000); a longer `retry-after` is clamped to it. */
  maxDelayMs?: number;
  /** Waits `ms` (abortable); injectable so tests can record delays instead of sleeping. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of jitter in [0, 1) (default Math.random). */
  random?: () => number;
}

/** Abortable sleep. @throws the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Merges the billed tries of one logical call into one CallRecord: tokens summed, `list_usd` summed
 * (null when any part is unknown), `billed_usd` summed when every try reported one, `raw_usage` the
 * single raw object or the list of them, `usage_unknown` when any try's tokens are unknown, and a
 * router's `served_model` / `price_key` of the last try.
 */
export function mergeCalls(calls: CallRecord[], ms: number, tries: number): CallRecord {
  if (calls.length === 1) return { ...calls[0]!, ms, tries };
  return {
    usage: calls.reduce((u, c) => addUsage(u, c.usage), zeroUsage()),
    raw_usage: calls.map((c) => c.raw_usage),
    list_usd: sumUsd(calls.map((c) => c.list_usd)),
    billed_usd: calls.every((c) => c.billed_usd !== null) ? sumUsd(calls.map((c) => c.billed_usd)) : null,
    ms,
    tries,
    usage_unknown: calls.some((c) => c.usage_unknown === true),
    ...mergedCap(calls),
    // a router's tries may be served by different models: the record names the last one (each try is priced by its own)
    ...servedOf(calls.at(-1)!),
  };
}

/** `cap_usd` of merged tries whose sum is unknown: each try at its list price, else its ceiling cost (absent when some try has neither); `cap_bound` when every try's part is a bound. */
function mergedCap(calls: CallRecord[]): { cap_usd?: number; cap_bound?: true } {
  if (calls.every((c) => c.list_usd !== null)) return {};
  const parts = calls.map(cappedUsd);
  if (!parts.every((p) => p !== null)) return {};
  return { cap_usd: sumUsd(parts) ?? 0, ...(calls.some(unboundedCost) ? {} : { cap_bound: true as const }) };
}

const servedOf = (c: CallRecord): Pick<CallRecord, 'served_model' | 'price_key'> =>
  c.served_model !== undefined ? { served_model: c.served_model, price_key: c.price_key ?? null } : {};

/**
 * Runs `tryOnce` up to `maxTries` times. A failure is retried when its class says so (rate limits,
 * 408/409, 5xx and 529, network errors, cut streams), after `backoffDelayMs` honouring the previous
 * failure's `retry-after-ms` / `retry-after` headers. Every billed try (success or failure) is in the
 * returned or thrown CallRecord; each billed failed try that will be retried is also given to
 * `billedTry` (awaited before the retry: the ledger's try line), so a kill during the retries loses none.
 * @param classifyThrown turns an exception of `tryOnce` into a TryFailure (never called after `signal` aborts)
 * @returns the reply and the merged CallRecord (`ms` = wall time, back-off included; `tries`)
 * @throws ModelCallError (kind, status, merged `call` of the billed tries or null) when every try failed
 *   or a failure is not retryable; kind `aborted` (`cause` = the signal's reason, `call` = the tries
 *   billed so far or null, `inFlight` when a try was under way) when `signal` aborts.
 */
export async function callWithRetries<R>(
  id: string,
  tryOnce: () => Promise<TryResult<R>>,
  classifyThrown: (e: unknown) => TryFailure,
  o: RetryOptions,
  signal?: AbortSignal,
  billedTry?: (call: CallRecord, tryNo: number) => Promise<void>,
): Promise<{ reply: R; call: CallRecord }> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  const maxTries = Math.max(1, o.maxTries ?? 4);
  const backoff = { baseDelayMs: o.baseDelayMs ?? 1_000, maxDelayMs: o.maxDelayMs ?? 60_000 };
  const billed: CallRecord[] = [];
  let failure: TryFailure | undefined;
  let tryNo = 0;
  // the billed tries are not dropped on abort: the caller records and budgets them (inFlight: the try under way may be billed too)
  const aborted = (inFlight: boolean): ModelCallError => {
    const why = signal!.reason instanceof Error ? signal!.reason.message : String(signal!.reason);
    // `tries`: the tries ended before the abort (the one in flight is not in `call`)
    return new ModelCallError(`${id}: aborted ${inFlight ? 'during' : 'before'} try ${tryNo}: ${why}`, 'aborted', null, billed.length ? mergeCalls(billed, ms(), tryNo - 1) : null, inFlight, signal!.reason);
  };
  while (tryNo < maxTries) {
    tryNo++;
    if (tryNo > 1) {
      const wait = backoffDelayMs(tryNo - 1, retryAfterMs(failure?.headers), backoff, o.random ?? Math.random);
      try {
        await (o.sleep ?? sleep)(wait, signal);
      } catch (e) {
        if (signal?.aborted) throw aborted(false);
        throw e;
      }
    }
    if (signal?.aborted) throw aborted(false);
    let res: TryResult<R>;
    try {
      res = await tryOnce();
    } catch (e) {
      if (signal?.aborted) throw aborted(true);
      res = { failure: classifyThrown(e) };
    }
    if ('reply' in res) return { reply: res.reply, call: mergeCalls([...billed, res.call], ms(), tryNo) };
    failure = res.failure;
    if (failure.call) billed.push(failure.call);
    if (!failure.retry || tryNo >= maxTries) break;
    if (failure.call) await billedTry?.(failure.call, tryNo);
  }
  const f = failure!;
  const tries = f.retry ? ` after ${tryNo} tries` : '';
  throw new ModelCallError(
    `${id}: ${f.status === null ? '' : `HTTP ${f.status} `}${f.kind}${tries}: ${f.message}`,
    f.kind,
    f.status,
    billed.length ? mergeCalls(billed, ms(), tryNo) : null,
  );
}

/**
 * An AbortSignal that fires when `parent` aborts or when `idleMs` pass without `touch()` — the
 * guard against a stream that never ends (the SDKs' request timeouts stop at the response headers).
 */
export function idleAbort(parent: AbortSignal | undefined, idleMs: number): { signal: AbortSignal; touch(): void; dispose(): void; readonly timedOut: boolean } {
  const ctl = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const onParent = () => ctl.abort(parent!.reason);
  if (parent?.aborted) ctl.abort(parent.reason);
  parent?.addEventListener('abort', onParent, { once: true });
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      ctl.abort(new Error(`no data for ${idleMs} ms`));
    }, idleMs);
  };
  touch();
  return {
    signal: ctl.signal,
    touch,
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
    get timedOut() {
      return timedOut;
    },
  };
}

/**
 * The end of reading a streamed reply, shared by both dialects: throws the caller's abort (the SDKs
 * end the iteration quietly on abort), else returns the failure of a stream that was cut — silent
 * past `idleMs`, broken while reading (`readError`, already redacted), or ended before its final
 * event (`complete` false) — or null when the reply is whole. A cut stream carries no usage: its
 * call is recorded with unknown tokens (`call`) and retried.
 * @throws `signal.reason` when `signal` aborted
 */
export function streamCutFailure(o: {
  signal: AbortSignal | undefined;
  idle: { readonly timedOut: boolean };
  idleMs: number;
  readError: string | null;
  complete: boolean;
  /** Why an early end is incomplete, e.g. "the stream ended before message_stop". */
  incomplete: string;
  call: () => CallRecord;
}): TryFailure | null {
  if (o.signal?.aborted) throw o.signal.reason;
  const cut = o.idle.timedOut ? `stream silent for ${o.idleMs} ms` : (o.readError ?? (o.complete ? null : o.incomplete));
  if (cut === null) return null;
  return { kind: 'network', retry: true, status: null, message: `stream cut before its usage (${cut}); tokens unknown`, call: o.call() };
}
