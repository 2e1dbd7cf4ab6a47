// The report header's line about infra errors (DESIGN.md §6): rates leave them out of their
// denominators, so a run with any says so up front, with the command that completes it.
import type { IndexRecord } from '../store/records.ts';
import { formatUsd } from './format.ts';
import { sumUsd } from '../core/cost.ts';
import type { InterruptedCalls } from '../core/records.ts';

/**
 * "2 attempts ended in infra errors (harness or provider faults): every rate leaves them out of its
 * denominator. Complete the run with: npx fixbench run --retry-errors <run_id>"; null when none did.
 */
export function infraErrorsNote(runId: string, attempts: readonly IndexRecord[]): string | null {
  const n = attempts.filter((a) => a.outcome === 'infra_error').length;
  if (n === 0) return null;
  return (
    `${n} attempt${n === 1 ? '' : 's'} ended in infra errors (harness or provider faults, not the model's): ` +
    `every rate leaves ${n === 1 ? 'it' : 'them'} out of its denominator. Complete the run with: npx fixbench run --retry-errors ${runId}`
  );
}

/** Calls the records carry unsettled, the USD of their bounds (`unsettledCalls`), and how many of them have no bound (not in `usd`). */
export interface Unsettled {
  calls: number;
  usd: number;
  unbounded: number;
}

/**
 * The calls `attempts` carry unsettled (`interrupted_calls.unsettled_calls`: in flight at a kill or
 * a Ctrl-C and never settled, so the provider may have billed them), the USD of their bounds
 * (`unsettled_usd`, which the budget counted) and those without a bound (`unbounded_calls`); null when none.
 */
export function unsettledCalls(attempts: readonly Pick<IndexRecord, 'interrupted_calls'>[]): Unsettled | null {
  const calls = attempts.reduce((s, a) => s + (a.interrupted_calls?.unsettled_calls ?? 0), 0);
  if (!calls) return null;
  return {
    calls,
    usd: attempts.reduce((s, a) => s + (a.interrupted_calls?.unsettled_usd ?? 0), 0),
    unbounded: attempts.reduce((s, a) => s + (a.interrupted_calls?.unbounded_calls ?? 0), 0),
  };
}

/**
 * "1 call unsettled, bounded at $0.0123" — or, with calls whose pending line had no bound, "1 call
 * unsettled, unbounded" / "3 calls unsettled, 1 unbounded, the rest bounded at $0.50" (never
 * "bounded at $0" for a call nothing bounds): the one wording of unsettled calls (report header, run summary).
 */
export const unsettledText = (u: Unsettled): string => {
  const head = `${u.calls} call${u.calls === 1 ? '' : 's'} unsettled`;
  if (!u.unbounded) return `${head}, bounded at ${formatUsd(u.usd)}`;
  if (u.unbounded >= u.calls) return `${head}, unbounded`;
  return `${head}, ${u.unbounded} unbounded, the rest bounded at ${formatUsd(u.usd)}`;
};

/** Calls on the ledgers of attempts no record holds yet (runner/ledger-fold.ts `unrecordedCalls`). */
type Unrecorded = { interrupted_calls: InterruptedCalls };

/**
 * A contender's spend as the run summary states it: "$0.0084 total"; when its records carry
 * unsettled calls, whose tokens and list cost are unknown and not in `totalUsd`, the total is a floor:
 * "≥ $0.0084 total, 1 call unsettled, bounded at $0.0123" ("unknown total, …" when `totalUsd` is null).
 * `unrecorded`: the calls on the ledgers of its attempts an interrupt cut (in no record until
 * `--resume`): their list USD is added to the total, and said: "≥ $0.0120 total, $0.0036 of it in
 * 2 billed calls not yet recorded, 1 call unsettled, bounded at $0.27".
 */
export function spendText(totalUsd: number | null, attempts: readonly Pick<IndexRecord, 'interrupted_calls'>[], unrecorded: readonly Unrecorded[] = []): string {
  const u = unsettledCalls([...attempts, ...unrecorded]);
  const calls = unrecorded.reduce((s, r) => s + r.interrupted_calls.calls, 0);
  const ledgerUsd = sumUsd(unrecorded.map((r) => r.interrupted_calls.list_usd));
  const total = calls ? sumUsd([totalUsd, ledgerUsd]) : totalUsd;
  const pending = calls ? `, ${formatUsd(ledgerUsd)} of it in ${calls} billed call${calls === 1 ? '' : 's'} not yet recorded` : '';
  if (!u) return `${formatUsd(total)} total${pending}`;
  return `${total === null ? 'unknown' : `≥ ${formatUsd(total)}`} total${pending}, ${unsettledText(u)}`;
}

/**
 * What an interrupted run's note adds to its count of the calls of the attempts it cut (runner
 * `interruptedNote`) when some of them are unsettled: "of those calls, 1 call unsettled, bounded at
 * $0.27: in flight at the interrupt, the provider may have billed it; not in that list price"; null
 * when none is.
 */
export function unsettledCutNote(unrecorded: readonly Unrecorded[]): string | null {
  const u = unsettledCalls(unrecorded);
  if (!u) return null;
  return `of those calls, ${unsettledText(u)}: in flight at the interrupt, the provider may have billed ${u.calls === 1 ? 'it' : 'them'}; not in that list price`;
}

/**
 * "1 billed call(s) of interrupted attempts (a killed session) are counted, from their ledgers, in
 * 1 attempt record(s)", then the unsettled calls (`unsettledText`: in flight at the kill and never
 * settled) and the USD of their bounds, which the budget counted; null when no record carries any.
 */
export function interruptedCallsNote(attempts: readonly IndexRecord[]): string | null {
  const carrying = attempts.filter((a) => a.interrupted_calls);
  if (!carrying.length) return null;
  const calls = carrying.reduce((s, a) => s + a.interrupted_calls!.calls, 0);
  const base = `${calls} billed call(s) of interrupted attempts (a killed session, re-run on --resume) are counted, from their ledgers, in ${carrying.length} attempt record(s).`;
  const u = unsettledCalls(carrying);
  if (!u) return base;
  return `${base} ${unsettledText(u)}: in flight at the kill (or Ctrl-C) and never settled, the provider may have billed them, so the budget counts each at its bound${u.unbounded ? ` (an unbounded one at nothing: see the unknown-cost note)` : ''}; their tokens and list cost are unknown and not in the totals.`;
}
