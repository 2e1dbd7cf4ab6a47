// The reference agents' sanity check as a report states it (DESIGN.md §5; the run's exit-3 gate is
// src/runner/gate.ts): gold must resolve every task, noop none. Pure: the run's analysis in, counts out.
import type { Outcome } from '../core/outcome.ts';
import type { ContenderSummary } from './leaderboard.ts';
import type { ResultMatrix } from './matrix.ts';

/** One reference agent's part of the check. */
export interface ReferenceResult {
  id: 'gold' | 'noop';
  /** Attempts resolved. */
  resolved: number;
  /** The contender's trials (tasks × attempts; a shard run's: the attempts it recorded, `summariseListed`). */
  trials: number;
  /**
   * The tasks breaking the rule, suite order, each with the outcome of its first offending attempt:
   * for gold a recorded attempt not resolved (an `infra_error` too, as the run's gate counts it),
   * for noop a resolved one.
   */
  failures: Array<{ instanceId: string; outcome: Outcome }>;
  /** Trials with no record (not run): they leave the check incomplete, never failed. */
  missing: number;
}

/** The check: `failed` when a task breaks a rule, else `incomplete` when a reference trial was not run, else `passed`. */
export interface ReferenceCheck {
  gold: ReferenceResult | null;
  noop: ReferenceResult | null;
  verdict: 'passed' | 'failed' | 'incomplete';
}

/**
 * The sanity check of a run from its analysis (`RunAnalysis.ranked` and `.matrix`, src/analysis/run.ts);
 * null when neither `gold` nor `noop` is a contender (matched by contender id, as the run's gate does).
 */
export function referenceCheck(ranked: readonly ContenderSummary[], matrix: ResultMatrix): ReferenceCheck | null {
  const result = (id: 'gold' | 'noop'): ReferenceResult | null => {
    const s = ranked.find((c) => c.id === id);
    const row = matrix.contenders.findIndex((c) => c.id === id);
    if (!s || row < 0) return null;
    const breaks = (resolved: boolean): boolean => (id === 'gold' ? !resolved : resolved);
    const failures = matrix.tasks.flatMap((instanceId, t) => {
      const cell = matrix.cells[row]![t]!.find((c) => c !== null && breaks(c.resolved));
      return cell ? [{ instanceId, outcome: cell.outcome }] : [];
    });
    return { id, resolved: s.resolved, trials: s.trials, failures, missing: s.missing };
  };
  const gold = result('gold');
  const noop = result('noop');
  if (!gold && !noop) return null;
  const both = [gold, noop].filter((r) => r !== null);
  const verdict = both.some((r) => r.failures.length) ? 'failed' : both.some((r) => r.missing) ? 'incomplete' : 'passed';
  return { gold, noop, verdict };
}
