// Ties an attempt to its billed-call ledger (src/store/ledger.ts, issue 14.9): every billed call is
// on disk before the agent sees the reply, and on `--resume` the calls of an earlier, killed try of
// the same attempt are folded into the new record — counted exactly once, and said so.
import { addUsage, promptTokens, zeroUsage } from '../core/usage.ts';
import type { CallRecord } from '../models/types.ts';
import { budgetUsd, sumUsd } from '../pricing/cost.ts';
import { LEDGER_FORMAT_VERSION, LedgerWriter, ledgerPath, takeInterruptedLedger, type LedgerEntry } from '../store/ledger.ts';
import type { AttemptRecord, InterruptedCalls } from '../store/records.ts';
import type { RunBudget } from './budget.ts';

export interface AttemptLedger {
  /** Records one billed call durably (write + fsync, off the event loop) — await it before the reply is used. */
  billed(call: CallRecord): Promise<void>;
  /** The same, blocking the event loop: for a caller that cannot wait (the metering proxy's `onCall`). */
  billedSync(call: CallRecord): void;
  /** Billed calls of earlier, interrupted tries of this attempt (`--resume`); null when none. */
  carried: InterruptedCalls | null;
  close(): void;
}

/**
 * Opens the ledger of one attempt in `runDir`. With `resume`, a ledger left by a killed earlier
 * session (its attempt has no record, or it would not run again) is taken aside first, its calls
 * summed into `carried` and counted against `budget`.
 */
export async function openAttemptLedger(
  runDir: string,
  id: { key: string; model: string; instance_id: string; attempt: number },
  resume: boolean,
  budget: RunBudget,
): Promise<AttemptLedger> {
  const earlier = resume ? await takeInterruptedLedger(runDir, id.key) : [];
  let carried: InterruptedCalls | null = null;
  if (earlier.length) {
    carried = {
      calls: earlier.length,
      usage: earlier.reduce((u, e) => addUsage(u, e.usage), zeroUsage()),
      list_usd: sumUsd(earlier.map((e) => e.list_usd)),
      billed_usd: earlier.some((e) => e.billed_usd !== null) ? earlier.reduce((s, e) => s + (e.billed_usd ?? 0), 0) : null,
      budget_usd: budgetUsd(earlier),
    };
    budget.carryOver(budgetUsd(earlier), promptTokens(carried.usage) + carried.usage.output);
  }
  const writer = new LedgerWriter(ledgerPath(runDir, id.key));
  const entry = (call: CallRecord): LedgerEntry => ({
    format_version: LEDGER_FORMAT_VERSION, ...id, at: new Date().toISOString(),
    usage: call.usage, list_usd: call.list_usd, billed_usd: call.billed_usd, ms: call.ms,
    ...(call.cap_usd !== undefined ? { cap_usd: call.cap_usd } : {}),
    ...(call.usage_unknown ? { usage_unknown: true } : {}),
  });
  return {
    carried,
    billed: (call) => writer.write(entry(call)),
    billedSync: (call) => writer.append(entry(call)),
    close: () => writer.close(),
  };
}

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
