// Bradley–Terry ratings of contenders from per-task head-to-heads (DESIGN.md §8).
import { contenderIndices, firstAttempts, pairTable, type ResultMatrix } from './matrix.ts';

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
  /** Stop when no log-strength moves more than this (default 1e-12), or after maxIterations (default 100 000). */
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
  const prior = options.prior ?? 0.5;
  const base = options.base ?? 1500;
  const scale = options.scale ?? 400;
  const tolerance = options.tolerance ?? 1e-12;
  const maxIterations = options.maxIterations ?? 100_000;
  if (!Number.isFinite(prior) || prior <= 0) throw new RangeError(`bradleyTerry: prior must be a positive number of pseudo-games, got ${prior}`);
  if (!Number.isFinite(base) || !Number.isFinite(scale) || scale <= 0) throw new RangeError(`bradleyTerry: base must be finite and scale positive, got base=${base}, scale=${scale}`);
  if (!(tolerance > 0) || !Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(`bradleyTerry: tolerance must be > 0 and maxIterations a positive integer, got ${tolerance}, ${maxIterations}`);
  }
  const members = contenderIndices(matrix, options.ids).sort((x, y) => x - y);
  const m = members.length;
  const firsts = members.map((ci) => firstAttempts(matrix, ci));
  const wins = new Array<number>(m).fill(0);
  const losses = new Array<number>(m).fill(0);
  const ties = new Array<number>(m).fill(0);
  /** games[i][j]: decisive games between i and j (symmetric). */
  const games = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const t = pairTable(firsts[i]!, firsts[j]!);
      wins[i]! += t.onlyA;
      losses[i]! += t.onlyB;
      wins[j]! += t.onlyB;
      losses[j]! += t.onlyA;
      ties[i]! += t.both + t.neither;
      ties[j]! += t.both + t.neither;
      games[i]![j] = games[j]![i] = t.onlyA + t.onlyB;
    }
  }

  let pi = new Array<number>(m).fill(1);
  let iterations = 0;
  let converged = m === 0;
  while (!converged && iterations < maxIterations) {
    iterations += 1;
    const next = pi.map((p, i) => {
      let denom = (2 * prior) / (p + 1);
      const row = games[i]!;
      for (let j = 0; j < m; j++) if (row[j]! > 0) denom += row[j]! / (p + pi[j]!);
      return (wins[i]! + prior) / denom;
    });
    converged = next.every((q, i) => Math.abs(Math.log(q) - Math.log(pi[i]!)) <= tolerance);
    pi = next;
  }

  const ratings = members.map((ci, i) => ({
    id: matrix.contenders[ci]!.id,
    rating: base + scale * Math.log10(pi[i]!),
    strength: pi[i]!,
    wins: wins[i]!,
    losses: losses[i]!,
    ties: ties[i]!,
    games: wins[i]! + losses[i]!,
  }));
  ratings.sort((a, b) => b.rating - a.rating || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ratings, iterations, converged };
}
