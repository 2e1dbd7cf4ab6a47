// `fixbench tasks list`: the bundled (or given) tasks, validated.
import { ExitCode } from '../core/errors.ts';
import { loadTasks } from '../tasks/load.ts';
import { defaultTasksDir } from './common.ts';
import { textTable } from './table.ts';

/** @throws UserInputError listing every invalid task. */
export async function tasksListCommand(o: { tasks?: string; json?: boolean }): Promise<number> {
  const tasks = await loadTasks(defaultTasksDir(o.tasks));
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
  return ExitCode.ok;
}
