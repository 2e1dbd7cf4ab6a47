// prepareWorkspace and the test pool: a task's setup queues for a test slot; an empty setup runs
// nothing and takes none, so a new model attempt is never held behind queued gradings (issue 18.3).
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { prepareWorkspace, type AttemptEnv } from '../../../src/runner/attempt.ts';
import { oneFileTask } from '../../helpers/one-file-task.ts';

const { root, sandbox, task, repoCache } = oneFileTask('fixbench-prepare-', 'junit:report.xml');

/** An attempt environment whose only test slot is held until `release()` (a grading that runs long). */
async function busyTestPool() {
  const test = pLimit(1);
  let release!: () => void;
  const held = new Promise<void>((started) => void test(() => new Promise<void>((r) => ((release = r), started()))));
  await held;
  const env = { opts: { sandbox, repoCache: repoCache() }, pools: { test, model: pLimit(64) } } as unknown as AttemptEnv;
  return { env, release: () => release() };
}

describe('prepareWorkspace and the test pool', () => {
  it('an empty setup does not wait for a test slot held by a grading', async () => {
    const { env, release } = await busyTestPool();
    const made = await prepareWorkspace(task(), true, env, mkdtempSync(join(root, 'a-')));
    release();
    expect('workspace' in made).toBe(true);
    if ('workspace' in made) await made.workspace.cleanup();
  }, 60_000);

  it('a real setup waits for a slot (control: the pool is what holds it)', async () => {
    const { env, release } = await busyTestPool();
    let done = false;
    const pending = prepareWorkspace({ ...task(), setup: 'true' }, true, env, mkdtempSync(join(root, 'b-'))).then((m) => ((done = true), m));
    // the setup queues behind the held slot (the workspace is made first), and stays there until it is released
    while (env.pools.test.pendingCount === 0) await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    release();
    const made = await pending;
    expect('workspace' in made).toBe(true);
    if ('workspace' in made) await made.workspace.cleanup();
  }, 60_000);
});
