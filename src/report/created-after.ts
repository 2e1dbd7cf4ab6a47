// `report --created-after <date>`: a report of only the run's tasks created after a date (a model's
// training cutoff: the contamination window SWE-rebench uses). Pure: the caller reads `created_at`.
import { createdAfter } from '../tasks/select.ts';
import { UserInputError } from '../core/errors.ts';
import type { AttemptRecord, RunHeader } from '../store/records.ts';

/** What the filter kept and left out, for the report's banner. */
export interface CreatedAfterWindow {
  /** The date as given on the command line. */
  date: string;
  /** Tasks of the run kept (created after the date). */
  kept: number;
  /** Tasks of the run. */
  total: number;
  /** Tasks left out because their task.yaml has no created_at. */
  undated: number;
  /** Tasks left out because the tasks folder has no such task. */
  missing: number;
}

/**
 * The run restricted to its tasks created strictly after `date` (`createdAfter`'s rule: a day means
 * its end): the header's suite lists only those tasks, and only their attempts are kept.
 * `createdAt` maps each of the run's tasks to its created_at (undefined: none; null: not in the tasks folder).
 * @throws UserInputError (exit 2) naming `--created-after` for an unreadable date or an empty window.
 */
export function restrictToCreatedAfter(
  header: RunHeader,
  attempts: readonly AttemptRecord[],
  createdAt: ReadonlyMap<string, string | undefined | null>,
  date: string,
  tasksDir: string,
): { header: RunHeader; attempts: AttemptRecord[]; window: CreatedAfterWindow } {
  const ids = header.suite.instance_ids;
  const found = ids.filter((id) => createdAt.has(id) && createdAt.get(id) !== null);
  if (!found.length) {
    createdAfter([{ instance_id: 'check', created_at: '9999-12-31' }], date); // a bad date is named first
    throw new UserInputError(`--created-after ${date}: none of the run's ${ids.length} task(s) is in ${tasksDir}, so no created_at is known; pass --tasks <the folder the run used>`);
  }
  const kept = new Set(createdAfter(ids.map((id) => ({ instance_id: id, created_at: createdAt.get(id) ?? undefined })), date).map((t) => t.instance_id));
  const window: CreatedAfterWindow = {
    date,
    kept: kept.size,
    total: ids.length,
    undated: found.filter((id) => createdAt.get(id) === undefined).length,
    missing: ids.length - found.length,
  };
  return {
    header: { ...header, suite: { ...header.suite, instance_ids: ids.filter((id) => kept.has(id)) } },
    attempts: attempts.filter((a) => kept.has(a.instance_id)),
    window,
  };
}

/** The banner: "tasks created after 2026-01-01: 12 of 16 (3 without created_at left out)". */
export function createdAfterNote(w: CreatedAfterWindow): string {
  const out = [w.undated ? `${w.undated} without created_at` : '', w.missing ? `${w.missing} not in the tasks folder` : ''].filter(Boolean);
  return `tasks created after ${w.date}: ${w.kept} of ${w.total}${out.length ? ` (left out: ${out.join('; ')})` : ''}`;
}
