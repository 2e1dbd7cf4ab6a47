// listTree: the listing a workspace copy is made from (read once per checkout template): folders
// grouped by depth, parents before children, so the copy can make them level by level.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkspace, listTree } from '../../../src/workspace/checkout.ts';
import { RepoCache } from '../../../src/workspace/repo-cache.ts';
import { gitRepo } from '../../helpers/git-repo.ts';

const root = mkdtempSync(join(tmpdir(), 'fixbench-listtree-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('workspace copies and the cached template listing', () => {
  it('copies every file of the template; a template made again at the same path is listed again', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n', 'src/b.js': 'b\n' });
    try {
      const repoCache = new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') });
      const make = () => createWorkspace({ repoCache, repo: repo.dir, baseCommit: repo.head, parentDir: join(root, 'ws') });
      const first = await make();
      expect(existsSync(join(first.dir, 'src', 'b.js'))).toBe(true);
      // the lean layout every workspace copies: no sample hooks, the objects in one pack (no loose-object folders, no empty objects/info)
      expect(existsSync(join(first.dir, '.git', 'hooks'))).toBe(false);
      expect(readdirSync(join(first.dir, '.git', 'objects')).sort()).toEqual(['pack']);
      expect(readdirSync(join(first.dir, '.git', 'objects', 'pack')).filter((f) => f.endsWith('.pack'))).toHaveLength(1);
      await first.cleanup();
      // the template replaced by another folder (a new inode) holding one more file
      const checkouts = join(root, 'cache', '.checkouts');
      const [name] = readdirSync(checkouts).filter((n) => !n.startsWith('.'));
      const tpl = join(checkouts, name!);
      cpSync(tpl, `${tpl}.new`, { recursive: true });
      writeFileSync(join(`${tpl}.new`, 'src', 'added.js'), 'new\n');
      rmSync(tpl, { recursive: true });
      renameSync(`${tpl}.new`, tpl);
      const second = await make();
      expect(existsSync(join(second.dir, 'src', 'added.js'))).toBe(true);
      await second.cleanup();
    } finally {
      repo.cleanup();
    }
  }, 30_000);
});

describe('listTree', () => {
  it('lists folders by depth, files and symlinks with their targets', async () => {
    const t = join(root, 't1');
    mkdirSync(join(t, 'a', 'b', 'c'), { recursive: true });
    mkdirSync(join(t, 'd'));
    mkdirSync(join(t, 'a', 'e'));
    writeFileSync(join(t, 'top.txt'), 'x');
    writeFileSync(join(t, 'a', 'b', 'c', 'deep.txt'), 'y');
    symlinkSync('../top.txt', join(t, 'd', 'link'));
    symlinkSync('missing', join(t, 'dangling'));
    const l = await listTree(t);
    expect(l.dirs.map((level) => [...level].sort())).toEqual([['a', 'd'], ['a/b', 'a/e'], ['a/b/c']]);
    expect([...l.files].sort()).toEqual(['a/b/c/deep.txt', 'top.txt']);
    expect([...l.links].sort((x, y) => (x.path < y.path ? -1 : 1))).toEqual([
      { path: 'd/link', target: '../top.txt' },
      { path: 'dangling', target: 'missing' },
    ]);
  });

  it('an empty tree has no entries; a missing one throws', async () => {
    mkdirSync(join(root, 'empty'));
    expect(await listTree(join(root, 'empty'))).toEqual({ dirs: [], files: [], links: [] });
    await expect(listTree(join(root, 'nope'))).rejects.toThrow(/ENOENT/);
  });
});
