// A writable copy of the bundled js-duration-1 (its folder and repository bundle under `tmp/tasks`)
// and a clone of the repository at the task's base commit (`tmp/work`), for e2e tests that rewrite
// its test.patch and grade predictions against the copy.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.ts';
import { testGitEnv } from './git-repo.ts';

export const DURATION_TASK = 'js-duration-1';
export const DURATION_BASE = '4d7787763496ed084936a0200931d5d09330efde';

/** The copy made in `tmp`: its tasks folder, the clone, `git` in the clone, and `diff` (the clone's changes from the base as a patch, then reset to the base). */
export interface DurationCopy {
  tasks: string;
  work: string;
  git: (...args: string[]) => string;
  diff: () => string;
}

/** Copies js-duration-1 and its bundle into `tmp/tasks` and clones it at its base commit into `tmp/work`. */
export function copyDurationTask(tmp: string): DurationCopy {
  const tasks = path.join(tmp, 'tasks');
  mkdirSync(path.join(tasks, 'repos'), { recursive: true });
  cpSync(path.join(ROOT, 'tasks', DURATION_TASK), path.join(tasks, DURATION_TASK), { recursive: true });
  cpSync(path.join(ROOT, 'tasks', 'repos', 'js-duration.bundle'), path.join(tasks, 'repos', 'js-duration.bundle'));
  const work = path.join(tmp, 'work');
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: work, env: testGitEnv(), encoding: 'utf8' });
  execFileSync('git', ['clone', '--quiet', path.join(tasks, 'repos', 'js-duration.bundle'), work], { env: testGitEnv() });
  git('checkout', '--quiet', '--detach', DURATION_BASE);
  const diff = (): string => {
    git('add', '--all');
    const patch = git('diff', '--cached', '--no-color', DURATION_BASE);
    git('reset', '--quiet', '--hard', DURATION_BASE);
    return patch;
  };
  return { tasks, work, git, diff };
}
