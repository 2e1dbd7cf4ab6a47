// `tasks lint` warns about the symlinks a task's repository commits into protected paths, above
// them, or out of the tree (trust7): a patch's change through one is dropped at grading.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedLinkWarnings } from '../../../src/tasks/lint-protected.ts';
import { RepoCache } from '../../../src/workspace/repo-cache.ts';
import { gitRepo } from '../../helpers/git-repo.ts';
import { linkedRepo, type LinkedRepo } from '../../helpers/linked-repo.ts';

describe('committedLinkWarnings', () => {
  let fx: LinkedRepo;
  let root: string;
  beforeAll(() => {
    fx = linkedRepo();
    root = mkdtempSync(join(tmpdir(), 'fixbench-lint-links-'));
  });
  afterAll(() => {
    fx.cleanup();
    rmSync(root, { recursive: true, force: true });
  });
  const task = (repo: string, base: string) => ({ repo, base_commit: base, dir: join(root, 'tasks', 't'), test_cmd: 'node --test test/', test_patch: '' });
  const cache = () => new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') });

  it('names each link into test/, to a link to it, to the root, out of the tree (relative and absolute) and to a test file', async () => {
    const w = await committedLinkWarnings(task(fx.repo.dir, fx.repo.commits[0]!), cache());
    const named = w.map((m) => /symlink (\S+) -> /.exec(m)?.[1]).sort();
    expect(named).toEqual(['docs/x', 'lib/cfg.js', 'lib/t', 'lib/tt', 'out', 'up']);
    expect(w.find((m) => m.includes('lib/t -> ../test'))).toContain('leading into the protected path test (test)');
    expect(w.find((m) => m.includes('docs/x -> ..'))).toContain('leading to the repository root, above protected files (.gitignore, test/sum.test.js)');
    expect(w.find((m) => m.includes('symlink out ->'))).toContain('leading out of the repository');
  });

  it('says nothing of a repository whose links stay among unprotected files', async () => {
    const repo = gitRepo({ 'src/a.js': 'x\n', 'test/a.test.js': 'y\n' });
    const { symlinkSync } = await import('node:fs');
    symlinkSync('a.js', join(repo.dir, 'src/alias.js'));
    const base = repo.commit({});
    try {
      expect(await committedLinkWarnings(task(repo.dir, base), cache())).toEqual([]);
    } finally {
      repo.cleanup();
    }
  });
});
