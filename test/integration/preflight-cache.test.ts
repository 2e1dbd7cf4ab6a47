// Remembered pre-flight verdicts: a pass is stored and spares the next run the checkout and the
// `git apply`s; any change to what the verdict depends on (either patch, the commit) checks again,
// and a task that fails pre-flight is never let through by an earlier pass nor remembered.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTasks } from '../../src/tasks/load.ts';
import { preflightTasks } from '../../src/tasks/preflight.ts';
import { PreflightCache, PreflightVerdictFile, preflightKey } from '../../src/tasks/preflight-cache.ts';
import { RepoCache } from '../../src/workspace/repo-cache.ts';
import { gitRepo, type GitRepo } from '../helpers/git-repo.ts';
import { BASE_FILES, writeTinyTask } from '../helpers/tiny-task.ts';

let tmp: string;
let repo: GitRepo;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-preflight-cache-'));
  // two commits, so a task can move to another base_commit
  repo = gitRepo(BASE_FILES, [{ 'README.md': 'second\n' }]);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A repo cache that counts `mirror()` calls: pre-flight in full takes at least two per task (its check, then the workspace), a remembered pass one. */
class CountingRepoCache extends RepoCache {
  calls = 0;
  override mirror(...args: Parameters<RepoCache['mirror']>): ReturnType<RepoCache['mirror']> {
    this.calls++;
    return super.mirror(...args);
  }
}

async function setUp(name: string) {
  const tasksDir = path.join(tmp, name, 'tasks');
  writeTinyTask(tasksDir, repo, 'tiny-1');
  const repoCache = new CountingRepoCache({ tasksDir, cacheDir: path.join(tmp, name, 'repos') });
  const cache = new PreflightCache(path.join(tmp, name, 'preflight'), '9.9.9');
  return { tasksDir, repoCache, cache, taskDir: path.join(tasksDir, 'tiny-1') };
}

describe('pre-flight verdict cache', () => {
  it('stores a pass with its whole key, and the next pre-flight of the same task skips the checkout', async () => {
    const { tasksDir, repoCache, cache } = await setUp('pass');
    const tasks = await loadTasks(tasksDir);
    await preflightTasks(tasks, repoCache, cache);
    expect(repoCache.calls).toBeGreaterThanOrEqual(2);
    const files = await readdir(cache.dir);
    expect(files).toHaveLength(1);
    const stored = PreflightVerdictFile.parse(JSON.parse(await readFile(path.join(cache.dir, files[0]!), 'utf8')));
    expect(stored.key).toEqual(await preflightKey(tasks[0]!, '9.9.9'));
    expect(stored.key.base_commit).toBe(repo.commits[0]);
    expect(stored.key.git_version).toMatch(/^git version /);

    repoCache.calls = 0;
    const before = await readFile(path.join(cache.dir, files[0]!), 'utf8');
    await preflightTasks(await loadTasks(tasksDir), repoCache, cache);
    expect(repoCache.calls).toBe(1); // the repository and commit check only
    // a remembered pass is not written again: checked_at stays the time of the full check
    expect(await readFile(path.join(cache.dir, files[0]!), 'utf8')).toBe(before);
  });

  it('remembered and unremembered tasks together: each checked as it must be, problems listed in task order', async () => {
    const { tasksDir, repoCache, cache } = await setUp('mixed');
    writeTinyTask(tasksDir, repo, 'tiny-2');
    writeTinyTask(tasksDir, repo, 'tiny-3');
    await preflightTasks(await loadTasks(tasksDir, ['tiny-2']), repoCache, cache); // tiny-2 remembered
    const broken = 'diff --git a/nope.js b/nope.js\n--- a/nope.js\n+++ b/nope.js\n@@ -1 +1 @@\n-x\n+y\n';
    await writeFile(path.join(tasksDir, 'tiny-1', 'gold.patch'), broken);
    const yaml3 = path.join(tasksDir, 'tiny-3', 'task.yaml');
    await writeFile(yaml3, (await readFile(yaml3, 'utf8')).replace(repo.commits[0]!, 'f'.repeat(40)));
    const err = await preflightTasks(await loadTasks(tasksDir), repoCache, cache).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/^2 task problem\(s\)[^\n]*\n[^\n]*tiny-1[^\n]*gold\.patch[^\n]*\n[^\n]*tiny-3[^\n]*base_commit/);
    expect(await readdir(cache.dir)).toHaveLength(1); // neither failure remembered
  });

  it('a gold.patch changed after a pass is checked again, and refused when it no longer applies', async () => {
    const { tasksDir, repoCache, cache, taskDir } = await setUp('gold-changed');
    await preflightTasks(await loadTasks(tasksDir), repoCache, cache);
    const broken = 'diff --git a/src/add.js b/src/add.js\n--- a/src/add.js\n+++ b/src/add.js\n@@ -1 +1 @@\n-exports.add = (a, b) => a * b;\n+exports.add = (a, b) => a + b;\n';
    await writeFile(path.join(taskDir, 'gold.patch'), broken);
    await expect(preflightTasks(await loadTasks(tasksDir), repoCache, cache)).rejects.toThrow(/gold\.patch: does not apply at base_commit/);
    expect(await readdir(cache.dir)).toHaveLength(1); // the failure is not remembered
  });

  it('a test.patch changed after a pass is checked again, and refused when it no longer applies', async () => {
    const { tasksDir, repoCache, cache, taskDir } = await setUp('test-changed');
    await preflightTasks(await loadTasks(tasksDir), repoCache, cache);
    await writeFile(path.join(taskDir, 'test.patch'), 'diff --git a/test/base.test.js b/test/base.test.js\n--- a/test/base.test.js\n+++ b/test/base.test.js\n@@ -1 +1 @@\n-no such line\n+x\n');
    await expect(preflightTasks(await loadTasks(tasksDir), repoCache, cache)).rejects.toThrow(/test\.patch: does not apply/);
  });

  it('another base_commit, fixbench version or rules are other keys: the stored pass does not answer for them', async () => {
    const { tasksDir, cache } = await setUp('keys');
    const [task] = await loadTasks(tasksDir);
    await cache.remember(task!);
    expect(await cache.passed(task!)).toBe(true);
    expect(await cache.passed({ ...task!, base_commit: repo.commits[1]! })).toBe(false);
    expect(await cache.passed({ ...task!, patch: task!.patch + '\n' })).toBe(false);
    expect(await cache.passed({ ...task!, test_patch: task!.test_patch.replace('5', '6') })).toBe(false);
    expect(await cache.passed({ ...task!, repo: `${task!.repo}-other` })).toBe(false);
    expect(await new PreflightCache(cache.dir, '10.0.0').passed(task!)).toBe(false);
  });

  it('a verdict file whose content names another key (edited, or a hash collision) is not a pass', async () => {
    const { tasksDir, cache } = await setUp('forged');
    const [task] = await loadTasks(tasksDir);
    await cache.remember(task!);
    const [file] = await readdir(cache.dir);
    const stored = JSON.parse(await readFile(path.join(cache.dir, file!), 'utf8'));
    stored.key.patch_sha256 = '0'.repeat(64);
    await writeFile(path.join(cache.dir, file!), JSON.stringify(stored));
    expect(await cache.passed(task!)).toBe(false);
    await writeFile(path.join(cache.dir, file!), '{not json');
    expect(await cache.passed(task!)).toBe(false);
  });

  it('remembered tasks of one repository have their commits checked by one git process; one whose commit the mirror lacks is still refused', async () => {
    const { tasksDir, repoCache, cache } = await setUp('batch');
    writeTinyTask(tasksDir, repo, 'tiny-2', { yaml: { base_commit: repo.commits[1] } });
    writeTinyTask(tasksDir, repo, 'tiny-3');
    await preflightTasks(await loadTasks(tasksDir), repoCache, cache); // all three remembered
    // git's processes, counted through a logging `git` first on PATH
    const bin = path.join(tmp, 'batch', 'bin');
    const log = path.join(bin, 'calls.log');
    await mkdir(bin, { recursive: true });
    const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
    await writeFile(path.join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`);
    await chmod(path.join(bin, 'git'), 0o755);
    const saved = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${saved}`;
    try {
      await preflightTasks(await loadTasks(tasksDir), repoCache, cache);
      expect((await readFile(log, 'utf8')).trim().split('\n').filter((l) => !/--version/.test(l))).toHaveLength(1);
      // a remembered pass for a commit the mirror does not hold lets nothing through
      const [task] = await loadTasks(tasksDir, ['tiny-1']);
      const missing = { ...task!, base_commit: 'f'.repeat(40) };
      await cache.remember(missing);
      expect(await cache.passed(missing)).toBe(true);
      await expect(preflightTasks([missing, ...(await loadTasks(tasksDir, ['tiny-2']))], repoCache, cache)).rejects.toThrow(/^1 task problem\(s\)[^\n]*\n[^\n]*tiny-1[^\n]*base_commit: f{40} is not in repository/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('a cache folder that cannot be written is no error: pre-flight passes and checks again next time', async () => {
    const { tasksDir, repoCache } = await setUp('unwritable');
    const blocker = path.join(tmp, 'unwritable', 'a-file');
    await writeFile(blocker, '');
    const cache = new PreflightCache(path.join(blocker, 'preflight'), '9.9.9');
    await preflightTasks(await loadTasks(tasksDir), repoCache, cache);
    expect(await cache.passed((await loadTasks(tasksDir))[0]!)).toBe(false);
  });
});
