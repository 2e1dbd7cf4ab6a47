// pass@k (Chen et al. 2021) and pass^k (Yao et al. 2024) from repeated attempts per task (DESIGN.md §8).
import type { ResultMatrix } from './matrix.ts';

/**
 * Unbiased estimator of pass@k — the probability that at least one of k attempts, drawn without
 * replacement from the n made, resolves the task — given c of the n resolved:
 *
 *   pass@k = 1 − C(n−c, k) / C(n, k)
 *
 * Source: M. Chen et al., "Evaluating Large Language Models Trained on Code", arXiv:2107.03374,
 * 2021, §2.1 eq. 1; computed as their numerically stable product 1 − ∏_{i=n−c+1}^{n} (1 − k/i).
 * Returns 1 when n − c < k (every draw of k contains a success). Result in [0, 1].
 *
 * @throws RangeError when n, c or k is not an integer (NaN included), c ∉ [0, n], k < 1 or k > n
 *   (with n = 0 every k is out of range: there is no estimate without attempts).
 */
export function passAtK(n: number, c: number, k: number): number {
  checkNck('passAtK', n, c, k);
  if (n - c < k) return 1;
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}

function checkNck(fn: string, n: number, c: number, k: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k)) {
    throw new RangeError(`${fn}: n, c and k must be integers, got n=${n}, c=${c}, k=${k}`);
  }
  if (n < 0 || c < 0 || c > n) throw new RangeError(`${fn}: need 0 ≤ c ≤ n (resolved among attempts), got n=${n}, c=${c}`);
  if (k < 1 || k > n) throw new RangeError(`${fn}: need 1 ≤ k ≤ n (k attempts drawn from the n made), got n=${n}, k=${k}`);
}

/**
 * Unbiased estimator of pass^k — the probability that ALL of k attempts, drawn without
 * replacement from the n made, resolve the task (a reliability measure) — given c of n resolved:
 *
 *   pass^k = C(c, k) / C(n, k)
 *
 * Source: S. Yao et al., "τ-bench: A Benchmark for Tool-Agent-User Interaction in Real-World
 * Domains", arXiv:2406.12045, 2024, §4 (pass^k). Computed as ∏_{i=0}^{k−1} (c−i)/(n−i).
 * Returns 0 when c < k. pass^1 = pass@1 = c/n. Result in [0, 1].
 *
 * @throws RangeError as {@link passAtK}.
 */
export function passHatK(n: number, c: number, k: number): number {
  checkNck('passHatK', n, c, k);
  if (c < k) return 0;
  let all = 1;
  for (let i = 0; i < k; i++) all *= (c - i) / (n - i);
  return all;
}

/** pass@k and pass^k of one contender, averaged over the tasks of the suite. */
export interface PassKRow {
  id: string;
  k: number;
  /** Tasks averaged over: those with at least k graded attempts (not `infra_error`). */
  tasks: number;
  /** Attempts left out as `infra_error` (shown beside the rate, out of its denominator). */
  infraErrors: number;
  /** Tasks left out of the average because fewer than k of their attempts were graded. */
  tasksWithoutK: number;
  /** Mean over tasks of pass@k; null when the suite is empty. */
  passAtK: number | null;
  /** Mean over tasks of pass^k; null when the suite is empty. */
  passHatK: number | null;
}

/**
 * Per-contender pass@k and pass^k, means over every task of the suite, contenders in matrix order.
 * Per task n = attempts per task less its `infra_error` attempts, c = resolved attempts: a missing
 * attempt counts as not resolved, an `infra_error` leaves the denominator (as in the leaderboard:
 * pass@1 equals its resolved rate when every task has the same number of infra errors). A task
 * with fewer than k graded attempts leaves the average (`tasksWithoutK`).
 * O(contenders × tasks × (attempts + k)).
 *
 * @throws RangeError when k is not an integer in [1, attempts per task].
 */
export function passKByContender(matrix: ResultMatrix, k: number): PassKRow[] {
  const n = matrix.attemptsPerTask;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new RangeError(`passKByContender: k must be an integer from 1 to the attempts per task (${n}), got ${k}`);
  }
  return matrix.contenders.map((contender, ci) => {
    let sumAt = 0;
    let sumHat = 0;
    let tasks = 0;
    let infraErrors = 0;
    let tasksWithoutK = 0;
    for (const attempts of matrix.cells[ci] ?? []) {
      const infra = attempts.filter((cell) => cell?.kind === 'infra_error').length;
      infraErrors += infra;
      if (n - infra < k) {
        tasksWithoutK += 1;
        continue;
      }
      const c = attempts.reduce((s, cell) => s + (cell?.resolved ? 1 : 0), 0);
      sumAt += passAtK(n - infra, c, k);
      sumHat += passHatK(n - infra, c, k);
      tasks += 1;
    }
    return {
      id: contender.id,
      k,
      tasks,
      infraErrors,
      tasksWithoutK,
      passAtK: tasks > 0 ? sumAt / tasks : null,
      passHatK: tasks > 0 ? sumHat / tasks : null,
    };
  });
}
