// Live cascades checked against their simulation (DESIGN.md §13): each `run --cascade` contender's
// measured rate and cost beside the same cascade played from the run's independent single-model
// attempts (src/analysis/routing.ts plays two-model cascades the same way), both with Wilson
// intervals. Pure.
import type { IndexRecord, RunHeader } from '../core/records.ts';
import { isInfraOutcome } from '../core/outcome.ts';
import type { AttemptIndex } from './leaderboard.ts';
import { wilsonInterval, type Interval } from './wilson.ts';

/** A cascade's figures over the suite, on attempt 0 of each task. Units: USD at list price per task. */
export interface CascadeFigures {
  resolved: number;
  /** Every task of the suite. */
  tasks: number;
  /** Tasks whose outcome is known: an `infra_error` deciding attempt leaves the denominator. */
  graded: number;
  infraErrors: number;
  /** resolved / graded; null when graded = 0. */
  rate: number | null;
  /** Wilson 95% interval of `rate`; null when graded = 0. */
  interval: Interval | null;
  /** Mean USD per task (every stage tried; a missing attempt costs 0); null when a tried attempt's price is unknown. */
  usdPerTask: number | null;
  /** Tasks where the cascade went past its first stage. */
  escalated: number;
}

/** One live cascade and its simulation. */
export interface LiveCascade {
  id: string;
  /** `cheap → strong`. */
  label: string;
  /** Stage contender ids in order. */
  stages: string[];
  signal: 'visible' | 'submitted';
  mode: 'fresh' | 'continue';
  live: CascadeFigures;
  /** Null when a stage model has no single-model contender in the run (`missing` names them). */
  simulated: CascadeFigures | null;
  missing: string[];
  /** Tasks where both are known (graded) and how many of them agree on resolved. */
  agreement: { tasks: number; same: number } | null;
}

const figures = (byTask: Array<{ resolved: boolean; infra: boolean; usd: number | null; escalated: boolean }>): CascadeFigures => {
  const tasks = byTask.length;
  const infraErrors = byTask.filter((t) => t.infra).length;
  const graded = tasks - infraErrors;
  const resolved = byTask.filter((t) => t.resolved).length;
  const usd = byTask.reduce<number | null>((s, t) => (s === null || t.usd === null ? null : s + t.usd), 0);
  return {
    resolved, tasks, graded, infraErrors,
    rate: graded > 0 ? resolved / graded : null,
    interval: graded > 0 ? wilsonInterval(resolved, graded) : null,
    usdPerTask: usd === null || tasks === 0 ? null : usd / tasks,
    escalated: byTask.filter((t) => t.escalated).length,
  };
};

/** Whether a single-model attempt passes a live cascade's signal, as the live run decides it. */
function passesSignal(r: IndexRecord, signal: 'visible' | 'submitted'): boolean {
  // a model contender's empty (or blank) patch is graded `empty_patch` (src/evaluation/evaluate.ts)
  if (r.exit_status !== 'submitted' || r.outcome === 'empty_patch') return false;
  return signal === 'submitted' || r.visible_check;
}

/**
 * Every live cascade contender of the run with its simulation. Simulation: per task, attempt 0 of
 * each stage's single-model contender in order; a stage passing the signal ({@link passesSignal}:
 * submitted a non-empty patch, and for `visible` its record's `visible_check`) stops the cascade;
 * a missing attempt escalates and costs 0; resolved = the last stage tried resolved; cost = every
 * stage tried. Note the simulation's visible check is the graded run's (test.patch applied), the
 * live one runs without it. A record that is itself a cascade's is never a stage of a simulation.
 * `byContender`: the run's {@link AttemptIndex} (records that count).
 */
export function liveVsSimulated(header: RunHeader, byContender: AttemptIndex['byContender']): LiveCascade[] {
  return header.contenders.flatMap((c) => {
    if (!c.cascade) return [];
    const stages = c.cascade.stages.map((s) => s.contender);
    const signal = c.cascade.signal;
    const tasks = header.suite.instance_ids;
    const liveRecords = byContender.get(c.id);
    const live = tasks.map((t) => {
      const r = liveRecords?.get(t)?.get(0);
      return { resolved: r?.outcome === 'resolved', infra: r !== undefined && isInfraOutcome(r.outcome), usd: r ? r.list_usd : 0, escalated: (r?.stages?.length ?? 0) > 1 };
    });
    const singles = new Set(header.contenders.filter((x) => !x.cascade).map((x) => x.id));
    const missing = stages.filter((s) => !singles.has(s));
    const sim = missing.length
      ? null
      : tasks.map((t) => {
          let usd: number | null = 0;
          for (const [i, s] of stages.entries()) {
            const r = byContender.get(s)?.get(t)?.get(0);
            usd = usd === null || (r && r.list_usd === null) ? null : usd + (r?.list_usd ?? 0);
            if (i === stages.length - 1 || (r && passesSignal(r, signal))) {
              return { resolved: r?.outcome === 'resolved', infra: r !== undefined && isInfraOutcome(r.outcome), usd, escalated: i > 0 };
            }
          }
          throw new Error('unreachable: the last stage always decides');
        });
    let agreement: LiveCascade['agreement'] = null;
    if (sim) {
      const known = tasks.map((_, i) => i).filter((i) => liveRecords?.get(tasks[i]!)?.get(0) && !live[i]!.infra && !sim[i]!.infra);
      agreement = { tasks: known.length, same: known.filter((i) => live[i]!.resolved === sim[i]!.resolved).length };
    }
    return [{ id: c.id, label: stages.join(' → '), stages, signal, mode: c.cascade.mode, live: figures(live), simulated: sim ? figures(sim) : null, missing, agreement }];
  });
}
