import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { protectTestFiles, testPatchFiles } from '../../../src/evaluation/protect-tests.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';

const TEST_PATCH = [
  'diff --git a/test/existing.test.js b/test/existing.test.js',
  'index 1111111..2222222 100644',
  '--- a/test/existing.test.js',
  '+++ b/test/existing.test.js',
  '@@ -1 +1,2 @@',
  ' original test',
  '+hidden assertion',
  'diff --git a/test/hidden.test.js b/test/hidden.test.js',
  'new file mode 100644',
  'index 0000000..3333333',
  '--- /dev/null',
  '+++ b/test/hidden.test.js',
  '@@ -0,0 +1 @@',
  '+hidden test',
  '',
].join('\n');

describe('testPatchFiles', () => {
  it('lists the files a test patch modifies and the ones it creates', () => {
    expect(testPatchFiles(TEST_PATCH)).toEqual({ modifies: ['test/existing.test.js'], creates: ['test/hidden.test.js'] });
  });
});

describe('protectTestFiles', () => {
  let repo: GitRepo;
  beforeEach(() => {
    repo = gitRepo({ 'test/existing.test.js': 'original test\n', 'src/lib.js': 'lib\n' });
  });
  afterEach(() => {
    repo.cleanup();
    cleanupHostRepos();
  });
  const read = (p: string): string => readFileSync(join(repo.dir, p), 'utf8');

  it('restores a test file the model edited that test.patch modifies, and reports it', async () => {
    repo.write({ 'test/existing.test.js': 'assert(true) // model weakened the test\n' });
    expect(await protectTestFiles(await hostRepoOf(repo.dir), repo.head, TEST_PATCH)).toEqual(['test/existing.test.js']);
    expect(read('test/existing.test.js')).toBe('original test\n');
  });

  it('deletes a file the model created that test.patch creates, and reports it', async () => {
    repo.write({ 'test/hidden.test.js': 'model-written stand-in\n' });
    expect(await protectTestFiles(await hostRepoOf(repo.dir), repo.head, TEST_PATCH)).toEqual(['test/hidden.test.js']);
    expect(existsSync(join(repo.dir, 'test/hidden.test.js'))).toBe(false);
  });

  it('restores a test file the model deleted', async () => {
    repo.write({ 'test/existing.test.js': null });
    expect(await protectTestFiles(await hostRepoOf(repo.dir), repo.head, TEST_PATCH)).toEqual(['test/existing.test.js']);
    expect(read('test/existing.test.js')).toBe('original test\n');
  });

  it('reports nothing and changes nothing when the model left test files alone; source edits are kept', async () => {
    repo.write({ 'src/lib.js': 'fixed lib\n' });
    expect(await protectTestFiles(await hostRepoOf(repo.dir), repo.head, TEST_PATCH)).toEqual([]);
    expect(read('src/lib.js')).toBe('fixed lib\n');
    expect(read('test/existing.test.js')).toBe('original test\n');
  });

  it('judges against base_commit even when the model committed its edit', async () => {
    const base = repo.head;
    repo.commit({ 'test/existing.test.js': 'committed weakening\n' });
    expect(await protectTestFiles(await hostRepoOf(repo.dir), base, TEST_PATCH)).toEqual(['test/existing.test.js']);
    expect(read('test/existing.test.js')).toBe('original test\n');
  });

  it('ignores paths that escape the repository', async () => {
    const evil = '--- a/../outside.txt\n+++ b/../outside.txt\n@@ -1 +1 @@\n-a\n+b\n';
    expect(await protectTestFiles(await hostRepoOf(repo.dir), repo.head, evil)).toEqual([]);
  });
});
