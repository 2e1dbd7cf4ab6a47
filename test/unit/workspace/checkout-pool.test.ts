// Workspace copies leave libuv's thread pool room for every other file call of the run: however
// many workspaces are copied at once, at most all but two of the pool's threads copy (checkout.ts
// `bulkIo`). Counted with the real copies: `copyFile` of node:fs/promises is wrapped to count the
// calls in flight.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';

const inFlight = vi.hoisted(() => ({ now: 0, most: 0, calls: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  // the tree's files only (the host git folder's index copy, one per workspace, is not the tree's)
  const copyFile: typeof fs.copyFile = async (...args) => {
    if (String(args[1]).endsWith('/index')) return fs.copyFile(...args);
    inFlight.calls++;
    inFlight.most = Math.max(inFlight.most, ++inFlight.now);
    try {
      return await fs.copyFile(...args);
    } finally {
      inFlight.now--;
    }
  };
  return { ...fs, default: { ...fs, copyFile }, copyFile };
});

const { createWorkspace } = await import('../../../src/workspace/checkout.ts');
const { RepoCache } = await import('../../../src/workspace/repo-cache.ts');

describe('workspace copies and the thread pool', () => {
  let root: string;
  let repo: GitRepo;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'fixbench-ws-pool-'));
    // 60 files: each workspace copy alone could put 60 calls in flight at once.
    const files = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`src/f${i}.js`, `export const v${i} = ${i};\n`]));
    repo = gitRepo(files, [{ 'README.md': 'hi\n' }]);
    repo.bundle(join(root, 'tasks', 'repos', 'many.bundle'));
  });
  afterAll(() => {
    repo.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('copies 8 workspaces at once with at most UV_THREADPOOL_SIZE − 2 file copies in flight (2 by default), every file copied', async () => {
    expect(process.env.UV_THREADPOOL_SIZE).toBeUndefined();
    const cache = new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') });
    const base = repo.commits[1]!;
    // The template is made first (git), so the eight copies below run together.
    await (await createWorkspace({ repoCache: cache, repo: 'many', baseCommit: base, parentDir: join(root, 'work') })).cleanup();
    inFlight.most = 0;
    inFlight.calls = 0;
    const made = await Promise.all(Array.from({ length: 8 }, () => createWorkspace({ repoCache: cache, repo: 'many', baseCommit: base, parentDir: join(root, 'work') })));
    try {
      expect(inFlight.calls).toBeGreaterThanOrEqual(8 * 60);
      expect(inFlight.most).toBe(2);
      for (const ws of made) expect(readFileSync(join(ws.dir, 'src', 'f59.js'), 'utf8')).toBe('export const v59 = 59;\n');
    } finally {
      await Promise.all(made.map((ws) => ws.cleanup()));
    }
  });
});

describe('poolThreads (UV_THREADPOOL_SIZE as libuv reads it)', () => {
  it('reads whole numbers, cuts at the first non-digit, and never gives less than 1 or more than 1024', async () => {
    const { poolThreads } = await import('../../../src/workspace/checkout.ts');
    expect(poolThreads(undefined)).toBe(4);
    expect(poolThreads('16')).toBe(16);
    expect(poolThreads('5.5')).toBe(5);
    expect(poolThreads(' 8')).toBe(8);
    expect(poolThreads('abc')).toBe(1);
    expect(poolThreads('0')).toBe(1);
    expect(poolThreads('-3')).toBe(1);
    expect(poolThreads('99999')).toBe(1024);
  });
});
