// `fixbench recommend`: the cheapest routing policy that reaches a resolved-rate target (or the most
// accurate within a USD-per-task budget), judged by leave-one-task-out so the pick is not scored on the
// tasks it was fitted to, beside its in-sample figures and the oracle router's. Pure.
import type { ResultMatrix } from './matrix.ts';
import { oracleRouter } from './routing.ts';
import {
  assignments, assignmentScore, basePolicies, groupsOf, paretoOptions, totalsOf, without, type Assignment, type GroupOptions, type BasePolicy, type GroupingName, type TaskMeta, type TaskScore, type Totals,
} from './recommend-policies.ts';

export type { TaskMeta } from './recommend-policies.ts';

/** What the policy must achieve. */
export type Criterion =
  /** The cheapest policy whose resolved rate (fraction 0..1) reaches `rate`. */
  | { kind: 'target'; rate: number }
  /** The most accurate policy costing at most `usdPerTask` (USD, list price). */
  | { kind: 'budget'; usdPerTask: number }
  /** The cheapest policy as accurate as the best single model (the target is that model's rate on the tasks chosen on). */
  | { kind: 'best_single' };

/** A policy as shown: a single model, a cascade, or one of those per group. */
export interface PolicyView {
  kind: 'single' | 'cascade' | 'assignment';
  /** `m`, `a → b`, or `by difficulty: <15 min: a; 1-4 hours: a → b`. */
  label: string;
  /** For an assignment, the grouping and each group's policy label. */
  by?: GroupingName;
  parts?: Array<{ group: string; policy: string }>;
}

/** A rate and cost estimate. */
export interface Estimate {
  resolved: number;
  /** Tasks in the rate's denominator (infra errors out). */
  graded: number;
  tasks: number;
  /** resolved / graded (fraction); null when graded = 0. */
  rate: number | null;
  /** Mean list USD per task. */
  usdPerTask: number;
}

/** The answer of {@link recommend}. */
export interface Recommendation {
  criterion: Criterion;
  /** The target rate the in-sample pick was held to (fraction), for `target` and `best_single`; null for `budget`. */
  targetRate: number | null;
  /** The policy chosen on every task. */
  policy: PolicyView;
  /** False when no policy meets the criterion: then the most accurate policy (target) or the cheapest (budget) is given. */
  met: boolean;
  /** The pick scored on the tasks it was chosen on (optimistic). */
  inSample: Estimate;
  /**
   * Leave-one-task-out: for each task, the policy chosen by the same rule on the other n−1 tasks,
   * scored on that task; summed over the tasks. Null with fewer than 2 tasks.
   */
  loto: (Estimate & { samePick: number; unmetFolds: number }) | null;
  /** The oracle router over the same models (per task the cheapest that resolved it: an upper bound). */
  oracle: Estimate | null;
  /** Oracle rate minus the in-sample rate (fraction) and oracle USD per task minus the pick's; null without an oracle. */
  gapToOracle: { rate: number; usdPerTask: number } | null;
  /**
   * What was searched: counts of singles, cascades, the groupings used for assignments, and
   * `unknownCost`: the contenders left out for an unknown cost — those without a list price, and
   * models with one left out as single models because one of their attempts has an unknown USD (a
   * cascade that never reaches that attempt stays). When it is not empty, the best single model of
   * `best_single` is the best among those with a known cost.
   */
  considered: { singles: number; cascades: number; groupings: GroupingName[]; unknownCost: string[] };
  /** Up to 5 other policies nearest the pick in-sample, cheapest first (single models and cascades). */
  alternatives: Array<PolicyView & Estimate>;
}

/** Half the shown precision of a rate (0.1 percentage point), as routing.ts's pickers. */
const RATE_SLACK = 0.0005;
const EPS = 1e-9;
const KIND_ORDER = { single: 0, cascade: 1, assignment: 2 } as const;

/** A candidate during a choice: a base policy index or an assignment, with its totals on the choosing tasks. */
type Candidate = { ref: number | Assignment; totals: Totals; kind: keyof typeof KIND_ORDER; label: string };

const rateOf = (t: Totals): number => (t.graded > 0 ? t.resolved / t.graded : 0);
const usdOf = (t: Totals): number => (t.tasks > 0 ? t.usd / t.tasks : 0);
/** USD per task compared with a tolerance: a fold's totals are sums less a term, so equal costs may differ in the last bits. */
const usdDiff = (a: Totals, b: Totals): number => {
  const d = usdOf(a) - usdOf(b);
  return Math.abs(d) < 1e-12 ? 0 : d;
};
const byLabel = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Recommends a policy for the run's matrix under `criterion`. `meta` gives each task's difficulty and
 * tags (task.yaml); with it, per-difficulty and per-first-tag assignments are considered too (each
 * group gets its own single model or cascade). Ties: cheaper, then simpler (single < cascade <
 * assignment), then higher rate, then label. Estimates use attempt 0 of each model. Needs at least
 * one contender with a list price; costs are list USD.
 * O(tasks × (policies + groups × front × tasks)) for the leave-one-task-out folds.
 *
 * @throws RangeError when no contender has a known price (nothing to recommend), or a target is outside 0..1, or a budget is negative.
 */
export function recommend(matrix: ResultMatrix, criterion: Criterion, meta: ReadonlyMap<string, TaskMeta> = new Map()): Recommendation {
  if (criterion.kind === 'target' && !(criterion.rate >= 0 && criterion.rate <= 1)) throw new RangeError(`target rate ${criterion.rate} is outside 0..1`);
  if (criterion.kind === 'budget' && !(criterion.usdPerTask >= 0)) throw new RangeError(`budget ${criterion.usdPerTask} USD per task is negative`);
  const policies = basePolicies(matrix);
  const priced = matrix.contenders.filter((c) => c.costBasis === 'list_price').map((c) => c.id);
  // left out for an unknown cost: contenders without a list price (not reference agents), and priced models with an attempt of unknown USD
  const unpriced = matrix.contenders.filter((c) => c.costBasis === 'price_unknown').map((c) => c.id);
  const unknownCost = [...unpriced, ...priced.filter((id) => !policies.some((p) => p.kind === 'single' && p.label === id))];
  if (!policies.some((p) => p.kind === 'single')) {
    throw new RangeError(priced.length ? `every model with a list price (${priced.join(', ')}) has an attempt whose USD is unknown: there is no policy of known cost to recommend` : 'no contender has a known list price: there is no priced policy to recommend');
  }
  const groupings = (['difficulty', 'tag'] as const).flatMap((by) => {
    const g = groupsOf(matrix.tasks, meta, by);
    return g ? [{ by, groups: g, labels: [...new Set(g)].sort((a, b) => byLabel(a, b)) }] : [];
  });
  // Totals on every task, per policy and per (grouping, group, policy): a fold subtracts its held-out task.
  const totals: Totals[] = policies.map((p) => totalsOf(p.scores, -1));
  const groupTotals = groupings.map((g) => new Map(g.labels.map((label) => [label, policies.map((p) => totalsOf(p.scores, -1, (t) => g.groups[t] === label))])));
  const space: Space = {
    policies,
    totals,
    groupings: groupings.map((g, gi) => ({ by: g.by, groups: g.groups, labels: g.labels, totals: groupTotals[gi]!, fronts: new Map(g.labels.map((l) => [l, paretoOptions(l, groupTotals[gi]!.get(l)!)])) })),
  };
  const n = matrix.tasks.length;
  const full = choose(space, criterion, -1);
  const scoreAt = (c: Candidate, t: number): TaskScore =>
    typeof c.ref === 'number' ? policies[c.ref]!.scores[t]! : assignmentScore(policies, c.ref, groupings.find((g) => g.by === (c.ref as Assignment).by)!.groups[t]!, t);
  const inSample = estimate(matrix.tasks.map((_, t) => scoreAt(full.pick, t)));

  let loto: Recommendation['loto'] = null;
  if (n >= 2) {
    const held: TaskScore[] = [];
    let samePick = 0;
    let unmetFolds = 0;
    for (let t = 0; t < n; t++) {
      const fold = choose(space, criterion, t);
      held.push(scoreAt(fold.pick, t));
      if (fold.pick.label === full.pick.label) samePick += 1;
      if (!fold.met) unmetFolds += 1;
    }
    loto = { ...estimate(held), samePick, unmetFolds };
  }

  const o = priced.length ? oracleRouter(matrix, { ids: priced }) : null;
  const oracle: Estimate | null = o && o.usdPerTask !== null ? { resolved: o.resolved, graded: o.graded, tasks: o.tasks, rate: o.rate, usdPerTask: o.usdPerTask } : null;
  const gapToOracle = oracle && oracle.rate !== null && inSample.rate !== null ? { rate: oracle.rate - inSample.rate, usdPerTask: oracle.usdPerTask - inSample.usdPerTask } : null;

  const alternatives = policies
    .map((_, i) => ({ i, totals: totals[i]! }))
    .filter((x) => x.i !== full.pick.ref)
    .sort((a, b) => usdOf(a.totals) - usdOf(b.totals) || rateOf(b.totals) - rateOf(a.totals))
    .slice(0, 5)
    .map((x) => ({ ...viewOf(policies, x.i), ...estimate(policies[x.i]!.scores) }));

  return {
    criterion,
    targetRate: full.target,
    policy: viewOf(policies, full.pick.ref),
    met: full.met,
    inSample,
    loto,
    oracle,
    gapToOracle,
    considered: { singles: policies.filter((p) => p.kind === 'single').length, cascades: policies.filter((p) => p.kind === 'cascade').length, groupings: groupings.map((g) => g.by), unknownCost },
    alternatives,
  };
}

/** The policies and their totals on every task, overall and per group of each grouping. */
interface Space {
  policies: readonly BasePolicy[];
  totals: readonly Totals[];
  /** Per grouping: each task's group, the group labels, per group every policy's totals and the front of those (on every task). */
  groupings: ReadonlyArray<{ by: GroupingName; groups: readonly string[]; labels: readonly string[]; totals: ReadonlyMap<string, readonly Totals[]>; fronts: ReadonlyMap<string, GroupOptions> }>;
}

/** Chooses a policy on every task but `heldOut` (−1: all tasks). O(policies + groupings × groups × front × tasks). */
function choose(space: Space, criterion: Criterion, heldOut: number): { pick: Candidate; met: boolean; target: number | null } {
  const { policies } = space;
  const minus = (t: Totals, pi: number): Totals => (heldOut < 0 ? t : without(t, policies[pi]!.scores[heldOut]!));
  const bases: Candidate[] = policies.map((p, i) => ({ ref: i, totals: minus(space.totals[i]!, i), kind: p.kind, label: p.label }));
  const target = criterion.kind === 'target' ? criterion.rate : criterion.kind === 'best_single' ? Math.max(...bases.filter((c) => c.kind === 'single').map((c) => rateOf(c.totals))) : null;
  const baseChoice = pick(bases, criterion, target);
  const all = [...bases];
  for (const g of space.groupings) {
    const options: GroupOptions[] = g.labels.flatMap((label) => {
      if (heldOut < 0 || g.groups[heldOut] !== label) return [g.fronts.get(label)!];
      // the held-out task's group: its totals less that task, and their front again
      const cut = g.totals.get(label)!.map((t, pi) => minus(t, pi));
      return cut[0]!.tasks > 0 ? [paretoOptions(label, cut)] : [];
    });
    for (const a of assignments(options, g.by, baseChoice.pick.ref as number)) all.push(lazyCandidate(policies, a.totals, a.build));
  }
  return { ...pick(all, criterion, target), target };
}

/** The rule: cheapest reaching the target, or most accurate within the budget (see {@link recommend} for ties). */
function pick(cands: Candidate[], criterion: Criterion, target: number | null): { pick: Candidate; met: boolean } {
  const cheaper = (a: Candidate, b: Candidate) => usdDiff(a.totals, b.totals) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || rateOf(b.totals) - rateOf(a.totals) || byLabel(a.label, b.label);
  const better = (a: Candidate, b: Candidate) => rateOf(b.totals) - rateOf(a.totals) || usdDiff(a.totals, b.totals) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || byLabel(a.label, b.label);
  if (criterion.kind === 'budget') {
    const within = least(cands, better, (c) => usdOf(c.totals) <= criterion.usdPerTask + EPS);
    return within ? { pick: within, met: true } : { pick: least(cands, cheaper)!, met: false };
  }
  const reaching = least(cands, cheaper, (c) => rateOf(c.totals) >= target! - RATE_SLACK);
  return reaching ? { pick: reaching, met: true } : { pick: least(cands, better)!, met: false };
}

/**
 * The first of the candidates passing `keep` that no later one precedes under `order`: what a stable
 * sort's first element would be, in one pass (the leave-one-task-out folds pick hundreds of times
 * among hundreds of candidates). Undefined when none passes.
 */
function least(cands: readonly Candidate[], order: (a: Candidate, b: Candidate) => number, keep: (c: Candidate) => boolean = () => true): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of cands) if (keep(c) && (best === undefined || order(c, best) < 0)) best = c;
  return best;
}

function estimate(scores: readonly TaskScore[]): Estimate {
  const t = totalsOf(scores, -1);
  return { resolved: t.resolved, graded: t.graded, tasks: t.tasks, rate: t.graded > 0 ? t.resolved / t.graded : null, usdPerTask: usdOf(t) };
}

/** An assignment candidate whose parts and label are built only when read (most candidates never are). */
function lazyCandidate(policies: readonly BasePolicy[], totals: Totals, build: () => Assignment): Candidate {
  let ref: Assignment | undefined;
  let label: string | undefined;
  return {
    totals,
    kind: 'assignment',
    get ref() {
      return (ref ??= build());
    },
    get label() {
      return (label ??= assignmentLabel(policies, this.ref as Assignment));
    },
  };
}

function assignmentLabel(policies: readonly BasePolicy[], a: Assignment): string {
  return `by ${a.by}: ${a.parts.map((p) => `${p.group}: ${policies[p.policy]!.label}`).join('; ')}`;
}

function viewOf(policies: readonly BasePolicy[], ref: number | Assignment): PolicyView {
  if (typeof ref === 'number') return { kind: policies[ref]!.kind, label: policies[ref]!.label };
  return { kind: 'assignment', label: assignmentLabel(policies, ref), by: ref.by, parts: ref.parts.map((p) => ({ group: p.group, policy: policies[p.policy]!.label })) };
}
