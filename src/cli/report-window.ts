// `fixbench report <run> --created-after <date> [--tasks <dir>]`: reads the created_at of the run's
// tasks from their task folders and restricts the run to those created after the date.
import { storedTasksDir } from './models-file.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TaskYaml } from '../config/task.ts';
import { loadYamlFile } from '../config/load.ts';
import { restrictToCreatedAfter, type CreatedAfterWindow } from '../report/created-after.ts';
import type { AttemptRecord, RunHeader } from '../store/records.ts';
import { defaultTasksDir } from './common.ts';

/** Each id's created_at from `<tasksDir>/<id>/task.yaml` (undefined: none; null: no such task folder). */
export async function readCreatedAt(tasksDir: string, ids: readonly string[]): Promise<Map<string, string | undefined | null>> {
  const out = new Map<string, string | undefined | null>();
  for (const id of ids) {
    const file = path.join(tasksDir, id, 'task.yaml');
    out.set(id, existsSync(file) ? (await loadYamlFile(file, TaskYaml, 'see tasks/README.md for the fields of task.yaml')).created_at : null);
  }
  return out;
}

/**
 * The run restricted to its tasks created after `date`, their created_at read from `tasks` (default:
 * the bundled tasks folder; run.json does not record the folder a run used).
 * @throws UserInputError for a bad date, an empty window, or a tasks folder holding none of the run's tasks.
 */
export async function applyCreatedAfter(
  header: RunHeader,
  attempts: readonly AttemptRecord[],
  date: string,
  tasks: string | undefined,
): Promise<{ header: RunHeader; attempts: AttemptRecord[]; window: CreatedAfterWindow }> {
  const tasksDir = defaultTasksDir(tasks ?? storedTasksDir(header)); // the run's own folder (run.json tasks_dir) unless --tasks names one
  return restrictToCreatedAfter(header, attempts, await readCreatedAt(tasksDir, header.suite.instance_ids), date, tasksDir);
}
