// Bradley–Terry ratings of contenders from per-task head-to-heads (DESIGN.md §8).
import type { ResultMatrix } from './matrix.ts';

/** Options of {@link bradleyTerry}. */
export interface BradleyTerryOptions {
  /** Contender ids to rate (default: all of the matrix). */
  ids?: readonly string[];
  /** Pseudo-games each contender wins AND loses against a fixed reference player of strength 1 (default 0.5). Must be > 0. */
  prior?: number;
  /** Rating of strength 1, the reference player (default 1500). */
  base?: number;
  /** Rating points per factor of 10 in strength (default 400, the Elo convention). */
  scale?: number;
  /** Stop when no log-strength moves more than this (default 1e-9), or after maxIterations (default 10 000). */
  tolerance?: number;
  maxIterations?: number;
}

/** A contender's rating. */
export interface BradleyTerryRating {
  id: string;
  /** base + scale · log10(strength). */
  rating: number;
  /** Bradley–Terry strength πᵢ (P(i beats j) = πᵢ / (πᵢ + πⱼ)), reference player = 1. */
  strength: number;
  /** Decisive games: tasks where exactly one of the two resolved. */
  wins: number;
  losses: number;
  /** Tasks both or neither resolved (dropped from the fit, counted here for context). */
  ties: number;
  /** wins + losses: the games that inform the rating. */
  games: number;
}

/** Result of {@link bradleyTerry}. */
export interface BradleyTerryResult {
  /** Ratings, highest first (ties by id). */
  ratings: BradleyTerryRating[];
  iterations: number;
  converged: boolean;
}

/**
 * Bradley–Terry model fitted by the MM algorithm on per-task head-to-heads.
 *
 * Games: for each pair of contenders and each task where both have a usable attempt 0 (recorded,
 * not `infra_error`), a beats b when a resolved and b did not. Both or neither resolved is a tie,
 * DROPPED from the fit (plain Bradley–Terry has no tie parameter; splitting ties half-half would
 * pull every rating toward the middle in proportion to how easy or hard the suite is) and
 * reported in `ties`.
 *
 * Prior: each contender also wins `prior` and loses `prior` pseudo-games against a fixed reference
 * player of strength 1. This keeps an undefeated (or winless) contender finite, anchors the scale
 * (rating `base` = strength 1) and makes the fit unique even when the comparison graph is not
 * connected; with no games at all every rating is `base`.
 *
 * MM update (D. R. Hunter, "MM algorithms for generalized Bradley–Terry models", Annals of
 * Statistics 32(1):384–406, 2004, eq. 3), with Wᵢ wins and nᵢⱼ games between i and j:
 *
 *   πᵢ ← (Wᵢ + prior) / ( Σⱼ nᵢⱼ / (πᵢ + πⱼ) + 2·prior / (πᵢ + 1) )
 *
 * Model: R. A. Bradley & M. E. Terry, "Rank analysis of incomplete block designs: I",
 * Biometrika 39(3/4):324–345, 1952. Ratings: base + scale · log10 π (Elo-like: 400 points ≈
 * 10:1 odds). O(pairs × tasks + iterations × contenders²).
 *
 * @throws RangeError when prior ≤ 0 or not finite, or an id is not a contender of the matrix.
 */
export function bradleyTerry(matrix: ResultMatrix, options: BradleyTerryOptions = {}): BradleyTerryResult {
  void matrix;
  void options;
  throw new Error('not implemented');
}
