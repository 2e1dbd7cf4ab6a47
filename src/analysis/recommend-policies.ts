// The policies `fixbench recommend` chooses among, each reduced to what it does task by task: single
// models, two-model cascades (the routing.ts rule), and per-group assignments of those (a policy per
// task difficulty or per task tag), found by a small dynamic programme over the groups' options.
import type { ResultMatrix } from './matrix.ts';
import { meanUsdPerAttempt } from './routing.ts';

/** What a policy does at one task (attempt 0 of the models it tries). */
export interface TaskScore {
  resolved: boolean;
  /** False when the deciding attempt is an `infra_error`: the task leaves the rate's denominator (DESIGN.md §6). */
  graded: boolean;
  /** List USD spent at the task by every model tried (a missing attempt costs 0). */
  usd: number;
}

/** A single model or a cascade, with its per-task scores in suite order. */
export interface BasePolicy {
  kind: 'single' | 'cascade';
  /** `<model>` or `<cheap> → <strong>`. */
  label: string;
  /** Contender ids in the order tried. */
  members: string[];
  scores: TaskScore[];
}

/** Totals of a policy over a set of tasks. */
export interface Totals {
  resolved: number;
  graded: number;
  /** Tasks counted (graded or not). */
  tasks: number;
  /** Sum of list USD over the tasks. */
  usd: number;
}

/** A policy per group of tasks; `fallback` answers a task whose group was not seen when choosing. */
export interface Assignment {
  kind: 'assignment';
  by: GroupingName;
  /** Group label → index into the base policies, groups in code-unit order. */
  parts: Array<{ group: string; policy: number }>;
  fallback: number;
}

/** How tasks are grouped for per-group assignments. */
export type GroupingName = 'difficulty' | 'tag';

/** Task metadata recommend reads (from task.yaml): difficulty bucket and tags. */
export interface TaskMeta {
  difficulty?: string | undefined;
  tags: readonly string[];
}

/** Label of a task without the grouping's field. */
export const NO_GROUP = '(none)';

/**
 * The group of each task in suite order: `difficulty` is task.yaml `difficulty`; `tag` is a task's
 * FIRST tag (a task with several tags is routed by the one listed first). A task with no metadata or
 * no such field is in group `(none)`. Null when the grouping has fewer than two groups (nothing to assign).
 */
export function groupsOf(tasks: readonly string[], meta: ReadonlyMap<string, TaskMeta>, by: GroupingName): string[] | null {
  const groups = tasks.map((t) => {
    const m = meta.get(t);
    const g = by === 'difficulty' ? m?.difficulty : m?.tags[0];
    return g === undefined || g === '' ? NO_GROUP : g;
  });
  return new Set(groups).size >= 2 ? groups : null;
}

/**
 * Every single model and every two-model cascade among the contenders with a list price (`gold`,
 * `noop` and unknown-price models are left out: a policy's cost must be known). Cascades run the
 * cheaper model first by mean USD per attempt, as routing.ts does; per task: the first model's
 * attempt 0; when its visible check failed (or it is missing), the second's, costing both.
 * A policy with an attempt of unknown USD is left out.
 */
export function basePolicies(matrix: ResultMatrix): BasePolicy[] {
  const priced = matrix.contenders.flatMap((c, ci) => (c.costBasis === 'list_price' ? [ci] : []));
  const cell = (ci: number, t: number) => matrix.cells[ci]?.[t]?.[0] ?? null;
  const out: BasePolicy[] = [];
  for (const ci of priced) {
    const scores = matrix.tasks.map((_, t) => {
      const c = cell(ci, t);
      return { resolved: c?.resolved === true, graded: c?.kind !== 'infra_error', usd: c === null ? 0 : (c.listUsd ?? Number.NaN) };
    });
    out.push({ kind: 'single', label: matrix.contenders[ci]!.id, members: [matrix.contenders[ci]!.id], scores });
  }
  const mean = new Map(priced.map((ci) => [ci, meanUsdPerAttempt(matrix, ci) ?? Number.POSITIVE_INFINITY]));
  for (let i = 0; i < priced.length; i++) {
    for (let j = i + 1; j < priced.length; j++) {
      const [a, b] = mean.get(priced[j]!)! < mean.get(priced[i]!)! ? [priced[j]!, priced[i]!] : [priced[i]!, priced[j]!];
      const scores = matrix.tasks.map((_, t) => {
        const first = cell(a, t);
        const usdA = first === null ? 0 : (first.listUsd ?? Number.NaN);
        if (first?.visibleCheck) return { resolved: first.resolved, graded: first.kind !== 'infra_error', usd: usdA };
        const second = cell(b, t);
        return { resolved: second?.resolved === true, graded: second?.kind !== 'infra_error', usd: usdA + (second === null ? 0 : (second.listUsd ?? Number.NaN)) };
      });
      const ids = [matrix.contenders[a]!.id, matrix.contenders[b]!.id];
      out.push({ kind: 'cascade', label: `${ids[0]} → ${ids[1]}`, members: ids, scores });
    }
  }
  return out.filter((p) => p.scores.every((s) => Number.isFinite(s.usd)));
}

/** Totals of `scores` over every task except `heldOut` (−1: none), optionally only those where `keep(t)`. */
export function totalsOf(scores: readonly TaskScore[], heldOut: number, keep?: (t: number) => boolean): Totals {
  const out: Totals = { resolved: 0, graded: 0, tasks: 0, usd: 0 };
  for (let t = 0; t < scores.length; t++) {
    if (t === heldOut || (keep && !keep(t))) continue;
    const s = scores[t]!;
    out.tasks += 1;
    out.usd += s.usd;
    if (s.graded) out.graded += 1;
    if (s.resolved) out.resolved += 1;
  }
  return out;
}

/** Totals of the base policies on one group's Pareto front (see {@link paretoOptions}). */
export interface GroupOptions {
  group: string;
  /** Options on the group's cost-versus-resolved front: base policy index and its totals in the group. */
  options: ReadonlyArray<{ pi: number; totals: Totals }>;
}

/** A per-group assignment found by {@link assignments}: its totals, and its parts built on demand. */
export interface AssignmentOption {
  totals: Totals;
  /** Builds the assignment (its parts in the order of the groups given). */
  build: () => Assignment;
}

/**
 * The per-group assignments worth considering: for each number of tasks resolved r, the cheapest way
 * to reach exactly r by choosing one base policy per group among its front options (a dynamic
 * programme over r with back-pointers, O(groups × front × tasks)); then only those on the
 * cost-versus-rate front (a costlier assignment with no higher rate can never be picked).
 * Assignments that give every group the same policy are left out (they are that policy). Each
 * carries `fallback` for a task of a group not among `groups`.
 */
export function assignments(groups: readonly GroupOptions[], by: GroupingName, fallback: number): AssignmentOption[] {
  if (groups.length < 2) return [];
  const maxR = groups.reduce((s, g) => s + Math.max(0, ...g.options.map((o) => o.totals.resolved)), 0);
  let usd = new Float64Array(maxR + 1).fill(Number.POSITIVE_INFINITY);
  let graded = new Int32Array(maxR + 1);
  usd[0] = 0;
  let tasks = 0;
  const choice: Int32Array[] = [];
  const from: Int32Array[] = [];
  for (const g of groups) {
    const nextUsd = new Float64Array(maxR + 1).fill(Number.POSITIVE_INFINITY);
    const nextGraded = new Int32Array(maxR + 1);
    const ch = new Int32Array(maxR + 1).fill(-1);
    const fr = new Int32Array(maxR + 1).fill(-1);
    for (let r = 0; r <= maxR; r++) {
      if (usd[r] === Number.POSITIVE_INFINITY) continue;
      for (let k = 0; k < g.options.length; k++) {
        const o = g.options[k]!.totals;
        const r2 = r + o.resolved;
        const u = usd[r]! + o.usd;
        if (u < nextUsd[r2]! - 1e-12) {
          nextUsd[r2] = u;
          nextGraded[r2] = graded[r]! + o.graded;
          ch[r2] = k;
          fr[r2] = r;
        }
      }
    }
    tasks += g.options[0]?.totals.tasks ?? 0;
    usd = nextUsd;
    graded = nextGraded;
    choice.push(ch);
    from.push(fr);
  }
  const picksAt = (end: number): number[] => {
    const picks: number[] = new Array(groups.length);
    let r = end;
    for (let i = groups.length - 1; i >= 0; i--) {
      picks[i] = groups[i]!.options[choice[i]![r]!]!.pi;
      r = from[i]![r]!;
    }
    return picks;
  };
  const out: AssignmentOption[] = [];
  let bestRate = -1;
  const order = [...Array(maxR + 1).keys()].filter((r) => usd[r] !== Number.POSITIVE_INFINITY).sort((a, b) => usd[a]! - usd[b]! || b - a);
  for (const r of order) {
    const rate = graded[r]! > 0 ? r / graded[r]! : 0;
    if (rate < bestRate) continue;
    bestRate = Math.max(bestRate, rate);
    const picks = picksAt(r);
    if (new Set(picks).size < 2) continue;
    out.push({
      totals: { resolved: r, graded: graded[r]!, tasks, usd: usd[r]! },
      build: () => ({ kind: 'assignment', by, parts: groups.map((g, i) => ({ group: g.group, policy: picks[i]! })), fallback }),
    });
  }
  return out;
}

/** The options of a group on its cost-versus-resolved Pareto front, given every base policy's totals there. */
export function paretoOptions(group: string, totals: readonly Totals[]): GroupOptions {
  return { group, options: front(totals.map((t, pi) => ({ pi, totals: t }))) };
}

/** `t` without one task's score (a held-out task). */
export function without(t: Totals, s: TaskScore): Totals {
  return { resolved: t.resolved - (s.resolved ? 1 : 0), graded: t.graded - (s.graded ? 1 : 0), tasks: t.tasks - 1, usd: t.usd - s.usd };
}

/** Options on the Pareto front of (usd ascending, resolved descending); ties keep the earlier (simpler) policy. */
function front<T extends { pi: number; totals: Totals }>(options: T[]): T[] {
  const sorted = [...options].sort((a, b) => a.totals.usd - b.totals.usd || b.totals.resolved - a.totals.resolved || a.pi - b.pi);
  const out: T[] = [];
  let best = -1;
  for (const o of sorted) {
    if (o.totals.resolved > best) {
      out.push(o);
      best = o.totals.resolved;
    }
  }
  return out;
}

/** The score of an assignment at task `t` whose group is `group`. */
export function assignmentScore(policies: readonly BasePolicy[], a: Assignment, group: string, t: number): TaskScore {
  const part = a.parts.find((p) => p.group === group);
  return policies[part ? part.policy : a.fallback]!.scores[t]!;
}
