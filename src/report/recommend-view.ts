// The report's "Recommended policy" block: the same recommendation `fixbench recommend <run>` prints
// with no flag (the cheapest policy as accurate as the best single model), its in-sample and
// leave-one-task-out estimates and the oracle router, as display strings. Pure.
import type { ResultMatrix } from '../analysis/matrix.ts';
import { recommend, type Estimate, type Recommendation, type TaskMeta } from '../analysis/recommend.ts';
import { costDifferenceText, formatPct, formatUsd } from './format.ts';

/** One row of the estimates table. */
export interface RecommendRow {
  /** "in-sample", "leave-one-task-out", "oracle router". */
  basis: string;
  rate: string;
  /** "12/12 graded". */
  resolved: string;
  usdPerTask: string;
  note: string;
}

/** The block's view model. */
export interface RecommendView {
  /** The criterion and the pick in one sentence. */
  headline: string;
  policy: string;
  /** single, cascade, or "per task difficulty" / "per task tag". */
  kind: string;
  rows: RecommendRow[];
  notes: string[];
  /** The command that prints it, with other targets (`npx fixbench …`: a report is read away from the shell that made it, the README's convention). */
  command: string;
}

const row = (basis: string, e: Estimate, note: string): RecommendRow => ({ basis, rate: formatPct(e.rate), resolved: `${e.resolved}/${e.graded} graded`, usdPerTask: formatUsd(e.usdPerTask), note });

/**
 * The default target, named honestly: "the best single model (40.0%)", or, when contenders of unknown
 * cost were left out, "the best single model among those with a known cost: 40.0% (left out for an
 * unknown cost: x, y)" — the target is not the run's best model then.
 */
export function bestSingleOf(r: Pick<Recommendation, 'targetRate' | 'considered'>): string {
  const left = r.considered.unknownCost;
  return left.length
    ? `the best single model among those with a known cost: ${formatPct(r.targetRate)} (left out for an unknown cost: ${left.join(', ')})`
    : `the best single model (${formatPct(r.targetRate)})`;
}

/** The contenders left out for an unknown cost, and why. */
export const leftOutOf = (r: Pick<Recommendation, 'considered'>): string =>
  `${r.considered.unknownCost.join(', ')} (cost unknown: no list price, or an attempt's USD is unknown; every policy that reaches such an attempt is left out)`;

/**
 * The recommendation block of a run's report; null when no policy has a known cost (no contender with
 * a list price, or each has an attempt of unknown USD): nothing to recommend. `meta`: difficulty and tags of the run's tasks (per-group assignments need them).
 */
export function recommendView(matrix: ResultMatrix, runId: string, meta?: ReadonlyMap<string, TaskMeta>): RecommendView | null {
  if (!matrix.contenders.some((c) => c.costBasis === 'list_price')) return null;
  let r;
  try {
    r = recommend(matrix, { kind: 'best_single' }, meta);
  } catch (e) {
    if (e instanceof RangeError) return null; // no policy with a known cost (e.g. every priced model has an attempt of unknown USD)
    throw e;
  }
  const rows = [row('in-sample', r.inSample, `chosen and scored on the same ${r.inSample.tasks} task${r.inSample.tasks === 1 ? '' : 's'} (optimistic)`)];
  if (r.loto) rows.push(row('leave-one-task-out', r.loto, `chosen on the other tasks, scored on each task left out; same pick in ${r.loto.samePick} of ${r.loto.tasks}`));
  if (r.oracle) rows.push(row('oracle router', r.oracle, 'per task the cheapest model that fixed it: an upper bound no router reaches'));
  const notes: string[] = [];
  if (r.gapToOracle) notes.push(`Gap to the oracle: ${(100 * r.gapToOracle.rate).toFixed(1)} percentage points resolved; the pick costs ${costDifferenceText(-r.gapToOracle.usdPerTask, 'the oracle')}.`);
  if (r.loto && r.inSample.rate !== null && r.loto.rate !== null && r.inSample.rate - r.loto.rate > 0.05) {
    notes.push(`The held-out rate is ${(100 * (r.inSample.rate - r.loto.rate)).toFixed(1)} points below the in-sample one: the pick is fitted to these tasks; expect the held-out figure on new ones.`);
  }
  if (r.considered.unknownCost.length) notes.push(`Left out: ${leftOutOf(r)}.`);
  const g = r.considered.groupings;
  notes.push(
    `Searched ${r.considered.singles} single model(s), ${r.considered.cascades} cascade(s) and ${g.length ? `assignments ${g.map((x) => (x === 'tag' ? 'per first tag' : 'per difficulty')).join(' and ')}` : 'no per-group assignment (the tasks have fewer than two difficulty or tag groups, or their task.yaml was not read)'}; attempt 0 of each model, list prices.`,
  );
  return {
    headline: `The cheapest policy as accurate as ${bestSingleOf(r)}${r.met ? '' : ' — none reaches it; the most accurate is shown'}:`,
    policy: r.policy.label,
    kind: r.policy.kind === 'assignment' ? `a policy per task ${r.policy.by}` : r.policy.kind,
    rows,
    notes,
    command: `npx fixbench recommend ${runId} --target 80%   (or --budget 0.05 for USD per task)`,
  };
}
