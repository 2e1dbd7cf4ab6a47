// Which rows of the per-task matrix are worth a look: tasks where the models disagree (some resolved
// it, some did not). The page filters the matrix to them with a checkbox (CSS only). Pure.
import type { MatrixRow } from './view-model.ts';

/** A matrix row with whether the models disagree on it. */
export type FilterableRow = MatrixRow & { disagree: boolean };

/**
 * Marks each row: `disagree` is true when, among the columns in `modelColumns` (reference agents
 * left out), at least one cell resolved in some attempt (`ok`) and at least one did not (any other
 * class, not run included).
 */
export function markDisagreement(columns: readonly string[], rows: readonly MatrixRow[], modelColumns: ReadonlySet<string>): { rows: FilterableRow[]; disagreeing: number } {
  const models = columns.flatMap((id, i) => (modelColumns.has(id) ? [i] : []));
  let disagreeing = 0;
  const out = rows.map((r) => {
    const ok = models.filter((i) => r.cells[i]?.cls === 'ok').length;
    const disagree = ok > 0 && ok < models.length;
    if (disagree) disagreeing += 1;
    return { ...r, disagree };
  });
  return { rows: out, disagreeing };
}
