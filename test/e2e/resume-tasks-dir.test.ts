// A run remembers its task folder (run.json `tasks_dir`): `run --resume` finds the tasks without
// `--tasks` again (newcomer14 #6); a folder moved since is named with the fix.
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';

let tmp: string;
let tasks: string;
const flags = () => ['--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports')];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-resume-tasks-'));
  tasks = path.join(tmp, 'my-tasks');
  await mkdir(path.join(tasks, 'repos'), { recursive: true });
  // a task the bundled suite lacks (its own id), so a resume that fell back to the bundled tasks/ would fail
  await cp(path.join(ROOT, 'tasks', 'js-ini-1'), path.join(tasks, 'mine-ini-1'), { recursive: true });
  const yaml = path.join(tasks, 'mine-ini-1', 'task.yaml');
  await writeFile(yaml, (await readFile(yaml, 'utf8')).replace(/^instance_id: js-ini-1$/m, 'instance_id: mine-ini-1'));
  await cp(path.join(ROOT, 'tasks', 'repos', 'js-ini.bundle'), path.join(tasks, 'repos', 'js-ini.bundle'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('run --resume without --tasks', () => {
  it('loads the tasks from the folder run.json records, and names it when it has moved', async () => {
    const r = await runCli(['run', '--tasks', tasks, '--no-models', '--run-id', 't1', '--sandbox', 'local', ...flags()]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(await readFile(path.join(tmp, 'results', 't1', 'run.json'), 'utf8'))).toMatchObject({ tasks_dir: tasks });

    // report --created-after reads the run's own task folder too (newcomer15 #3; recommend likewise)
    const created = await runCli(['report', 't1', '--created-after', '2000-01-01', ...flags()]);
    expect(created.stderr).not.toMatch(/none of the run's/);
    expect(created.exitCode, created.stderr).toBe(0);

    const again = await runCli(['run', '--resume', 't1', ...flags()]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain('resuming: 2 of 2 attempt(s) already recorded');

    await rename(tasks, `${tasks}-moved`);
    const moved = await runCli(['run', '--resume', 't1', ...flags()]);
    expect(moved.exitCode).toBe(2);
    expect(moved.stderr).toContain(`fix: run t1's run.json names ${tasks} (tasks_dir), which no longer holds its tasks (moved, or another machine): add --tasks <the folder they are in now>`);
    const given = await runCli(['run', '--resume', 't1', '--tasks', `${tasks}-moved`, ...flags()]);
    expect(given.exitCode, given.stderr).toBe(0);
  });
});
