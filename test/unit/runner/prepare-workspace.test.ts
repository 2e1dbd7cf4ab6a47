// prepareWorkspace and the test pool: a task's setup queues for a test slot; an empty setup runs
// nothing and takes none, so a new model attempt is never held behind queued gradings (issue 18.3).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareWorkspace, type AttemptEnv } from '../../../src/runner/attempt.ts';
import type { TaskSpec } from '../../../src/config/task.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { RepoCache } from '../../../src/workspace/repo-cache.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';

const root = mkdtempSync(join(tmpdir(), 'fixbench-prepare-'));
const sandbox = new LocalSandbox();
let repo: GitRepo;
let task: TaskSpec;
beforeAll(() => {
  repo = gitRepo({ 'a.txt': 'a\n' });
  task = {
    instance_id: 'tiny-1', repo: repo.dir, base_commit: repo.commits[0]!, setup: '', test_cmd: 'true', test_report: 'junit:report.xml',
    FAIL_TO_PASS: ['x'], PASS_TO_PASS: [], timeout_s: 60, tags: [], dir: join(root, 'tasks', 'tiny-1'), problem_statement: 'p', patch: '', test_patch: '',
  } as TaskSpec;
});
afterAll(async () => {
  await sandbox.cleanup();
  repo?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

/** An attempt environment whose only test slot is held until `release()` (a grading that runs long). */
async function busyTestPool() {
  const test = pLimit(1);
  let release!: () => void;
  const held = new Promise<void>((started) => void test(() => new Promise<void>((r) => ((release = r), started()))));
  await held;
  const env = { opts: { sandbox, repoCache: new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') }) }, pools: { test, model: pLimit(64) } } as unknown as AttemptEnv;
  return { env, release: () => release() };
}

describe('prepareWorkspace and the test pool', () => {
  it('an empty setup does not wait for a test slot held by a grading', async () => {
    const { env, release } = await busyTestPool();
    const made = await prepareWorkspace(task, true, env, mkdtempSync(join(root, 'a-')));
    release();
    expect('workspace' in made).toBe(true);
    if ('workspace' in made) await made.workspace.cleanup();
  }, 60_000);

  it('a real setup waits for a slot (control: the pool is what holds it)', async () => {
    const { env, release } = await busyTestPool();
    let done = false;
    const pending = prepareWorkspace({ ...task, setup: 'true' }, true, env, mkdtempSync(join(root, 'b-'))).then((m) => ((done = true), m));
    // the setup queues behind the held slot (the workspace is made first), and stays there until it is released
    while (env.pools.test.pendingCount === 0) await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    release();
    const made = await pending;
    expect('workspace' in made).toBe(true);
    if ('workspace' in made) await made.workspace.cleanup();
  }, 60_000);
});
