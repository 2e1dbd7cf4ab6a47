// Loads task fixtures (DESIGN.md §2): `tasks/<instance_id>/{task.yaml,problem_statement.md,gold.patch,test.patch}`.
// Every problem of every task is collected first and reported at once, before any work starts.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TaskYaml, type TaskSpec } from '../config/task.ts';
import { loadYamlFile } from '../config/load.ts';
import { UserInputError } from '../core/errors.ts';
import { findTaskFolders } from './folders.ts';
import { assetsDigest, scanProblemAssets } from './problem-assets.ts';

const TASK_FIX = 'see tasks/README.md for the fields of task.yaml and their types';

/** The file's text, or null (with a problem noted) when it cannot be read. */
async function readText(file: string, problems: string[], what: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    problems.push(`${file}: missing ${what}; add the file (see tasks/README.md)`);
    return null;
  }
}

/**
 * Loads one task folder.
 * @throws UserInputError listing every problem of the folder (file and field named).
 */
export async function loadTask(dir: string): Promise<TaskSpec> {
  const problems: string[] = [];
  const folder = path.basename(dir);
  let yaml: TaskYaml | null = null;
  try {
    yaml = await loadYamlFile(path.join(dir, 'task.yaml'), TaskYaml, TASK_FIX);
  } catch (e) {
    if (!(e instanceof UserInputError)) throw e;
    problems.push(e.message);
  }
  if (yaml && yaml.instance_id !== folder) {
    problems.push(
      `${path.join(dir, 'task.yaml')}: instance_id: "${yaml.instance_id}" differs from its folder name "${folder}"; rename one so they match`,
    );
  }
  const problem_statement = await readText(path.join(dir, 'problem_statement.md'), problems, 'problem statement');
  const patch = await readText(path.join(dir, 'gold.patch'), problems, 'reference fix');
  const test_patch = await readText(path.join(dir, 'test.patch'), problems, 'hidden test patch');
  for (const [name, text] of [['gold.patch', patch], ['test.patch', test_patch]] as const) {
    if (text === null) continue; // missing: already reported
    if (text.trim() === '') problems.push(`${path.join(dir, name)}: empty; write the diff with git diff against base_commit`);
    else if (!/^diff --git |^--- .*\n\+\+\+ .*\n@@ /m.test(text)) {
      problems.push(`${path.join(dir, name)}: not a unified diff (no "diff --git" or "---/+++/@@" header); write it with git diff`);
    }
  }
  if (problem_statement !== null && problem_statement.trim() === '') {
    problems.push(`${path.join(dir, 'problem_statement.md')}: empty; describe the issue as a user would`);
  }
  let digest: string | null = null;
  if (yaml) {
    const scan = await scanProblemAssets({ ...yaml, dir });
    for (const p of scan.problems) problems.push(`${p.file}: ${p.field ? `${p.field}: ` : ''}${p.message}`);
    if (!scan.problems.length) digest = await assetsDigest(dir, scan.assets);
  }
  if (problems.length || !yaml || problem_statement === null || patch === null || test_patch === null) {
    throw new UserInputError(problems.join('\n'), { where: dir, problems });
  }
  return { ...yaml, dir: path.resolve(dir), problem_statement, patch, test_patch, ...(digest ? { problem_assets_digest: digest } : {}) };
}

/** A task folder that did not load: its path and every problem (file and field named, with the fix). */
export interface InvalidTask {
  dir: string;
  problems: string[];
}

/**
 * Loads every task under `tasksDir` (folders holding a task.yaml; `repos/` is skipped), or only
 * `ids`, keeping going past a task that does not load.
 * @returns the tasks that load, sorted by instance_id, and every one that does not (a broken link
 *   among them, when `ids` is not given).
 * @throws UserInputError when `tasksDir` cannot be read or an id is unknown (`findTaskFolders`).
 */
export async function readTasks(tasksDir: string, ids?: string[]): Promise<{ tasks: TaskSpec[]; invalid: InvalidTask[] }> {
  const { folders: chosen, broken } = await findTaskFolders(tasksDir, ids);
  const invalid: InvalidTask[] = ids?.length ? [] : broken.map((dir) => ({ dir, problems: [`${dir}: cannot be read (a broken link?); remove it or point it at a task folder`] }));
  const tasks: TaskSpec[] = [];
  for (const f of chosen) {
    const dir = path.join(tasksDir, f);
    try {
      tasks.push(await loadTask(dir));
    } catch (e) {
      if (!(e instanceof UserInputError)) throw e;
      invalid.push({ dir, problems: e.details.problems ?? [e.message] });
    }
  }
  return { tasks, invalid };
}

/**
 * Loads every task under `tasksDir` (`readTasks`), or only `ids`; all must load.
 * @returns tasks sorted by instance_id.
 * @throws UserInputError naming every invalid task, unknown id or empty suite at once.
 */
export async function loadTasks(tasksDir: string, ids?: string[]): Promise<TaskSpec[]> {
  const { tasks, invalid } = await readTasks(tasksDir, ids);
  if (invalid.length) {
    const problems = invalid.map((t) => t.problems.join('\n'));
    throw new UserInputError(`${problems.length} invalid task(s):\n${problems.join('\n')}`, { problems });
  }
  if (!tasks.length) throw new UserInputError(`${tasksDir}: no tasks found (a task is a folder with task.yaml)`);
  return tasks;
}
