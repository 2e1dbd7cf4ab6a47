// `fixbench tasks list`: the bundled (or given) tasks, validated.
import path from 'node:path';
import { ExitCode, UserInputError } from '../core/errors.ts';
import { readTasks } from '../tasks/load.ts';
import { defaultTasksDir } from './common.ts';
import { textTable } from './table.ts';

/**
 * Lists every task that loads (table, or a JSON array with --json) on stdout; each task that does
 * not is named on stderr with its problems, after the list. Exit 0 when all load, 2 when one does not.
 * @throws UserInputError when the folder cannot be read or holds no task at all.
 */
export async function tasksListCommand(o: { tasks?: string; json?: boolean }): Promise<number> {
  const dir = defaultTasksDir(o.tasks);
  const { tasks, invalid } = await readTasks(dir);
  if (!tasks.length && !invalid.length) throw new UserInputError(`${dir}: no tasks found (a task is a folder with task.yaml)`);
  const rows = tasks.map((t) => ({
    instance_id: t.instance_id,
    repo: t.repo,
    base_commit: t.base_commit.slice(0, 12),
    difficulty: t.difficulty ?? '',
    language: t.language ?? '',
    FAIL_TO_PASS: t.FAIL_TO_PASS.length,
    PASS_TO_PASS: t.PASS_TO_PASS.length,
  }));
  if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  else
    process.stdout.write(
      textTable(
        ['instance_id', 'repo', 'base_commit', 'difficulty', 'language', 'FAIL_TO_PASS', 'PASS_TO_PASS'],
        rows.map((r) => [r.instance_id, r.repo, r.base_commit, r.difficulty, r.language, r.FAIL_TO_PASS, r.PASS_TO_PASS]),
      ),
    );
  if (!invalid.length) return ExitCode.ok;
  const lines = invalid.map((t) => `  ${path.basename(t.dir)}:\n${t.problems.flatMap((p) => p.split('\n')).map((l) => `    ${l}`).join('\n')}`);
  process.stderr.write(`${invalid.length} invalid task(s), not listed (\`fixbench tasks lint\` checks them all):\n${lines.join('\n')}\n`);
  return ExitCode.invalidInput;
}
