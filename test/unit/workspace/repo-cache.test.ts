import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/core/errors.ts';
import { RepoCache } from '../../../src/workspace/repo-cache.ts';
import { gitRepo, testGitEnv, type GitRepo } from '../../helpers/git-repo.ts';

const gitIn = (dir: string, ...args: string[]): string => execFileSync('git', args, { cwd: dir, env: testGitEnv(), encoding: 'utf8' });

describe('RepoCache', () => {
  let root: string;
  let tasksDir: string;
  let repo: GitRepo;
  let cache: RepoCache;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'fixbench-cache-test-'));
    tasksDir = join(root, 'tasks');
    repo = gitRepo({ 'a.txt': 'one\n' }, [{ 'a.txt': 'two\n' }]);
    repo.bundle(join(tasksDir, 'repos', 'tiny.bundle'));
    cache = new RepoCache({ cacheDir: join(root, 'cache'), tasksDir });
  });
  afterEach(() => {
    repo.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('mirrors a bundle into a bare repository holding its commits', async () => {
    const mirror = await cache.mirror('tiny');
    expect(gitIn(mirror, 'rev-parse', '--is-bare-repository').trim()).toBe('true');
    expect(gitIn(mirror, 'rev-parse', 'refs/heads/main').trim()).toBe(repo.head);
    expect(gitIn(mirror, 'config', 'uploadpack.allowAnySHA1InWant').trim()).toBe('true');
  });

  it('mirrors a local path', async () => {
    const mirror = await cache.mirror(repo.dir, { commit: repo.commits[0] });
    expect(gitIn(mirror, 'rev-parse', 'refs/heads/main').trim()).toBe(repo.head);
  });

  it('creates the mirror once for concurrent requests, leaving no temp dirs', async () => {
    const paths = await Promise.all([cache.mirror('tiny'), cache.mirror('tiny'), cache.mirror('tiny')]);
    expect(new Set(paths).size).toBe(1);
    expect(readdirSync(cache.cacheDir)).toHaveLength(1);
  });

  it('reuses an existing mirror instead of cloning again', async () => {
    const mirror = await cache.mirror('tiny');
    writeFileSync(join(mirror, 'marker'), '');
    expect(await cache.mirror('tiny')).toBe(mirror);
    expect(existsSync(join(mirror, 'marker'))).toBe(true);
  });

  it('two caches on one folder (two processes) racing end with one valid mirror', async () => {
    const other = new RepoCache({ cacheDir: cache.cacheDir, tasksDir });
    const [a, b] = await Promise.all([cache.mirror('tiny'), other.mirror('tiny')]);
    expect(a).toBe(b);
    expect(readdirSync(cache.cacheDir)).toHaveLength(1);
    expect(gitIn(a, 'rev-parse', 'refs/heads/main').trim()).toBe(repo.head);
  });

  it('fetches again when a regenerated bundle holds a commit the mirror lacks', async () => {
    await cache.mirror('tiny');
    const newer = repo.commit({ 'a.txt': 'three\n' });
    repo.bundle(join(tasksDir, 'repos', 'tiny.bundle'));
    const mirror = await cache.mirror('tiny', { commit: newer });
    expect(gitIn(mirror, 'cat-file', '-t', newer).trim()).toBe('commit');
  });

  it('throws InfraError when the commit is in neither the mirror nor the source', async () => {
    await expect(cache.mirror('tiny', { commit: 'f'.repeat(40) })).rejects.toBeInstanceOf(InfraError);
  });

  it('with refresh, fetches the branches where they are now (a local repository that moved on since its mirror was made)', async () => {
    const first = await cache.mirror(repo.dir);
    expect(gitIn(first, 'rev-parse', 'refs/heads/main').trim()).toBe(repo.head);
    const newer = repo.commit({ 'a.txt': 'three\n' });
    // without refresh, the mirror made earlier still names the old main (`tasks create --fix main` took the stale one)
    expect(gitIn(await cache.mirror(repo.dir), 'rev-parse', 'refs/heads/main').trim()).not.toBe(newer);
    expect(gitIn(await cache.mirror(repo.dir, { refresh: true }), 'rev-parse', 'refs/heads/main').trim()).toBe(newer);
  });
});
