// The environment cache: setup runs once per (repo, setup, lock files); a restored workspace holds
// exactly what setup produced; workspaces never write back into the cache.
import { mkdtempSync, rmSync } from 'node:fs';
import { lstat, mkdir, readFile, readdir, readlink, symlink, writeFile, appendFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { EnvCache, defaultCacheDir, type EnvCacheResult } from '../../../src/workspace/env-cache.ts';
import { createWorkspace, RepoCache, runSetup } from '../../../src/workspace/index.ts';
import type { Workspace } from '../../../src/workspace/types.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';
import { InfraError } from '../../../src/core/errors.ts';
import { OWNER_FILE, pidScope, processStart } from '../../../src/core/work-owner.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-envcache-'));
const counter = path.join(root, 'setup-runs');
const sandbox = new LocalSandbox();
let repo: GitRepo;
let repoCache: RepoCache;

// An "install": writes node_modules from the lock file, with a random stamp (so two real runs of
// setup differ), an executable, a relative symlink, and counts its runs in a file outside.
const INSTALL =
  `mkdir -p node_modules/dep/bin && cp package-lock.json node_modules/dep/lock && ` +
  `od -An -N8 -tx8 /dev/urandom > node_modules/dep/stamp && printf '#!/bin/sh\\necho hi\\n' > node_modules/dep/bin/cli && chmod 755 node_modules/dep/bin/cli && ` +
  `ln -s dep/bin/cli node_modules/cli && echo built > dist.txt && echo run >> ${counter}`;

beforeAll(() => {
  repo = gitRepo(
    { 'package.json': '{"name":"demo"}\n', 'package-lock.json': '{"lock":1}\n', 'src/a.js': 'a\n', '.gitignore': 'node_modules/\n' },
    [{ 'src/a.js': 'a2\n' }, { 'package-lock.json': '{"lock":2}\n' }],
  );
  repoCache = new RepoCache({ cacheDir: path.join(root, 'repos'), tasksDir: path.join(root, 'tasks') });
});
afterAll(async () => {
  await sandbox.cleanup();
  repo.cleanup();
  rmSync(root, { recursive: true, force: true });
});

const workspace = (commit: number): Promise<Workspace> => createWorkspace({ repoCache, repo: repo.dir, baseCommit: repo.commits[commit]!, parentDir: path.join(root, 'ws') });

async function setupIn(ws: Workspace, cache: EnvCache, setup = INSTALL): Promise<EnvCacheResult | null> {
  let got: EnvCacheResult | null = null;
  await runSetup(ws, { instance_id: 'demo-1', setup, repo: repo.dir }, sandbox, { envCache: cache, onCache: (r) => (got = r) });
  return got;
}

/** Every path under `dir` (except .git) with its type, mode and content or link target. */
async function tree(dir: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(path.join(dir, rel))).sort()) {
    if (!rel && name === '.git') continue;
    const p = path.join(rel, name);
    const st = await lstat(path.join(dir, p));
    if (st.isSymbolicLink()) out[p] = `link ${await readlink(path.join(dir, p))}`;
    else if (st.isDirectory()) Object.assign(out, { [p]: `dir ${(st.mode & 0o777).toString(8)}` }, await tree(dir, p));
    else out[p] = `file ${(st.mode & 0o777).toString(8)} ${await readFile(path.join(dir, p), 'utf8')}`;
  }
  return out;
}

const runs = async () => (await readFile(counter, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
const status = async (dir: string) => (await execa('git', ['status', '--porcelain', '--ignored'], { cwd: dir })).stdout;

describe('environment cache', () => {
  it('runs setup on a miss, then restores a workspace identical to the one setup made, without running it', async () => {
    const cache = new EnvCache(path.join(root, 'c1'));
    await rm(counter, { force: true });
    const first = await workspace(0);
    expect(await setupIn(first, cache)).toBe('miss');
    const second = await workspace(0);
    expect(await setupIn(second, cache)).toBe('hit');
    expect(await runs()).toBe(1);
    const a = await tree(first.dir);
    expect(a['node_modules/cli']).toBe('link dep/bin/cli');
    expect(a['node_modules/dep/bin/cli']).toMatch(/^file 755 /);
    expect(await tree(second.dir)).toEqual(a);
    // setup output is excluded from the patch in both, the same way
    expect(await status(second.dir)).toBe(await status(first.dir));
    expect(await readFile(path.join(second.gitDir, 'info', 'exclude'), 'utf8')).toMatch(/\/dist\.txt/);
    expect(cache.stats).toEqual({ hit: 1, miss: 1, uncacheable: 0 });
    await first.cleanup();
    await second.cleanup();
  });

  it('a workspace that edits or deletes its restored files leaves the cache intact', async () => {
    const cache = new EnvCache(path.join(root, 'c2'));
    const first = await workspace(0);
    await setupIn(first, cache);
    const expected = await tree(first.dir);
    await first.cleanup();
    const agent = await workspace(0);
    expect(await setupIn(agent, cache)).toBe('hit');
    await appendFile(path.join(agent.dir, 'node_modules/dep/lock'), 'tampered\n');
    await writeFile(path.join(agent.dir, 'node_modules/dep/bin/cli'), 'rm -rf /\n');
    await rm(path.join(agent.dir, 'node_modules/dep/stamp'));
    const later = await workspace(0);
    expect(await setupIn(later, cache)).toBe('hit');
    expect(await tree(later.dir)).toEqual(expected);
    await agent.cleanup();
    await later.cleanup();
  });

  it('keys by lock files, not by commit: same lock at another commit hits, a changed lock misses', async () => {
    const cache = new EnvCache(path.join(root, 'c3'));
    const ws = await Promise.all([workspace(0), workspace(1), workspace(2)]);
    const keys = await Promise.all(ws.map((w) => cache.key(w, repo.dir, INSTALL)));
    expect(keys[1]!.key).toBe(keys[0]!.key);
    expect(keys[2]!.key).not.toBe(keys[0]!.key);
    expect(keys[0]!.lockFiles.map(([f]) => f)).toEqual(['package-lock.json', 'package.json']);
    expect((await cache.key(ws[0]!, repo.dir, 'npm install')).key).not.toBe(keys[0]!.key); // setup command is in the key
    expect((await cache.key(ws[0]!, 'other-repo', INSTALL)).key).not.toBe(keys[0]!.key); // so is the repo
    // so is the task's browser (Chromium's version and flags); no browser leaves the key as it was
    const withBrowser = (b: string | null) => cache.key(ws[0]!, repo.dir, INSTALL, null, null, b).then((x) => x.key);
    expect(await withBrowser(null)).toBe(keys[0]!.key);
    expect(await withBrowser('Chromium 156 --headless')).not.toBe(keys[0]!.key);
    expect(await withBrowser('Chromium 157 --headless')).not.toBe(await withBrowser('Chromium 156 --headless'));
    expect(await setupIn(ws[0]!, cache)).toBe('miss');
    expect(await setupIn(ws[1]!, cache)).toBe('hit');
    expect(await setupIn(ws[2]!, cache)).toBe('miss');
    expect(await readFile(path.join(ws[2]!.dir, 'node_modules/dep/lock'), 'utf8')).toBe('{"lock":2}\n');
    await Promise.all(ws.map((w) => w.cleanup()));
  });

  it('concurrent workspaces of one key run setup once; the others wait and restore', async () => {
    const cache = new EnvCache(path.join(root, 'c4'));
    await rm(counter, { force: true });
    const ws = await Promise.all([workspace(0), workspace(0), workspace(0)]);
    const results = await Promise.all(ws.map((w) => setupIn(w, cache)));
    expect(results.sort()).toEqual(['hit', 'hit', 'miss']);
    expect(await runs()).toBe(1);
    await Promise.all(ws.map((w) => w.cleanup()));
  });

  it('does not cache a setup that changes tracked files, nor one that fails', async () => {
    const cache = new EnvCache(path.join(root, 'c5'));
    const a = await workspace(0);
    expect(await setupIn(a, cache, 'echo patched >> src/a.js')).toBe('uncacheable');
    const b = await workspace(0);
    expect(await setupIn(b, cache, 'echo patched >> src/a.js')).toBe('uncacheable');
    expect(await readFile(path.join(b.dir, 'src/a.js'), 'utf8')).toBe('a\npatched\n');
    const c = await workspace(0);
    await expect(setupIn(c, cache, 'mkdir -p node_modules/x; exit 4')).rejects.toBeInstanceOf(InfraError);
    const d = await workspace(0);
    await expect(setupIn(d, cache, 'mkdir -p node_modules/x; exit 4')).rejects.toThrow(/exited with 4/);
    expect(await readdir(path.join(root, 'c5', 'envs')).catch(() => [])).toEqual([]);
    await Promise.all([a, b, c, d].map((w) => w.cleanup()));
  });

  it('discards a damaged entry and runs setup instead', async () => {
    const cache = new EnvCache(path.join(root, 'c6'));
    const a = await workspace(0);
    await setupIn(a, cache);
    const [key] = await readdir(path.join(root, 'c6', 'envs'));
    await rm(path.join(root, 'c6', 'envs', key!, 'tree', 'node_modules'), { recursive: true });
    await rm(counter, { force: true });
    const b = await workspace(0);
    expect(await setupIn(b, cache)).toBe('miss');
    expect(await runs()).toBe(1);
    expect(await readFile(path.join(b.dir, 'node_modules/dep/lock'), 'utf8')).toBe('{"lock":1}\n');
    await a.cleanup();
    await b.cleanup();
  });

  it("removes the temp folders a killed fixbench left (owner provably gone), never a live writer's, and leaves none of its own", async () => {
    const dir = path.join(root, 'c7');
    const child = execa('true');
    const dead = child.pid!;
    await child;
    const here = await pidScope();
    const leftover = path.join(dir, 'tmp', 'fixbench-env-aaaaaa');
    const live = path.join(dir, 'tmp', 'fixbench-env-bbbbbb');
    for (const [d, owner] of [[leftover, { pid: dead, start: '1', ...here }], [live, { pid: process.ppid, start: await processStart(process.ppid), ...here }]] as const) {
      await mkdir(path.join(d, 'entry', 'tree', 'node_modules'), { recursive: true });
      await writeFile(path.join(d, 'entry', 'tree', 'node_modules', 'big'), 'x'.repeat(1000));
      await writeFile(path.join(d, OWNER_FILE), JSON.stringify(owner));
    }
    const cache = new EnvCache(dir);
    const ws = await workspace(0);
    expect(await setupIn(ws, cache)).toBe('miss');
    expect((await readdir(path.join(dir, 'tmp'))).sort()).toEqual(['fixbench-env-bbbbbb']);
    expect(await readdir(path.join(dir, 'envs'))).toHaveLength(1);
    await ws.cleanup();
  });

  // Trust (DESIGN.md §11): a restore never writes through a link in the checkout, and entries are
  // namespaced by tasks folder and keyed by the tree's symlinks.
  describe('never follows a link in the workspace', () => {
    // src/ is tracked, so the entry holds "src/pwned.sh" (and "lib/", a new folder).
    const PLANT = 'echo pwned > src/pwned.sh && mkdir -p lib && echo pwned > lib/pwned.sh';
    const storeEntry = async (cache: EnvCache): Promise<void> => {
      const a = await workspace(0);
      expect(await cache.provide(a, { repo: repo.dir, setup: PLANT }, async () => { await execa('sh', ['-c', PLANT], { cwd: a.dir }); })).toBe('miss');
      await a.cleanup();
    };

    it('refuses to restore through a symlink where a restored folder belongs: setup runs instead, with a note, and the host folder stays empty', async () => {
      const cache = new EnvCache(path.join(root, 'c7'));
      await storeEntry(cache);
      const outside = mkdtempSync(path.join(root, 'outside-'));
      const b = await workspace(0);
      await rm(path.join(b.dir, 'src'), { recursive: true });
      await symlink(outside, path.join(b.dir, 'src')); // as a tracked link `src -> /host/folder` of another commit would be
      const notes: string[] = [];
      let ran = 0;
      expect(await cache.provide(b, { repo: repo.dir, setup: PLANT }, async () => { ran++; }, (n) => notes.push(n))).toBe('miss');
      expect(ran).toBe(1);
      expect(notes.join('\n')).toMatch(/not restored: "src" in the workspace is a symlink \(above "src\/pwned.sh"\)/);
      expect(await readdir(outside)).toEqual([]);
      await b.cleanup();
    });

    it('refuses to restore onto a path that already exists (a link there would be copied into)', async () => {
      const cache = new EnvCache(path.join(root, 'c8'));
      await storeEntry(cache);
      const outside = mkdtempSync(path.join(root, 'outside-'));
      const b = await workspace(0);
      await symlink(path.join(outside, 'x'), path.join(b.dir, 'src', 'pwned.sh'));
      const notes: string[] = [];
      expect(await cache.provide(b, { repo: repo.dir, setup: PLANT }, async () => {}, (n) => notes.push(n))).toBe('miss');
      expect(notes.join("\n")).toMatch(/"src\/pwned.sh" already exists/);
      expect(await readdir(outside)).toEqual([]);
      await b.cleanup();
    });

    it('keys by the tree\'s tracked symlinks and by the tasks folder (origin)', async () => {
      const cache = new EnvCache(path.join(root, 'c9'));
      const linked = gitRepo({ 'package-lock.json': '{"lock":1}\n', 'src/a.js': 'a\n' });
      try {
        const rc = new RepoCache({ cacheDir: path.join(root, 'repos-linked'), tasksDir: path.join(root, 'tasks') });
        await execa('sh', ['-c', 'ln -s /tmp lib && git add lib && git -c user.name=t -c user.email=t@t commit -qm link'], { cwd: linked.dir });
        const head = (await execa('git', ['rev-parse', 'HEAD'], { cwd: linked.dir })).stdout.trim();
        const plain = await createWorkspace({ repoCache: rc, repo: linked.dir, baseCommit: linked.commits[0]!, parentDir: path.join(root, 'ws') });
        const withLink = await createWorkspace({ repoCache: rc, repo: linked.dir, baseCommit: head, parentDir: path.join(root, 'ws') });
        const k = (ws: Workspace, origin: string | null = null) => cache.key(ws, 'r', 's', origin).then((x) => x.key);
        expect(await k(plain)).not.toBe(await k(withLink));
        expect((await cache.key(withLink, 'r', 's')).links).toEqual([['lib', expect.stringMatching(/^[0-9a-f]{40}$/)]]);
        expect(await k(plain, '/suite/tasks')).not.toBe(await k(plain, '/foreign/tasks'));
        expect(await k(plain, '/suite/tasks')).toBe(await k(plain, '/suite/tasks'));
        await plain.cleanup();
        await withLink.cleanup();
      } finally {
        linked.cleanup();
      }
    });
  });

  it('lives in a user cache folder: $FIXBENCH_CACHE_DIR, else $XDG_CACHE_HOME/fixbench, else ~/.cache/fixbench', () => {
    expect(defaultCacheDir({ FIXBENCH_CACHE_DIR: '/x/y' })).toBe('/x/y');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/fixbench');
    expect(defaultCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'fixbench'));
  });
});
