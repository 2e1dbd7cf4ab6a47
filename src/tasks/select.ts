// Task selection by creation date: the contamination window (SWE-rebench) — only tasks whose fix
// was made after a model's training cutoff say how it does on problems it cannot have seen.
import type { TaskYaml } from '../config/task.ts';
import { UserInputError } from '../core/errors.ts';

/**
 * The tasks whose `created_at` is strictly after `date` (an ISO date or date-time; a date means
 * its end, 23:59:59.999Z). A task without `created_at` is left out (it cannot be shown to be after).
 * Returns all `tasks` when `date` is undefined.
 * @throws UserInputError for an unreadable date, or when no task is left (naming how many lack created_at).
 */
export function createdAfter<T extends Pick<TaskYaml, 'instance_id' | 'created_at'>>(tasks: readonly T[], date: string | undefined, flag = '--created-after'): T[] {
  if (date === undefined) return [...tasks];
  const isDay = /^\d{4}-\d{2}-\d{2}$/.test(date);
  const cut = Date.parse(isDay ? `${date}T23:59:59.999Z` : date);
  if (!/^\d{4}-\d{2}-\d{2}/.test(date) || Number.isNaN(cut)) throw new UserInputError(`${flag} ${date}: give an ISO date such as 2026-03-31 or an ISO date-time`);
  const kept = tasks.filter((t) => t.created_at !== undefined && Date.parse(t.created_at) > cut);
  if (!kept.length) {
    const undated = tasks.filter((t) => t.created_at === undefined).length;
    throw new UserInputError(
      `${flag} ${date}: no task was created after that date (${tasks.length} task(s)${undated ? `, ${undated} without created_at` : ''}); ${undated === tasks.length ? 'no date selects a task without created_at: set created_at (e.g. created_at: "2026-01-15T00:00:00Z", the issue\'s date) in each task.yaml, or leave out ' + flag : 'choose an earlier date'}`,
    );
  }
  return kept;
}
