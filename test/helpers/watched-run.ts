// Test helper for runs whose order of events is checked: the slow-add fixture tasks in a temp folder,
// and a local sandbox that notes `apply` (a `git apply`, the gold agent's) and `test` (a `node --test`
// command) into `events` before it runs the command. Registers the fixture's beforeAll/beforeEach
// (events emptied)/afterAll hooks in the calling test file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { LocalSandbox } from '../../src/sandbox/local.ts';
import type { ExecOptions, Sandbox } from '../../src/sandbox/types.ts';
import type { TaskSpec } from '../../src/config/task.ts';
import type { GitRepo } from './git-repo.ts';
import { slowAddTasks } from './slow-add-tasks.ts';

/** The fixture: its folder (`root`), the noting sandbox, and the tasks (set in beforeAll). */
export function watchedRun(prefix: string, events: string[]): { root: string; watching: Sandbox; tasks: () => TaskSpec[] } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const local = new LocalSandbox();
  let repo: GitRepo | undefined;
  let tasks: TaskSpec[] = [];
  const watching: Sandbox = {
    kind: 'local',
    async exec(command: string, o: ExecOptions) {
      if (command.startsWith('git apply')) events.push('apply');
      if (command.includes('node --test')) events.push('test');
      return local.exec(command, o);
    },
  };
  beforeAll(() => {
    ({ repo, tasks } = slowAddTasks(root, 0));
  });
  beforeEach(() => void events.splice(0));
  afterAll(async () => {
    await local.cleanup();
    repo?.cleanup();
    rmSync(root, { recursive: true, force: true });
  });
  return { root, watching, tasks: () => tasks };
}
