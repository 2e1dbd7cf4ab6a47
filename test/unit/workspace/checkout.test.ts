import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, TEMPLATE_DROPPED } from '../../../src/workspace/checkout.ts';
import { RepoCache } from '../../../src/workspace/repo-cache.ts';
import type { Workspace } from '../../../src/workspace/types.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';

// Only the workspace's own config may count: no global/system config and no identity variables.
const plainEnv = { PATH: process.env.PATH, HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const gitIn = (dir: string, ...args: string[]): string => execFileSync('git', args, { cwd: dir, env: plainEnv, encoding: 'utf8' });

describe('createWorkspace', () => {
  let root: string;
  let repo: GitRepo;
  let cache: RepoCache;
  let base: string;
  let ws: Workspace;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'fixbench-ws-test-'));
    // History: c0 → c1 (base) → c2 (the "fix") → c3, a tag on c2, and a side branch.
    repo = gitRepo({ 'src/lib.js': 'export const f = () => 1;\n', 'README.md': 'hi\n' }, [
      { 'src/lib.js': 'export const f = () => 2;\n' },
      { 'src/lib.js': 'export const f = () => 42; // GOLD FIX\n', 'test/hidden.test.js': 'hidden\n' },
      { 'CHANGELOG.md': 'later\n' },
    ]);
    base = repo.commits[1]!;
    repo.git('tag', 'v2', repo.commits[2]!);
    repo.git('branch', 'side', repo.commits[3]!);
    repo.bundle(join(root, 'tasks', 'repos', 'tiny.bundle'));
    cache = new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') });
    ws = await createWorkspace({ repoCache: cache, repo: 'tiny', baseCommit: base, parentDir: join(root, 'work') });
  });
  afterAll(async () => {
    await ws.cleanup();
    repo.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('checks out base_commit with its files, on a single branch', () => {
    expect(ws.baseCommit).toBe(base);
    expect(gitIn(ws.dir, 'rev-parse', 'HEAD').trim()).toBe(base);
    expect(gitIn(ws.dir, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/main');
    expect(readFileSync(join(ws.dir, 'src/lib.js'), 'utf8')).toBe('export const f = () => 2;\n');
    expect(gitIn(ws.dir, 'status', '--porcelain')).toBe('');
  });

  it('holds no later history: base_commit is the newest commit of `git log --all`', () => {
    expect(gitIn(ws.dir, 'log', '--all', '-1', '--format=%H').trim()).toBe(base);
    const all = gitIn(ws.dir, 'rev-list', '--all', '--reflog').trim().split('\n');
    expect(all.sort()).toEqual([repo.commits[0], repo.commits[1]].sort());
  });

  it('holds no later object at all, not even unreachable', () => {
    const objects = gitIn(ws.dir, 'cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectname)');
    const commits = objects.split('\n').filter((l) => l.startsWith('commit ')).map((l) => l.slice(7));
    expect(commits.sort()).toEqual([repo.commits[0], repo.commits[1]].sort());
    // The gold fix's blob is absent.
    const goldBlob = repo.git('rev-parse', `${repo.commits[2]}:src/lib.js`).trim();
    expect(objects).not.toContain(goldBlob);
  });

  it('has no other refs: no tags, no remotes, no FETCH_HEAD', () => {
    expect(gitIn(ws.dir, 'for-each-ref', '--format=%(refname)').trim()).toBe('refs/heads/main');
    expect(gitIn(ws.dir, 'remote').trim()).toBe('');
    expect(existsSync(join(ws.dir, '.git', 'FETCH_HEAD'))).toBe(false);
  });

  it('copies a lean .git (no reflogs, ORIG_HEAD or empty folders of its making) in which the agent\'s git works as in a clone', async () => {
    const fresh = await createWorkspace({ repoCache: cache, repo: 'tiny', baseCommit: base, parentDir: join(root, 'work') });
    try {
      for (const p of TEMPLATE_DROPPED) expect(existsSync(join(fresh.dir, '.git', p)), p).toBe(false);
      expect(readdirSync(join(fresh.dir, '.git')).sort()).toEqual(['HEAD', 'config', 'index', 'info', 'objects', 'refs']);
      expect(gitIn(fresh.dir, 'status', '--porcelain')).toBe('');
      writeFileSync(join(fresh.dir, 'new.txt'), 'x\n');
      gitIn(fresh.dir, 'add', 'new.txt');
      gitIn(fresh.dir, 'commit', '-q', '-m', 'agent commit');
      gitIn(fresh.dir, 'tag', 'mine');
      gitIn(fresh.dir, 'reset', '-q', '--hard', 'HEAD~1');
      expect(gitIn(fresh.dir, 'rev-parse', 'HEAD', 'ORIG_HEAD', 'mine~1').trim().split('\n')).toEqual([base, gitIn(fresh.dir, 'rev-parse', 'mine').trim(), base]);
      expect(gitIn(fresh.dir, 'reflog', '--format=%gs').trim().split('\n')).toEqual(['reset: moving to HEAD~1', 'commit: agent commit']);
      expect(gitIn(fresh.dir, 'fsck', '--no-progress', '--strict')).toBe('');
    } finally {
      await fresh.cleanup();
    }
  });

  it('contains only the repository files at base (no gold or test patch)', () => {
    expect(readdirSync(ws.dir).sort()).toEqual(['.git', 'README.md', 'src']);
    expect(existsSync(join(ws.dir, 'test'))).toBe(false);
  });

  it('has a fixed git identity, so commits work', () => {
    writeFileSync(join(ws.dir, 'new.txt'), 'x\n');
    gitIn(ws.dir, 'add', 'new.txt');
    gitIn(ws.dir, 'commit', '-q', '-m', 'agent commit');
    expect(gitIn(ws.dir, 'log', '-1', '--format=%an <%ae>').trim()).toBe('fixbench <fixbench@localhost>');
    gitIn(ws.dir, 'reset', '-q', '--hard', base);
    gitIn(ws.dir, 'clean', '-fdq');
  });

  it('makes independent workspaces from different commits', async () => {
    const other = await createWorkspace({ repoCache: cache, repo: 'tiny', baseCommit: repo.commits[0]!, parentDir: join(root, 'work') });
    expect(other.dir).not.toBe(ws.dir);
    expect(readFileSync(join(other.dir, 'src/lib.js'), 'utf8')).toBe('export const f = () => 1;\n');
    expect(readFileSync(join(ws.dir, 'src/lib.js'), 'utf8')).toBe('export const f = () => 2;\n');
    await other.cleanup();
  });

  it('copies each workspace from a pristine checkout of the commit: edits, commits and a rewritten .git never reach the next workspace', async () => {
    const a = await createWorkspace({ repoCache: cache, repo: 'tiny', baseCommit: base, parentDir: join(root, 'work') });
    writeFileSync(join(a.dir, 'src/lib.js'), 'tampered\n');
    writeFileSync(join(a.dir, 'new.txt'), 'new\n');
    gitIn(a.dir, 'add', '-A');
    gitIn(a.dir, 'commit', '-q', '-m', 'agent commit');
    writeFileSync(join(a.dir, '.git', 'config'), '[core]\n\tbare = false\n[alias]\n\tx = !evil\n');
    const b = await createWorkspace({ repoCache: cache, repo: 'tiny', baseCommit: base, parentDir: join(root, 'work') });
    expect(readFileSync(join(b.dir, 'src/lib.js'), 'utf8')).toBe('export const f = () => 2;\n');
    expect(existsSync(join(b.dir, 'new.txt'))).toBe(false);
    expect(gitIn(b.dir, 'rev-parse', 'HEAD').trim()).toBe(base);
    expect(gitIn(b.dir, 'status', '--porcelain')).toBe('');
    expect(readFileSync(join(b.dir, '.git', 'config'), 'utf8')).not.toContain('alias');
    await a.cleanup();
    await b.cleanup();
  });

  it('makes the checkout of a commit once, under the cache folder, and copies it for every workspace', async () => {
    const checkouts = readdirSync(join(root, 'cache', '.checkouts'));
    expect(checkouts.filter((d) => d.endsWith(`-${base}`))).toHaveLength(1);
    expect(checkouts.some((d) => d.startsWith('.tmp-'))).toBe(false);
  });

  // io8b: 64 workspaces made at once queued one after another on the mirror's check (two stats each), ~0.6 s for the last.
  it('copies a workspace from a checkout in place without touching the mirror (no check, no re-clone)', async () => {
    const mirror = cache.mirrorPath('tiny');
    rmSync(mirror, { recursive: true, force: true });
    const w = await createWorkspace({ repoCache: cache, repo: 'tiny', baseCommit: base, parentDir: join(root, 'work') });
    expect(gitIn(w.dir, 'rev-parse', 'HEAD').trim()).toBe(base);
    expect(existsSync(mirror)).toBe(false);
    await w.cleanup();
    expect(await cache.mirror('tiny')).toBe(mirror); // made again when a checkout needs it
  });

  it('keeps executable bits and symlinks of the commit in the copied workspace', async () => {
    const r = gitRepo({ 'run.sh': '#!/bin/sh\necho ok\n', 'data.txt': 'x\n' });
    chmodSync(join(r.dir, 'run.sh'), 0o755);
    symlinkSync('data.txt', join(r.dir, 'link.txt'));
    r.git('add', '-A');
    r.git('commit', '-q', '-m', 'mode and link');
    const head = r.git('rev-parse', 'HEAD').trim();
    r.bundle(join(root, 'tasks', 'repos', 'modes.bundle'));
    const w = await createWorkspace({ repoCache: cache, repo: 'modes', baseCommit: head, parentDir: join(root, 'work') });
    const w2 = await createWorkspace({ repoCache: cache, repo: 'modes', baseCommit: head, parentDir: join(root, 'work') });
    expect(statSync(join(w2.dir, 'run.sh')).mode & 0o111).not.toBe(0);
    expect(readlinkSync(join(w2.dir, 'link.txt'))).toBe('data.txt');
    expect(gitIn(w2.dir, 'status', '--porcelain')).toBe('');
    await w.cleanup();
    await w2.cleanup();
    r.cleanup();
  });
});

// Needs nothing from the tests above: its own repository, cache and parent folder, so it can run alone
// (`vitest run -t cleanup`) and checks everything a workspace leaves on disk, not just its folder.
describe('Workspace.cleanup', () => {
  it('removes everything the workspace put under its parent folder (checkout, host git dir, agent files), once, and only that', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fixbench-ws-cleanup-'));
    const repo = gitRepo({ 'a.txt': 'a\n' });
    try {
      repo.bundle(join(root, 'tasks', 'repos', 'solo.bundle'));
      const cache = new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') });
      const parentDir = join(root, 'work');
      const neighbour = join(parentDir, 'not-a-workspace.txt');
      const keep = await createWorkspace({ repoCache: cache, repo: 'solo', baseCommit: repo.commits[0]!, parentDir });
      const ws = await createWorkspace({ repoCache: cache, repo: 'solo', baseCommit: repo.commits[0]!, parentDir });
      writeFileSync(neighbour, 'x');
      // What an agent leaves: new files and folders, a commit, a symlink pointing outside.
      writeFileSync(join(ws.dir, 'new.txt'), 'n\n');
      execFileSync('mkdir', ['-p', join(ws.dir, 'deep/er/still')]);
      symlinkSync(root, join(ws.dir, 'deep', 'out'));
      gitIn(ws.dir, 'add', '-A');
      gitIn(ws.dir, 'commit', '-q', '-m', 'agent');
      expect(existsSync(ws.gitDir)).toBe(true);
      const before = readdirSync(parentDir).sort();
      expect(before).toHaveLength(3); // two workspaces and the neighbour

      await ws.cleanup();
      expect(existsSync(ws.dir)).toBe(false);
      expect(existsSync(ws.gitDir)).toBe(false);
      // Nothing of it is left beside the other entries: its own temporary folder is gone too.
      expect(readdirSync(parentDir).sort()).toEqual(before.filter((e) => !ws.dir.startsWith(join(parentDir, e) + '/')));
      expect(readdirSync(parentDir)).toHaveLength(2);
      // The symlink was removed, not followed; the other workspace and the neighbour are intact.
      expect(existsSync(join(root, 'tasks', 'repos', 'solo.bundle'))).toBe(true);
      expect(readFileSync(join(keep.dir, 'a.txt'), 'utf8')).toBe('a\n');
      expect(existsSync(keep.gitDir)).toBe(true);
      expect(readFileSync(neighbour, 'utf8')).toBe('x');

      await ws.cleanup(); // twice is safe
      await keep.cleanup();
      expect(readdirSync(parentDir)).toEqual(['not-a-workspace.txt']);
    } finally {
      repo.cleanup();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
