// Writes a task folder (DESIGN.md §2): task.yaml, problem_statement.md, gold.patch, test.patch.
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { TaskYaml } from '../config/task.ts';
import { UserInputError } from '../core/errors.ts';
import type { TaskFiles } from './swe-bench.ts';

/** task.yaml's fields in the order the bundled tasks write them. */
const ORDER = ['instance_id', 'repo', 'base_commit', 'setup', 'test_cmd', 'test_report', 'FAIL_TO_PASS', 'PASS_TO_PASS', 'timeout_s', 'difficulty', 'language', 'tags', 'created_at', 'eval_type', 'ids', 'node', 'browser', 'swe_bench', 'test_files', 'protected_files'] as const;

/** task.yaml text for `yaml` (validated again), fields in the usual order, long lines unwrapped. */
export function taskYamlText(yaml: TaskYaml): string {
  const t = TaskYaml.parse(yaml);
  const ordered = Object.fromEntries(ORDER.filter((k) => t[k] !== undefined).map((k) => [k, t[k]]));
  return stringify(ordered, { lineWidth: 0 });
}

/**
 * Writes `<tasksDir>/<instance_id>/` with the four files, texts byte for byte.
 * @throws UserInputError when the folder exists and `force` is not set.
 */
export async function writeTaskFolder(tasksDir: string, files: TaskFiles, opts: { force?: boolean } = {}): Promise<string> {
  const dir = path.join(tasksDir, files.yaml.instance_id);
  if ((await stat(dir).catch(() => null)) && !opts.force) {
    throw new UserInputError(`${dir} already exists; remove it, choose another id, or pass --force to replace it`);
  }
  const text = taskYamlText(files.yaml);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'task.yaml'), text);
  await writeFile(path.join(dir, 'problem_statement.md'), files.problem_statement);
  await writeFile(path.join(dir, 'gold.patch'), files.patch);
  await writeFile(path.join(dir, 'test.patch'), files.test_patch);
  return dir;
}
