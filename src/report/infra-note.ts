// The report header's line about infra errors (DESIGN.md §6): rates leave them out of their
// denominators, so a run with any says so up front, with the command that completes it.
import type { IndexRecord } from '../store/records.ts';

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

/**
 * "1 billed call(s) of interrupted attempts (a killed session) are counted, from their ledgers, in
 * 1 attempt record(s)", then how many calls were unsettled (in flight at the kill) and the USD of
 * their bounds, which the budget counted; null when no record carries any.
 */
export function interruptedCallsNote(attempts: readonly IndexRecord[]): string | null {
  const carrying = attempts.filter((a) => a.interrupted_calls);
  if (!carrying.length) return null;
  const calls = carrying.reduce((s, a) => s + a.interrupted_calls!.calls, 0);
  const base = `${calls} billed call(s) of interrupted attempts (a killed session, re-run on --resume) are counted, from their ledgers, in ${carrying.length} attempt record(s).`;
  const unsettled = carrying.reduce((s, a) => s + (a.interrupted_calls!.unsettled_calls ?? 0), 0);
  if (!unsettled) return base;
  const usd = carrying.reduce((s, a) => s + (a.interrupted_calls!.unsettled_usd ?? 0), 0);
  return `${base} ${unsettled} call(s) were in flight at the kill and never settled: the provider may have billed them, so the budget counts each at its bound ($${usd.toFixed(4)} in all); their tokens and list cost are unknown and not in the totals.`;
}
