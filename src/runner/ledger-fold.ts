// Ties an attempt to its billed-call ledger (src/store/ledger.ts, issue 14.9): every billed call is
// on disk before the agent sees the reply, and on `--resume` the calls of an earlier, killed try of
// the same attempt are folded into the new record — counted exactly once, and said so.
import { addUsage, promptTokens, zeroUsage } from '../core/usage.ts';
import type { CallRecord, ChatMessage, ChatOptions } from '../models/types.ts';
import { budgetUsd, sumUsd } from '../pricing/cost.ts';
import { randomUUID } from 'node:crypto';
import { LEDGER_FORMAT_VERSION, LedgerWriter, ledgerPath, readUnsettledLedgers, splitLedger, takeInterruptedLines, type LedgerEntry, type LedgerLine } from '../store/ledger.ts';
import type { CallBound } from '../pricing/call-bound.ts';
import type { AttemptRecord, InterruptedCalls } from '../store/records.ts';
import type { CallLedger, RunBudget } from './budget.ts';

export interface AttemptLedger {
  /**
   * Records a call about to be sent (a pending line with its bound) durably, off the event loop —
   * await it before sending; returns the call id its `billed` or `unbilled` line settles it with.
   */
  pending(bound: CallBound): Promise<string>;
  /** Settles a pending call that ended without a bill. */
  unbilled(callId: string): Promise<void>;
  /** Records one billed call durably (write + fsync, off the event loop) — await it before the reply is used; `callId` settles its pending line. */
  billed(call: CallRecord, callId?: string): Promise<void>;
  /** Records one billed try (number `tryNo`, from 1) of call `callId` that is being retried, durably, before the retry is sent (`LedgerEntry.try`). */
  billedTry(call: CallRecord, callId: string, tryNo: number): Promise<void>;
  /** The same, blocking the event loop: for a caller that cannot wait (the metering proxy's `onCall`). */
  billedSync(call: CallRecord, callId?: string): void;
  /** Billed calls of earlier, interrupted tries of this attempt (`--resume`); null when none. */
  carried: InterruptedCalls | null;
  close(): void;
}

/**
 * Opens the ledger of one attempt in `runDir`. With `resume`, the ledgers left by killed earlier
 * sessions (every one not yet covered by a record: `takeInterruptedLines`) are taken aside first, their calls
 * summed into `carried` and counted against `budget` (unless `countUnsettledLedgers` counted them already); its pending calls never settled (in flight at
 * the kill) are counted at their bound (`unsettled_calls`, `unsettled_usd`, in `budget_usd`).
 */
export async function openAttemptLedger(
  runDir: string,
  id: { key: string; model: string; instance_id: string; attempt: number },
  resume: boolean,
  budget: RunBudget,
): Promise<AttemptLedger> {
  const carried = carriedOf(resume ? await takeInterruptedLines(runDir, id.key) : []);
  if (carried) budget.carryOverLedger(id.key, carried.budget_usd!, promptTokens(carried.usage) + carried.usage.output, carried.unbounded_calls ?? 0);
  const writer = new LedgerWriter(ledgerPath(runDir, id.key));
  const entry = (call: CallRecord, callId?: string): LedgerEntry => ({
    format_version: LEDGER_FORMAT_VERSION, ...(callId ? { call_id: callId } : {}), ...id, at: new Date().toISOString(),
    usage: call.usage, list_usd: call.list_usd, billed_usd: call.billed_usd, ms: call.ms,
    ...(call.cap_usd !== undefined ? { cap_usd: call.cap_usd } : {}),
    ...(call.usage_unknown ? { usage_unknown: true } : {}),
  });
  return {
    carried,
    pending: async (bound) => {
      const callId = randomUUID();
      await writer.write({ format_version: LEDGER_FORMAT_VERSION, kind: 'pending', call_id: callId, ...id, at: new Date().toISOString(), price_key: bound.price_key, bound_usd: bound.usd, bounded: bound.bounded });
      return callId;
    },
    unbilled: (callId) => writer.write({ format_version: LEDGER_FORMAT_VERSION, kind: 'unbilled', call_id: callId, ...id, at: new Date().toISOString() }),
    billed: (call, callId) => writer.write(entry(call, callId)),
    billedTry: (call, callId, tryNo) => writer.write({ ...entry(call, callId), try: tryNo }),
    billedSync: (call, callId) => writer.append(entry(call, callId)),
    close: () => writer.close(),
  };
}

/**
 * The calls of a killed session's ledger lines (`splitLedger`): billed ones summed, pending ones never
 * settled counted at their bound (`unsettled_calls`, `unsettled_usd`, in `budget_usd`); null when none.
 */
function carriedOf(lines: readonly LedgerLine[]): InterruptedCalls | null {
  const { billed: earlier, unsettled } = splitLedger(lines);
  if (!earlier.length && !unsettled.length) return null;
  const unsettledUsd = unsettled.reduce((s, p) => s + (p.bound_usd ?? 0), 0);
  const unbounded = unsettled.filter((p) => p.bound_usd === null).length; // no bound: never a known $0
  return {
    calls: earlier.filter((e) => e.try === undefined).length,
    usage: earlier.reduce((u, e) => addUsage(u, e.usage), zeroUsage()),
    list_usd: sumUsd(earlier.map((e) => e.list_usd)),
    billed_usd: earlier.some((e) => e.billed_usd !== null) ? earlier.reduce((s, e) => s + (e.billed_usd ?? 0), 0) : null,
    budget_usd: budgetUsd(earlier) + unsettledUsd,
    ...(unsettled.length ? { unsettled_calls: unsettled.length, unsettled_usd: unsettledUsd } : {}),
    ...(unbounded ? { unbounded_calls: unbounded } : {}),
  };
}

/**
 * The attempts of `runDir` cut after a call (a ledger no record settled holds a billed or pending call):
 * how many, and their calls' list USD (null when a call's price is unknown). What an interrupt leaves
 * unrecorded but paid for; `--resume` folds them into the re-run attempts' records.
 */
export async function cutAttemptCalls(runDir: string): Promise<{ attempts: number; calls: number; listUsd: number | null }> {
  const cut = (await unrecordedCalls(runDir, () => null)).map((u) => u.interrupted_calls);
  return { attempts: cut.length, calls: cut.reduce((n, c) => n + c.calls + (c.unsettled_calls ?? 0), 0), listUsd: sumUsd(cut.map((c) => c.list_usd)) };
}

/**
 * Counts the unsettled ledgers of `runDir` (killed sessions' calls no record holds yet) against
 * `budget` before a resumed run starts any job, each key once (`RunBudget.carryOverLedger`: the attempt
 * that folds one later does not count it again), so the budget check and its note include them.
 * @returns the keys that have such a ledger (their attempt must be recorded even when not run: `budgetCutRecord`).
 */
export async function countUnsettledLedgers(runDir: string, budget: RunBudget): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const [key, lines] of await readUnsettledLedgers(runDir)) {
    const carried = carriedOf(lines);
    if (!carried) continue;
    keys.add(key);
    budget.carryOverLedger(key, carried.budget_usd!, promptTokens(carried.usage) + carried.usage.output, carried.unbounded_calls ?? 0);
  }
  return keys;
}

/** The billed and unsettled calls on the ledger of one attempt that no record holds (`unrecordedCalls`). */
export interface Unrecorded {
  /** Attempt key of the ledger. */
  key: string;
  /** The contender id of the attempt, null when it is not one of `contenderOf`'s keys (another shard's). */
  contender: string | null;
  interrupted_calls: InterruptedCalls;
}

/**
 * The calls on the unsettled ledgers of `runDir` (attempts cut by an interrupt or a kill, and not
 * re-run yet), per attempt key: billed ones summed, pending ones at their bound (`carriedOf`), as a
 * `--resume` will fold them into records. For the end of an interrupted session, whose totals
 * would miss them otherwise. @throws as `readUnsettledLedgers`.
 */
export async function unrecordedCalls(runDir: string, contenderOf: (key: string) => string | null): Promise<Unrecorded[]> {
  const out: Unrecorded[] = [];
  for (const [key, lines] of await readUnsettledLedgers(runDir)) {
    const carried = carriedOf(lines);
    if (carried) out.push({ key, contender: contenderOf(key), interrupted_calls: carried });
  }
  return out;
}

/**
 * USD of the interrupted tries' billed calls as the caps count them (list price, else ceiling), the
 * unsettled ones left out: what a re-run try's `--attempt-usd` starts from (0 when none). An
 * unsettled call's bound is an upper estimate: counting it would end the re-run on a guess and
 * grade the model for the harness's crash; the in-flight call is the one call a cap may be passed by.
 */
export const carriedCapUsd = (carried: InterruptedCalls | null): number => (carried ? (carried.budget_usd ?? carried.list_usd ?? 0) - (carried.unsettled_usd ?? 0) : 0);

/** The metered client's ledger hooks (`CallLedger`) of `ledger`, each call bounded by `bound`. */
export function callLedger(ledger: AttemptLedger, bound: (messages: ChatMessage[], opts?: ChatOptions) => CallBound): CallLedger {
  const bounds = new Map<string, CallBound>(); // of the calls not yet settled
  return {
    pending: async (messages, opts) => {
      const b = bound(messages, opts);
      const id = await ledger.pending(b);
      bounds.set(id, b);
      return id;
    },
    billed: (call, id) => (bounds.delete(id), ledger.billed(call, id)),
    billedTry: (call, id, tryNo) => ledger.billedTry(call, id, tryNo),
    unbilled: (id) => (bounds.delete(id), ledger.unbilled(id)),
    boundTry: (id) => boundTryOf(bounds.get(id)),
  };
}

/** A try of unknown usage counted at `b`'s bound (`cap_usd`; `cap_bound` when bounded; neither when the bound is unknown). */
const boundTryOf = (b: CallBound | undefined): CallRecord => ({
  usage: zeroUsage(), raw_usage: null, list_usd: null, billed_usd: null, ms: 0, usage_unknown: true,
  ...(b?.usd != null ? { cap_usd: b.usd, ...(b.bounded ? { cap_bound: true as const } : {}) } : {}),
});

/**
 * The record with the interrupted tries' calls added to `usage`, `calls`, `list_usd` (unknown stays
 * unknown), `budget_usd` and `billed_usd`, and named in `interrupted_calls`. Unchanged when `carried` is null;
 * a reference or predictions record (list_usd 0 or null by kind) keeps its own.
 */
export function foldInterrupted(record: AttemptRecord, carried: InterruptedCalls | null): AttemptRecord {
  if (!carried) return record;
  const billed = record.billed_usd === null && carried.billed_usd === null ? null : (record.billed_usd ?? 0) + (carried.billed_usd ?? 0);
  return {
    ...record,
    usage: addUsage(record.usage, carried.usage),
    calls: record.calls + carried.calls,
    list_usd: sumUsd([record.list_usd, carried.list_usd]),
    billed_usd: billed,
    ...(record.budget_usd !== undefined ? { budget_usd: record.budget_usd + (carried.budget_usd ?? carried.list_usd ?? 0) } : {}),
    interrupted_calls: carried,
  };
}
