// `workTreeUnchanged` (src/workspace/extract-patch.ts): whether an agent left its workspace as setup
// left it, read without writing (so it answers on a full disk, where `git add` cannot run): an
// unchanged workspace's patch is empty whatever the disk (atkF10 #5: it was infra_error, re-rolled).
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { workTreeUnchanged } from '../../../src/workspace/extract-patch.ts';
import { isNoSpace } from '../../../src/workspace/disk-fill.ts';
import { gitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';

describe('workTreeUnchanged', () => {
  let repo: ReturnType<typeof gitRepo> | undefined;
  afterEach(() => {
    repo?.cleanup();
    cleanupHostRepos();
  });

  it('true for an untouched work tree (a same-content rewrite too); false for an edit, a deletion or a new file', async () => {
    repo = gitRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n', '.gitignore': 'out/\n' });
    const host = await hostRepoOf(repo.dir);
    expect(await workTreeUnchanged(host)).toBe(true);
    writeFileSync(join(repo.dir, 'a.txt'), 'a\n'); // new mtime, same bytes
    expect(await workTreeUnchanged(host)).toBe(true);
    writeFileSync(join(repo.dir, 'a.txt'), 'A\n');
    expect(await workTreeUnchanged(host)).toBe(false);
    writeFileSync(join(repo.dir, 'a.txt'), 'a\n');
    rmSync(join(repo.dir, 'b.txt'));
    expect(await workTreeUnchanged(host)).toBe(false);
    writeFileSync(join(repo.dir, 'b.txt'), 'b\n');
    writeFileSync(join(repo.dir, 'new.txt'), 'n\n');
    expect(await workTreeUnchanged(host)).toBe(false);
  });

  it('false for a changed file git may not be able to read', async () => {
    repo = gitRepo({ 'a.txt': 'a\n' });
    const host = await hostRepoOf(repo.dir);
    writeFileSync(join(repo.dir, 'a.txt'), 'changed\n');
    chmodSync(join(repo.dir, 'a.txt'), 0o000);
    try {
      expect(await workTreeUnchanged(host)).toBe(false);
    } finally {
      chmodSync(join(repo.dir, 'a.txt'), 0o644);
    }
  });

  it("regression: git's own words for a full disk on an index write count as ENOSPC (\"Out of diskspace\": it was an InfraError)", () => {
    expect(isNoSpace(new Error("fatal: sha1 file '/w/host.git/fixbench-index-1.lock' write error. Out of diskspace"))).toBe(true);
  });
});
