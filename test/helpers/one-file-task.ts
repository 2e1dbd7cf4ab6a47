// Test helper: a one-file git repository (`a.txt`), a task of it, a local sandbox and a repo cache,
// all under one temporary root made when the test file loads; the repository is made before the
// file's tests and everything is removed after them (runner tests that drive a single attempt).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { TaskSpec } from '../../src/config/task.ts';
import { LocalSandbox } from '../../src/sandbox/local.ts';
import { RepoCache } from '../../src/workspace/repo-cache.ts';
import { gitRepo, type GitRepo } from './git-repo.ts';

export interface OneFileTask {
  /** The temporary root (`<tmp>/<prefix>XXXXXX`). */
  root: string;
  sandbox: LocalSandbox;
  /** The task `tiny-1` (setup empty, test_cmd `true`); valid once the file's tests run. */
  task(): TaskSpec;
  /** A repo cache under the root (`cache/`, tasks folder `tasks/`). */
  repoCache(): RepoCache;
}

/** Registers the set-up and clean-up in the calling test file (`beforeAll`/`afterAll`); `testReport` is the task's `test_report`. */
export function oneFileTask(prefix: string, testReport = 'tap'): OneFileTask {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const sandbox = new LocalSandbox();
  let repo: GitRepo | undefined;
  let task: TaskSpec | undefined;
  beforeAll(() => {
    repo = gitRepo({ 'a.txt': 'a\n' });
    task = {
      instance_id: 'tiny-1', repo: repo.dir, base_commit: repo.commits[0]!, setup: '', test_cmd: 'true', test_report: testReport,
      FAIL_TO_PASS: ['x'], PASS_TO_PASS: [], timeout_s: 60, tags: [], dir: join(root, 'tasks', 'tiny-1'), problem_statement: 'p', patch: '', test_patch: '',
    } as TaskSpec;
  });
  afterAll(async () => {
    await sandbox.cleanup();
    repo?.cleanup();
    rmSync(root, { recursive: true, force: true });
  });
  return {
    root,
    sandbox,
    task: () => {
      if (!task) throw new Error('oneFileTask: the task exists once the test file\'s beforeAll has run');
      return task;
    },
    repoCache: () => new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') }),
  };
}
