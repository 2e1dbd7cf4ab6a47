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

/** One way to fill every group: the base policy per group and the totals it gives. */
interface Filling {
  totals: Totals;
  picks: number[];
}

/**
 * The per-group assignments worth considering on the tasks other than `heldOut`: for each number of
 * tasks resolved r, the cheapest way to reach exactly r by choosing one base policy per group (per
 * group only the options on its cost-versus-resolved Pareto front count; a dynamic programme over
 * r, O(groups × front × tasks)). Assignments that give every group the same policy are left out
 * (they are that policy). Each carries `fallback` for a group the held-out task alone belongs to.
 */
export function assignments(policies: readonly BasePolicy[], groups: readonly string[], by: GroupingName, heldOut: number, fallback: number): Array<{ assignment: Assignment; totals: Totals }> {
  const labels = [...new Set(groups.filter((_, t) => t !== heldOut))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (labels.length < 2 || policies.length < 2) return [];
  let states = new Map<number, Filling>([[0, { totals: { resolved: 0, graded: 0, tasks: 0, usd: 0 }, picks: [] }]]);
  for (const g of labels) {
    const options = front(policies.map((p, pi) => ({ pi, totals: totalsOf(p.scores, heldOut, (t) => groups[t] === g) })));
    const next = new Map<number, Filling>();
    for (const s of states.values()) {
      for (const o of options) {
        const totals = { resolved: s.totals.resolved + o.totals.resolved, graded: s.totals.graded + o.totals.graded, tasks: s.totals.tasks + o.totals.tasks, usd: s.totals.usd + o.totals.usd };
        const have = next.get(totals.resolved);
        if (!have || totals.usd < have.totals.usd - 1e-12) next.set(totals.resolved, { totals, picks: [...s.picks, o.pi] });
      }
    }
    states = next;
  }
  return [...states.values()]
    .filter((s) => new Set(s.picks).size > 1)
    .sort((a, b) => a.totals.resolved - b.totals.resolved)
    .map((s) => ({ assignment: { kind: 'assignment', by, parts: labels.map((group, i) => ({ group, policy: s.picks[i]! })), fallback }, totals: s.totals }));
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
