// Routing (DESIGN.md §8, the seed's "layered calling"): the oracle router, an upper bound, and
// two-model cascades that escalate on a failed visible check — points for the price-versus-accuracy chart.
import { contenderIndices, type Cell, type ResultMatrix } from './matrix.ts';

/** A routing strategy placed on the price-versus-accuracy chart. */
export interface RoutingPoint {
  /** `oracle`, or `cascade:<first>><second>`. */
  id: string;
  /** `oracle (n models)`, or `<first> → <second>`. */
  label: string;
  kind: 'oracle' | 'cascade';
  /** Contender ids used, in the order tried (cascade) or matrix order (oracle). */
  members: string[];
  /** Tasks resolved by the strategy. */
  resolved: number;
  /** Every task of the suite. */
  tasks: number;
  /**
   * Tasks the strategy's outcome is known on (the denominator of `rate`): a task whose outcome
   * hangs on an `infra_error` attempt leaves it (DESIGN.md §6), as in the leaderboard.
   */
  graded: number;
  /** Tasks left out of `graded` for an infra error. */
  infraErrors: number;
  /** resolved / graded; null when graded = 0. */
  rate: number | null;
  /** Mean USD per task at list price; null when a member's price is unknown (never 0). */
  usdPerTask: number | null;
}

/** The oracle router: its point, plus what discovering it costs. */
export interface OracleRouter extends RoutingPoint {
  kind: 'oracle';
  /** Mean USD per task of running every member on every task (the price of knowing the oracle); null when unknown. */
  usdPerTaskAll: number | null;
  /** Contenders left out by default and why: `no_model` (reference agents) or `price_unknown`. */
  excluded: Array<{ id: string; reason: 'no_model' | 'price_unknown' }>;
}

/** Options of the routing functions. */
export interface RoutingOptions {
  /**
   * Contender ids to route between. Default: contenders that drive a model (reference agents
   * `gold`/`noop` would make the oracle perfect and free) — for the oracle only those with a known
   * price, since one unknown price makes its whole cost unknown; cascades keep unknown-price
   * models (their cascades get a null cost but a real rate). Members given here with an unknown
   * price make the cost null.
   */
  ids?: readonly string[];
}

/**
 * The oracle router: for each task, the cheapest member whose first attempt (attempt 0) resolved
 * it — an upper bound no real router reaches. Convention (RouterBench's oracle: best model per
 * task, ties broken by cost — Q. J. Hu et al., "RouterBench", arXiv:2403.12031, 2024): a task no
 * member resolved costs the cheapest member's attempt there (the oracle must still answer).
 * Costs per task are attempt 0's `list_usd`; a missing attempt counts as not resolved and costs 0;
 * an `infra_error` costs what it billed, and a task no member resolved where some member's attempt
 * was an `infra_error` leaves the denominator (its outcome is unknown). rate = resolved / graded.
 * O(members × tasks).
 *
 * @throws RangeError when an id in options.ids is not a contender of the matrix.
 */
export function oracleRouter(matrix: ResultMatrix, options: RoutingOptions = {}): OracleRouter {
  const excluded: OracleRouter['excluded'] = [];
  let members: number[];
  if (options.ids === undefined) {
    members = [];
    matrix.contenders.forEach((c, ci) => {
      if (c.costBasis === 'list_price') members.push(ci);
      else excluded.push({ id: c.id, reason: c.costBasis });
    });
  } else {
    members = contenderIndices(matrix, options.ids).sort((x, y) => x - y);
  }
  const tasks = matrix.tasks.length;
  let resolved = 0;
  let infraErrors = 0;
  let chosenUsd: number | null = 0;
  let allUsd: number | null = 0;
  for (let t = 0; t < tasks; t++) {
    const firsts = members.map((ci) => matrix.cells[ci]?.[t]?.[0] ?? null);
    const resolvers = firsts.filter((cell): cell is Cell => cell?.resolved === true);
    if (resolvers.length > 0) resolved += 1;
    else if (firsts.some((cell) => cell?.kind === 'infra_error')) infraErrors += 1;
    const candidates = resolvers.length > 0 ? resolvers : firsts.filter((cell): cell is Cell => cell !== null);
    chosenUsd = addUsd(chosenUsd, candidates.length === 0 ? 0 : minUsd(candidates.map((cell) => cell.listUsd)));
    for (const cell of firsts) allUsd = addUsd(allUsd, cell === null ? 0 : cell.listUsd);
  }
  return {
    id: 'oracle',
    label: `oracle (${members.length} model${members.length === 1 ? '' : 's'})`,
    kind: 'oracle',
    members: members.map((ci) => matrix.contenders[ci]!.id),
    resolved,
    tasks,
    graded: tasks - infraErrors,
    infraErrors,
    rate: tasks - infraErrors > 0 ? resolved / (tasks - infraErrors) : null,
    usdPerTask: perTask(chosenUsd, tasks),
    usdPerTaskAll: perTask(allUsd, tasks),
    excluded,
  };
}

/** Sum where null (unknown) is contagious. */
function addUsd(total: number | null, usd: number | null): number | null {
  return total === null || usd === null ? null : total + usd;
}

/** Smallest of the costs; null when any is unknown (then the cheapest is unknown). */
function minUsd(values: ReadonlyArray<number | null>): number | null {
  let min = Number.POSITIVE_INFINITY;
  for (const v of values) {
    if (v === null) return null;
    min = Math.min(min, v);
  }
  return min;
}

function perTask(total: number | null, tasks: number): number | null {
  return total === null || tasks === 0 ? null : total / tasks;
}

/** Mean list USD per recorded attempt of contender `ci` (all attempts); null when unknown or none recorded. */
export function meanUsdPerAttempt(matrix: ResultMatrix, ci: number): number | null {
  let total = 0;
  let count = 0;
  for (const attempts of matrix.cells[ci] ?? []) {
    for (const cell of attempts) {
      if (cell === null) continue;
      if (cell.listUsd === null) return null;
      total += cell.listUsd;
      count += 1;
    }
  }
  return count > 0 ? total / count : null;
}

/** A two-model cascade's point, with how often it escalated. */
export interface CascadePoint extends RoutingPoint {
  kind: 'cascade';
  /** Tasks escalated to the second model (the first's visible check failed or its attempt is missing). */
  escalated: number;
}

/**
 * Every two-model cascade among the members (default: every contender that drives a model, see
 * {@link RoutingOptions}): for each unordered pair, the cheaper one by mean USD per attempt (over
 * its recorded attempts, {@link meanUsdPerAttempt}) goes first; an unknown mean sorts after a
 * known one, and equal or both-unknown means keep matrix order. Per task, using attempt 0 of
 * each: run the first; if its `visible_check` is false (or its attempt is missing), escalate to
 * the second. Resolved = the LAST model tried resolved (a first attempt that passed its visible
 * check but not the hidden tests stays unresolved: the cascade cannot know); cost = sum over the
 * models tried of their `list_usd` (null if any is unknown; a missing attempt costs 0); a task
 * whose deciding attempt (the last tried) is an `infra_error` leaves the denominator; rate =
 * resolved / graded. Cascades sorted by the matrix order of (first, second); n members
 * give n(n−1)/2.
 * O(members² × tasks).
 *
 * @throws RangeError when an id in options.ids is not a contender of the matrix.
 */
export function cascades(matrix: ResultMatrix, options: RoutingOptions = {}): CascadePoint[] {
  const members =
    options.ids === undefined
      ? matrix.contenders.flatMap((c, ci) => (c.costBasis === 'no_model' ? [] : [ci]))
      : contenderIndices(matrix, options.ids).sort((x, y) => x - y);
  const mean = new Map(members.map((ci) => [ci, meanUsdPerAttempt(matrix, ci)]));
  const cheaperFirst = (x: number, y: number): [number, number] => {
    const mx = mean.get(x) ?? null;
    const my = mean.get(y) ?? null;
    if (mx === null && my === null) return [x, y];
    if (mx === null) return [y, x];
    if (my === null) return [x, y];
    return my < mx ? [y, x] : [x, y];
  };
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < members.length; i++) {
    for (let j = i + 1; j < members.length; j++) pairs.push(cheaperFirst(members[i]!, members[j]!));
  }
  pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const tasks = matrix.tasks.length;
  return pairs.map(([first, second]) => {
    const { resolved, escalated, usd, infraErrors } = runCascade(matrix, first, second);
    const a = matrix.contenders[first]!.id;
    const b = matrix.contenders[second]!.id;
    return {
      id: `cascade:${a}>${b}`,
      label: `${a} → ${b}`,
      kind: 'cascade' as const,
      members: [a, b],
      resolved,
      tasks,
      graded: tasks - infraErrors,
      infraErrors,
      rate: tasks - infraErrors > 0 ? resolved / (tasks - infraErrors) : null,
      usdPerTask: perTask(usd, tasks),
      escalated,
    };
  });
}

/** One cascade played over the suite, task by task (see {@link cascades} for the rule). */
export interface CascadeRun {
  /** Per task in suite order: whether the cascade resolved it. */
  byTask: boolean[];
  resolved: number;
  escalated: number;
  /** Tasks whose deciding attempt (the second model's, once escalated) was an `infra_error`: they leave the rate's denominator. */
  infraErrors: number;
  /** Total list USD over the suite; null when a tried attempt's price is unknown. */
  usd: number | null;
}

/**
 * Plays the cascade `first` → `second` (contender indices) on attempt 0 of each task: run the
 * first; when its `visible_check` is false or its attempt is missing, escalate to the second.
 */
export function runCascade(matrix: ResultMatrix, first: number, second: number): CascadeRun {
  const byTask: boolean[] = [];
  let escalated = 0;
  let infraErrors = 0;
  let usd: number | null = 0;
  for (let t = 0; t < matrix.tasks.length; t++) {
    const a = matrix.cells[first]?.[t]?.[0] ?? null;
    usd = addUsd(usd, a === null ? 0 : a.listUsd);
    if (a?.visibleCheck) {
      byTask.push(a.resolved);
      continue;
    }
    escalated += 1;
    const b = matrix.cells[second]?.[t]?.[0] ?? null;
    usd = addUsd(usd, b === null ? 0 : b.listUsd);
    byTask.push(b?.resolved === true);
    if (b?.kind === 'infra_error') infraErrors += 1;
  }
  return { byTask, resolved: byTask.filter(Boolean).length, escalated, infraErrors, usd };
}

/** A strategy with a known rate (fraction) and USD per task, as the pickers below compare them. */
export interface PricedStrategy {
  label: string;
  rate: number;
  usdPerTask: number;
}

/** Half the shown precision of a rate (0.1 percentage point): a rate typed as shown ("66.7" for 2/3) reaches it. */
const RATE_SLACK = 0.0005;
/** Slack on dollars (floating-point noise only). */
const EPS = 1e-9;
const byLabel = (a: PricedStrategy, b: PricedStrategy): number => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);

/**
 * The cheapest strategy whose rate reaches `targetRate` (a fraction, within half a shown 0.1 pp;
 * ties: the higher rate, then the label in code-unit order); null when none does. The report page's script applies the same rule.
 */
export function cheapestReaching<T extends PricedStrategy>(strategies: readonly T[], targetRate: number): T | null {
  return [...strategies].filter((s) => s.rate >= targetRate - RATE_SLACK).sort((a, b) => a.usdPerTask - b.usdPerTask || b.rate - a.rate || byLabel(a, b))[0] ?? null;
}

/**
 * The most accurate strategy costing at most `budgetUsd` per task (ties: the cheaper, then the label
 * in code-unit order); null when none fits. The report page's script applies the same rule.
 */
export function bestWithinBudget<T extends PricedStrategy>(strategies: readonly T[], budgetUsd: number): T | null {
  return [...strategies].filter((s) => s.usdPerTask <= budgetUsd + EPS).sort((a, b) => b.rate - a.rate || a.usdPerTask - b.usdPerTask || byLabel(a, b))[0] ?? null;
}
