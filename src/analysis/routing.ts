// Routing (DESIGN.md §8, the seed's "layered calling"): the oracle router, an upper bound, and
// two-model cascades that escalate on a failed visible check — points for the price-versus-accuracy chart.
import type { ResultMatrix } from './matrix.ts';

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
  /** Every task of the suite (the leaderboard's denominator). */
  tasks: number;
  /** resolved / tasks; null when tasks = 0. */
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
   * Contender ids to route between. Default: every contender that drives a model with a known
   * price (reference agents `gold`/`noop` would make the oracle perfect and free). Members given
   * here with an unknown price make the cost null.
   */
  ids?: readonly string[];
}

/**
 * The oracle router: for each task, the cheapest member whose first attempt (attempt 0) resolved
 * it — an upper bound no real router reaches. Convention (RouterBench's oracle: best model per
 * task, ties broken by cost — Q. J. Hu et al., "RouterBench", arXiv:2403.12031, 2024): a task no
 * member resolved costs the cheapest member's attempt there (the oracle must still answer).
 * Costs per task are attempt 0's `list_usd`; a missing attempt counts as not resolved and costs 0;
 * an `infra_error` counts as not resolved and costs what it billed. rate = resolved / suite tasks.
 * O(members × tasks).
 *
 * @throws RangeError when an id in options.ids is not a contender of the matrix.
 */
export function oracleRouter(matrix: ResultMatrix, options: RoutingOptions = {}): OracleRouter {
  void matrix;
  void options;
  throw new Error('not implemented');
}

/** A two-model cascade's point, with how often it escalated. */
export interface CascadePoint extends RoutingPoint {
  kind: 'cascade';
  /** Tasks escalated to the second model (the first's visible check failed or its attempt is missing). */
  escalated: number;
}

/**
 * Every two-model cascade among the members: for each unordered pair, the cheaper one by mean
 * USD per attempt (over its recorded attempts; unknown price sorts after known, then by id) goes
 * first. Per task, using attempt 0 of each: run the first; if its `visible_check` is false (or
 * its attempt is missing), escalate to the second. Resolved = the LAST model tried resolved;
 * cost = sum over the models tried of their `list_usd` (null if any is unknown; a missing
 * attempt costs 0). Cascades in matrix order of (first, second); n members give n(n−1)/2.
 * O(members² × tasks).
 *
 * @throws RangeError when an id in options.ids is not a contender of the matrix.
 */
export function cascades(matrix: ResultMatrix, options: RoutingOptions = {}): CascadePoint[] {
  void matrix;
  void options;
  throw new Error('not implemented');
}
