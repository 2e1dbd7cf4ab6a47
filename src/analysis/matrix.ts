// The result matrix of a run: contenders × tasks × attempts, one cell per recorded attempt
// (DESIGN.md §8). Every other analysis (pass@k, pairwise, Bradley–Terry, routing, budget) reads it.
import { isInfraOutcome, type Outcome } from '../core/outcome.ts';
import type { IndexRecord, RunHeader } from '../core/records.ts';
import { costBasisOf, indexAttempts, type AttemptIndex, type CostBasis } from './leaderboard.ts';

/**
 * How an attempt ended, from the point of view of scoring:
 * - `resolved`: the model fixed the issue;
 * - `failure`: the model's failure (unresolved, empty_patch, patch_failed, timeout, tampered, agent_error);
 * - `infra_error`: a harness or provider fault — never the model's failure (DESIGN.md §6).
 */
export type CellKind = 'resolved' | 'failure' | 'infra_error';

/** One recorded attempt, reduced to what the analyses need. */
export interface Cell {
  outcome: Outcome;
  /** `outcome === 'resolved'`. */
  resolved: boolean;
  kind: CellKind;
  /**
   * USD at list price of this attempt; null = unknown price. For contenders that make no model
   * calls (`gold`, `noop`) a null `list_usd` is read as 0, as the leaderboard does.
   */
  listUsd: number | null;
  /** Agent steps taken (0 for reference agents). */
  steps: number;
  /** `visible_check` of the record: the patch applied and PASS_TO_PASS held — known at run time. */
  visibleCheck: boolean;
}

/** A contender as the analyses see it. */
export interface MatrixContender {
  id: string;
  /** Display name from the catalog, or null (the report labels contenders by id). */
  name: string | null;
  costBasis: CostBasis;
}

/**
 * `cells[c][t][a]` is contender `c`'s attempt `a` at task `t` (indices into `contenders`, `tasks`
 * and `0 … attemptsPerTask − 1`), or null when no record exists (not run: interrupted, budget).
 *
 * How infra errors and missing attempts count (infra errors are never the model's failures):
 * - rates (leaderboard, pass@k / pass^k, oracle router, cascades) divide by the GRADED trials:
 *   an `infra_error` attempt (the harness's or provider's fault) says nothing about the model, so
 *   it leaves the denominator and is shown beside the rate ("15 graded, 1 infra error";
 *   `--retry-errors` completes the run); a missing attempt stays in and counts as not resolved.
 * - paired analyses (McNemar, Bradley–Terry) use only tasks where BOTH sides have a usable first
 *   attempt ({@link isUsable}: recorded, not `infra_error`): a fault on one side says nothing
 *   about either model, and counting it would manufacture discordant pairs.
 * - costs: an `infra_error` attempt's `list_usd` is spent money and counts; a missing attempt
 *   costs 0 (nothing ran).
 */
export interface ResultMatrix {
  contenders: readonly MatrixContender[];
  /** Instance ids in suite order. */
  tasks: readonly string[];
  attemptsPerTask: number;
  cells: ReadonlyArray<ReadonlyArray<ReadonlyArray<Cell | null>>>;
  /** Records ignored per contender id (unknown contender, task outside the suite, attempt index out of range, duplicate: last wins). */
  ignored: ReadonlyMap<string, number>;
}

/** True when a cell is an observation of the model: recorded and not an infra error. */
export function isUsable(cell: Cell | null): cell is Cell {
  return cell !== null && cell.kind !== 'infra_error';
}

/**
 * Builds the {@link ResultMatrix} of a run. Contenders in header order, tasks in suite order.
 * Records are filtered and de-duplicated exactly as the leaderboard does ({@link indexAttempts}).
 * O(records + contenders × tasks × attempts). `index`: the run's {@link indexAttempts}, when the
 * caller has it already.
 */
export function buildMatrix(header: RunHeader, attempts: readonly IndexRecord[], index: AttemptIndex = indexAttempts(header, attempts)): ResultMatrix {
  const tasks = header.suite.instance_ids;
  const n = header.attempts_per_task;
  const contenders: MatrixContender[] = header.contenders.map((c) => ({ id: c.id, name: c.name, costBasis: costBasisOf(c) }));
  const cells = contenders.map((c) => {
    const perTask = index.byContender.get(c.id);
    return tasks.map((t) => {
      const perAttempt = perTask?.get(t);
      // a loop, not Array.from({ length }): 10,000 rows of a 100,000-record run
      const row: Array<Cell | null> = [];
      for (let a = 0; a < n; a++) {
        const r = perAttempt?.get(a);
        row.push(r === undefined ? null : toCell(r, c.costBasis));
      }
      return row;
    });
  });
  return { contenders, tasks: [...tasks], attemptsPerTask: n, cells, ignored: index.ignored };
}

/** The cell of one record; a reference agent's unknown USD reads as 0 (it makes no calls). */
export function toCell(r: IndexRecord, costBasis: CostBasis): Cell {
  return {
    outcome: r.outcome,
    resolved: r.outcome === 'resolved',
    kind: r.outcome === 'resolved' ? 'resolved' : isInfraOutcome(r.outcome) ? 'infra_error' : 'failure',
    listUsd: r.list_usd === null && costBasis === 'no_model' ? 0 : r.list_usd,
    steps: r.steps,
    visibleCheck: r.visible_check,
  };
}

/**
 * Index of each given contender id in `matrix.contenders` (default: all, in matrix order).
 *
 * @throws RangeError naming the id when one is not a contender of the matrix, or is given twice.
 */
export function contenderIndices(matrix: ResultMatrix, ids?: readonly string[]): number[] {
  if (ids === undefined) return matrix.contenders.map((_, i) => i);
  const seen = new Set<string>();
  return ids.map((id) => {
    const i = matrix.contenders.findIndex((c) => c.id === id);
    if (i < 0) throw new RangeError(`unknown contender '${id}': the run has ${matrix.contenders.map((c) => c.id).join(', ') || 'no contenders'}`);
    if (seen.has(id)) throw new RangeError(`contender '${id}' is listed twice`);
    seen.add(id);
    return i;
  });
}

/**
 * Attempt 0 of contender `ci` at each task, as true (resolved), false (not resolved) or null (no
 * usable observation: missing or `infra_error`).
 */
export function firstAttempts(matrix: ResultMatrix, ci: number): Array<boolean | null> {
  return (matrix.cells[ci] ?? []).map((attempts) => {
    const cell = attempts[0] ?? null;
    return isUsable(cell) ? cell.resolved : null;
  });
}

/** 2×2 table of two contenders' first attempts over the tasks both observed. */
export function pairTable(a: ReadonlyArray<boolean | null>, b: ReadonlyArray<boolean | null>): { onlyA: number; onlyB: number; both: number; neither: number } {
  const t = { onlyA: 0, onlyB: 0, both: 0, neither: 0 };
  for (let k = 0; k < a.length; k++) {
    const x = a[k];
    const y = b[k];
    if (x === null || y === null || x === undefined || y === undefined) continue;
    if (x && y) t.both += 1;
    else if (x) t.onlyA += 1;
    else if (y) t.onlyB += 1;
    else t.neither += 1;
  }
  return t;
}
