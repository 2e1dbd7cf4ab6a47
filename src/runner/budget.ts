// The run-wide budget (USD at list price, and tokens), metered call by call across concurrent attempts.
import type { ChatMessage, ChatReply, CallRecord, ModelClient, ChatOptions } from '../models/types.ts';
import { ModelCallError } from '../models/types.ts';
import { mergeCalls } from '../models/call-loop.ts';
import type { PricedModel } from '../config/catalog.ts';
import { promptTokens, type TokenUsage } from '../core/usage.ts';
import { RunInterrupted } from '../core/shutdown.ts';

/**
 * Ids of `models` (deduplicated, in order) whose calls a USD budget cannot count: no price of their
 * own (or a router's, served by any model) and no ceiling (the sheet has no priced row). A run with
 * a USD budget refuses them before any call.
 */
export function uncountableModels(models: readonly Pick<PricedModel, 'spec' | 'price' | 'ceiling'>[]): string[] {
  return [...new Set(models.filter((m) => (m.price === null || m.spec.router) && !m.ceiling).map((m) => m.spec.id))];
}

/** Tokens of a call that count against a token cap: every prompt token (cached or not) plus output. */
export const callTokens = (c: CallRecord): number => promptTokens(c.usage) + c.usage.output;

/**
 * Shared meter of a run's spend: list-price USD and tokens, with optional caps.
 *
 * Overshoot guarantee: a call starts only when the budget is not yet reached, and — while other calls
 * are in flight — only when all of them plus this one fit under each cap even if every one costs as
 * much as the largest call seen so far (the first call of a run runs alone, to measure that). So a
 * cap is passed by at most one call, unless a call costs more than any before it.
 *
 * Attempts before calls (newcomer13 #10): an attempt's first call (`acquire(seat)` with a seat not
 * yet seated) starts only when no other attempt is seated, or when one more call for every seated
 * attempt, plus this one, fits under the caps as above. So a small budget at a high `--concurrency`
 * lets the attempts already started finish (and be graded) instead of starting every attempt at
 * once and cutting them all; an attempt gives its seat back with `leave` when its agent is done.
 */
export class RunBudget {
  /** USD of the calls so far: list price, an unknown-price call at its ceiling cost (`cap_usd`; see `ceilingCalls`). */
  spentUsd = 0;
  /** Tokens of the calls so far (prompt + output). */
  spentTokens = 0;
  /** Calls whose price was unknown and could not be bounded either (tokens unknown, or a sheet without a priced row): not counted in `spentUsd`. */
  unpricedCalls = 0;
  /** Calls whose price was unknown, counted in `spentUsd` at the sheet's dearest rates (src/pricing/ceiling.ts). */
  ceilingCalls = 0;
  /** USD those calls were counted at. */
  ceilingUsd = 0;
  /** Calls metered so far. */
  calls = 0;
  #inFlight = 0;
  #maxCallUsd = 0;
  #maxCallTokens = 0;
  #waiters: Array<() => void> = [];
  /** Seats of the attempts that have made a call and whose agent has not yet finished. */
  #seated = new Set<object>();
  /** Seats given back with `leave`: a late call of such an attempt is never seated again. */
  #left = new WeakSet<object>();
  #ledgersCounted = new Set<string>();

  /**
   * @param capUsd run cap, USD at list price; null = none
   * @param capTokens run cap, tokens (prompt + output); null = none
   */
  constructor(
    readonly capUsd: number | null,
    readonly capTokens: number | null = null,
  ) {}

  /** Which cap has been reached, if any ('usd' first). */
  get reachedCap(): 'usd' | 'tokens' | null {
    if (this.capUsd !== null && this.spentUsd >= this.capUsd) return 'usd';
    if (this.capTokens !== null && this.spentTokens >= this.capTokens) return 'tokens';
    return null;
  }

  get exhausted(): boolean {
    return this.reachedCap !== null;
  }

  /** USD left, or null without a cap. */
  get remainingUsd(): number | null {
    return this.capUsd === null ? null : Math.max(0, this.capUsd - this.spentUsd);
  }

  /** Tokens left, or null without a cap. */
  get remainingTokens(): number | null {
    return this.capTokens === null ? null : Math.max(0, this.capTokens - this.spentTokens);
  }

  /** A human description of the reached cap, e.g. "run budget of $2.00 reached after $2.0130". */
  describe(): string {
    if (this.reachedCap === 'tokens') return `run token budget of ${this.capTokens} tokens reached after ${this.spentTokens} tokens`;
    return `run budget of $${this.capUsd} reached after $${this.spentUsd.toFixed(4)}`;
  }

  /**
   * What the run's note says of unknown-cost calls: how many were counted at the ceiling and for how
   * much (USD), and how many could not be counted at all. Empty when there were none.
   */
  unknownCostNotes(): string[] {
    const out: string[] = [];
    if (this.ceilingCalls) out.push(`${this.ceilingCalls} model call(s) had an unknown cost (tokens unknown: a reply cut or without usage; or no price) and were counted against the caps at their bound ($${this.ceilingUsd.toFixed(4)}: the tokens bounded by the request, at the model's price or the sheet's dearest rates); their recorded cost stays unknown`);
    if (this.unpricedCalls) out.push(`${this.unpricedCalls} model call(s) had an unknown price and unknown tokens (or a sheet with no priced row) and are not counted in the USD budget`);
    return out;
  }

  /**
   * Counts spend recorded by an earlier session of a resumed run (USD at list price, null = unknown;
   * tokens = prompt + output), without treating it as one call's size.
   */
  carryOver(usd: number | null, tokens: number): void {
    if (usd !== null) this.spentUsd += usd;
    this.spentTokens += tokens;
  }

  /**
   * Counts the calls of attempt `key`'s killed sessions (its unsettled ledgers, `carryOver`'s units)
   * once per key: a resume counts them all before any job starts (`countUnsettledLedgers`), and the
   * attempt that folds them later calls this again, which then adds nothing. `unbounded`: its
   * unsettled calls without a bound, which `usd` cannot count: they join `unpricedCalls` (the note).
   */
  carryOverLedger(key: string, usd: number | null, tokens: number, unbounded = 0): void {
    if (this.#ledgersCounted.has(key)) return;
    this.#ledgersCounted.add(key);
    this.carryOver(usd, tokens);
    this.unpricedCalls += unbounded;
  }

  /**
   * Counts a finished attempt of an earlier session of a resumed run: the USD the budget counted for
   * it (`budget_usd`, unknown-price calls at their ceiling; `list_usd` in records before that field)
   * and its tokens.
   */
  carryOverRecord(r: { list_usd: number | null; budget_usd?: number | undefined; usage: TokenUsage }): void {
    this.carryOver(r.budget_usd ?? r.list_usd, promptTokens(r.usage) + r.usage.output);
  }

  /**
   * Counts one billed call (USD null = unknown price: counted at `ceilingUsd` when given, in
   * `ceilingCalls`; else in `unpricedCalls`, adding nothing).
   */
  add(usd: number | null, tokens = 0, ceilingUsd?: number): void {
    this.calls++;
    if (usd === null && ceilingUsd !== undefined) {
      this.ceilingCalls++;
      this.ceilingUsd += ceilingUsd;
      usd = ceilingUsd;
    }
    if (usd === null) this.unpricedCalls++;
    else {
      this.spentUsd += usd;
      this.#maxCallUsd = Math.max(this.#maxCallUsd, usd);
    }
    this.spentTokens += tokens;
    this.#maxCallTokens = Math.max(this.#maxCallTokens, tokens);
  }

  /**
   * Waits until a call may start under the overshoot guarantee; the first call of `seat` (one
   * attempt's, any object) waits too until the attempt may start (see the class).
   * @returns false when the budget is reached (the call must not start); true after reserving a slot,
   *   which the caller must give back with `release` (and the seat, when the attempt is done, with `leave`)
   */
  async acquire(seat?: object): Promise<boolean> {
    for (;;) {
      if (this.exhausted) return false;
      const admitted = seat !== undefined && !this.#seated.has(seat) && !this.#left.has(seat)
        ? (this.#seated.size === 0 && this.#inFlight === 0) || this.#fits(Math.max(this.#seated.size, this.#inFlight) + 1)
        : this.#inFlight === 0 || this.#fits(this.#inFlight + 1);
      if (admitted) {
        this.#inFlight++;
        if (seat !== undefined && !this.#left.has(seat)) this.#seated.add(seat);
        return true;
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /**
   * Waits until the attempt of `seat` may make calls, and seats it (see the class): at once when it
   * is seated. Call it before taking a model-pool slot (`seatedClient`): a first call waiting for its
   * seat inside a slot holds the slot a seated attempt needs for its next call, and with fewer slots
   * than attempts nothing moves again (atkL14 #2: `--model-concurrency 1 --concurrency 2` hung).
   * @returns false when the budget is reached, `signal` aborted while waiting, or the seat has left
   *   (`hasLeft`: the attempt's agent is done, so a late call of it is not sent).
   */
  async admit(seat: object, signal?: AbortSignal): Promise<boolean> {
    const wake = (): void => this.#wake();
    signal?.addEventListener('abort', wake, { once: true });
    try {
      for (;;) {
        if (this.exhausted || signal?.aborted || this.#left.has(seat)) return false;
        if (this.#seated.has(seat)) return true;
        if ((this.#seated.size === 0 && this.#inFlight === 0) || this.#fits(Math.max(this.#seated.size, this.#inFlight) + 1)) {
          this.#seated.add(seat);
          return true;
        }
        await new Promise<void>((resolve) => this.#waiters.push(resolve));
      }
    } finally {
      signal?.removeEventListener('abort', wake);
    }
  }

  /** Ends a call started by `acquire`, counting what it was billed (null `call`: not billed). */
  release(call: CallRecord | null): void {
    this.#inFlight--;
    if (call) this.add(call.list_usd, callTokens(call), call.cap_usd);
    this.#wake();
  }

  /**
   * The attempt of `seat` makes no more calls (its agent is done): another attempt may take its place.
   * Idempotent and final: the seat is never taken again (`admit` refuses it; `acquire` of a call
   * already past `admit` counts it in flight without seating it), so a late call cannot hold a seat
   * no one leaves.
   */
  leave(seat: object): void {
    this.#left.add(seat);
    if (this.#seated.delete(seat)) this.#wake();
  }

  /** Whether `seat` was given back with `leave`. */
  hasLeft(seat: object): boolean {
    return this.#left.has(seat);
  }

  #wake(): void {
    const waiters = this.#waiters.splice(0);
    for (const w of waiters) w();
  }

  /** Whether `n` calls, each as large as the largest seen, fit under every cap. */
  #fits(n: number): boolean {
    if (this.capUsd === null && this.capTokens === null) return true;
    if (this.calls === 0) return false;
    const usdOk = this.capUsd === null || this.spentUsd + n * this.#maxCallUsd < this.capUsd;
    const tokOk = this.capTokens === null || this.spentTokens + n * this.#maxCallTokens < this.capTokens;
    return usdOk && tokOk;
  }
}

/**
 * A client whose calls first wait for the attempt's seat at the run budget (`RunBudget.admit`), then
 * go to `inner` (the model pool's client, whose metered client reserves the call). A call refused for
 * the budget calls `onRefused` and throws ModelCallError kind `budget`; one whose `signal` aborts
 * while it waits, or made after the attempt left its seat (`RunBudget.leave`), throws kind `aborted`
 * (nothing was sent).
 */
export function seatedClient(inner: ModelClient, budget: RunBudget, seat: object, onRefused: () => void): ModelClient {
  return {
    id: inner.id,
    async chat(messages: ChatMessage[], opts?: ChatOptions): Promise<ChatReply> {
      if (!(await budget.admit(seat, opts?.signal))) {
        if (budget.hasLeft(seat)) throw new ModelCallError('the attempt\'s agent is done: a call made after it is not sent', 'aborted', null);
        if (opts?.signal?.aborted) throw new ModelCallError('the call was aborted while its attempt waited for its place at the run budget', 'aborted', null);
        onRefused();
        throw new ModelCallError(`${budget.describe()}; no further model calls`, 'budget', null);
      }
      return inner.chat(messages, opts);
    },
  };
}

/**
 * The ledger side of a metered call (src/runner/ledger-fold.ts `AttemptLedger`): `pending` writes and
 * fsyncs the call's pending line with its bound before the request is sent (the call waits for it,
 * nothing longer) and returns its id; `billed` or `unbilled` settles it.
 */
export interface CallLedger {
  pending(messages: ChatMessage[], opts?: ChatOptions): Promise<string>;
  billed(call: CallRecord, callId: string): Promise<void>;
  /** A billed try of call `callId` that the client retries (`ChatOptions.billedTry`), written before the retry. */
  billedTry(call: CallRecord, callId: string, tryNo: number): Promise<void>;
  unbilled(callId: string): Promise<void>;
  /** The try of pending call `callId` in flight when it was aborted, as a billed try at the pending line's bound (`cap_usd`, usage unknown). */
  boundTry(callId: string): CallRecord;
}

/**
 * Wraps a client so every billed call — successes, billed failures (an unusable reply, a cut stream),
 * and the billed retries merged into them — is counted against the run budget, and no call starts
 * once a cap is reached (see RunBudget for the overshoot guarantee).
 * A refused call throws ModelCallError kind `budget` and calls `onRefused`. `onBilled` gets every
 * billed call before its reply (or billed error) is handed on, and a promise it returns is awaited
 * first: the attempt's ledger writes and fsyncs it there (off the event loop), so a killed process
 * never loses a paid call (issue 14.9). A rejected `onBilled` is thrown instead of the reply.
 * Given a `CallLedger` instead, each call also has a pending line on disk before it is sent (a call
 * in flight at a kill is counted at its bound on `--resume`), settled by its billed or unbilled line;
 * a rejected `pending` is thrown and nothing is sent. Only a `ModelCallError` without a billed call
 * settles it as unbilled, and so does one aborted before its first try was sent (kind `aborted`, no
 * try in flight, none billed). A call aborted by the run's interrupt (`RunInterrupted`, Ctrl-C or
 * SIGTERM) is left pending, its billed tries already on disk: its attempt has no record and runs again
 * on `--resume`, which counts it at its bound apart from the known costs, as after a kill. Any other aborted call (kind `aborted`, `opts.signal`) is recorded and counted with
 * its billed tries and, when a try was in flight, that try at the pending line's bound (`boundTry`;
 * the error rethrown carries the call so counted); without a ledger the in-flight try is not counted.
 * Any other error leaves the call pending. `seat`: the attempt's (`RunBudget.acquire`), shared by
 * every client of one attempt; the caller leaves it when the attempt's agent is done.
 */
export function meteredClient(inner: ModelClient, budget: RunBudget, onRefused: () => void, onBilled?: ((call: CallRecord) => void | Promise<void>) | CallLedger, seat?: object): ModelClient {
  const ledger = typeof onBilled === 'object' ? onBilled : null;
  const bill = typeof onBilled === 'function' ? onBilled : undefined;
  return {
    id: inner.id,
    async chat(messages: ChatMessage[], opts?: ChatOptions): Promise<ChatReply> {
      if (!(await budget.acquire(seat))) {
        onRefused();
        throw new ModelCallError(`${budget.describe()}; no further model calls`, 'budget', null);
      }
      let billed: CallRecord | null = null;
      let callId: string | null = null;
      const record = (call: CallRecord) => (ledger ? ledger.billed(call, callId!) : bill?.(call));
      try {
        if (ledger) callId = await ledger.pending(messages, opts);
        const reply = await inner.chat(messages, ledger ? { ...opts, billedTry: (call, tryNo) => ledger.billedTry(call, callId!, tryNo) } : opts);
        billed = reply.call;
        await record(billed);
        return reply;
      } catch (e) {
        if (e instanceof ModelCallError && e.kind === 'aborted' && callId !== null && opts?.signal?.reason instanceof RunInterrupted) {
          // Ctrl-C: the call stays pending (its billed tries are on disk as try lines); the attempt runs again on --resume, which
          // counts it at its bound apart from the known costs, as after a kill
        } else if (e instanceof ModelCallError && billed === null && e.kind === 'aborted' && (e.call || (e.inFlight && callId !== null))) {
          // an aborted call: its billed tries, and the try in flight at its bound (its request may have been billed)
          const inFlight = e.inFlight && callId !== null ? ledger!.boundTry(callId) : null;
          billed = inFlight ? mergeCalls([...(e.call ? [e.call] : []), inFlight], e.call?.ms ?? 0, (e.call?.tries ?? 0) + 1) : e.call!;
          await record(billed);
          if (billed !== e.call) throw new ModelCallError(e.message, e.kind, e.status, billed, e.inFlight, e.cause);
        } else if (e instanceof ModelCallError && e.call && billed === null) {
          billed = e.call;
          await record(billed);
        } else if (e instanceof ModelCallError && billed === null && callId !== null && (e.kind === 'aborted' ? !e.inFlight && !e.call : !opts?.signal?.aborted)) {
          // not billed by the client's account, or aborted before its first try was sent (nothing reached the provider);
          // a call aborted otherwise (a try in flight, no bill) or an unexpected error stays pending: its cost is unknown
          await ledger!.unbilled(callId).catch(() => {});
        }
        throw e;
      } finally {
        budget.release(billed);
      }
    },
  };
}
