import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPatch } from '../../../src/evaluation/apply-patch.ts';
import { gitRepo, type FileTree, type GitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';

const lines = (n: number, f = (i: number) => `line ${i}`): string => Array.from({ length: n }, (_, i) => f(i + 1) + '\n').join('');

/** The diff that turns the repo's HEAD into `files` (computed with git, then undone). */
function patchFor(repo: GitRepo, files: FileTree): string {
  repo.write(files);
  repo.git('add', '--all');
  const patch = repo.git('diff', '--cached', '--no-color', 'HEAD');
  repo.git('reset', '--quiet', '--hard', 'HEAD');
  repo.git('clean', '-fdq');
  return patch;
}

describe('applyPatch', () => {
  let repo: GitRepo;
  beforeEach(() => {
    repo = gitRepo({ 'a.txt': lines(20), 'win.txt': 'one\r\ntwo\r\nthree\r\n', '.gitignore': 'node_modules/\n' });
  });
  afterEach(() => {
    repo.cleanup();
    cleanupHostRepos();
  });
  const read = (p: string): string => readFileSync(join(repo.dir, p), 'utf8');
  const status = (): string => repo.git('status', '--porcelain');

  it('applies a clean patch with plain git apply', async () => {
    const patch = patchFor(repo, { 'a.txt': lines(20).replace('line 5\n', 'LINE 5\n'), 'new/b.txt': 'b\n' });
    const res = await applyPatch(await hostRepoOf(repo.dir), patch);
    expect(res).toMatchObject({ ok: true, strategy: 'git apply' });
    expect(read('a.txt')).toContain('LINE 5\n');
    expect(read('new/b.txt')).toBe('b\n');
  });

  it('falls back to git apply --3way when the context moved but the preimage blob is known', async () => {
    // Patch made against an older version; HEAD changed a nearby context line since.
    const patch = patchFor(repo, { 'a.txt': lines(20).replace('line 10\n', 'LINE 10\n') });
    repo.commit({ 'a.txt': lines(20).replace('line 7\n', 'line seven\n') });
    const res = await applyPatch(await hostRepoOf(repo.dir), patch);
    expect(res).toMatchObject({ ok: true, strategy: 'git apply --3way' });
    expect(read('a.txt')).toBe(lines(20).replace('line 7\n', 'line seven\n').replace('line 10\n', 'LINE 10\n'));
  });

  it('falls back to patch --fuzz when a context line differs and no blob is recorded', async () => {
    const patch = [
      '--- a/a.txt',
      '+++ b/a.txt',
      '@@ -2,7 +2,7 @@',
      ' line 2 (as the model remembered it)',
      ' line 3',
      ' line 4',
      '-line 5',
      '+FUZZED 5',
      ' line 6',
      ' line 7',
      ' line 8',
      '',
    ].join('\n');
    const res = await applyPatch(await hostRepoOf(repo.dir), patch);
    expect(res).toMatchObject({ ok: true, strategy: 'patch --fuzz' });
    expect(read('a.txt')).toBe(lines(20).replace('line 5\n', 'FUZZED 5\n'));
    expect(res.log).toContain('$ git apply --whitespace=nowarn');
    expect(existsSync(join(repo.dir, 'a.txt.orig'))).toBe(false);
  });

  it('falls back to git apply --recount for an LLM-written diff whose @@ counts are wrong, before patch --fuzz', async () => {
    // The header claims 2 old and 2 new lines; the body has 5 and 5.
    // After another entry's hunk: --recount alone would read the plain `--- ` header as a removed line.
    const before = 'diff --git a/new.txt b/new.txt\nnew file mode 100644\n--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+new\n';
    const patch = before + ['--- a/a.txt', '+++ b/a.txt', '@@ -3,2 +3,2 @@', ' line 3', ' line 4', '-line 5', '+RECOUNTED 5', ' line 6', ' line 7', ''].join('\n');
    const res = await applyPatch(await hostRepoOf(repo.dir), patch);
    expect(read('new.txt')).toBe('new\n');
    expect(res).toMatchObject({ ok: true, strategy: 'git apply --recount', unsafeEntriesDropped: 0 });
    expect(read('a.txt')).toBe(lines(20).replace('line 5\n', 'RECOUNTED 5\n'));
    expect(res.log).toMatch(/\$ git apply --whitespace=nowarn[^]*\[failed\][^]*\$ git apply --3way[^]*\[failed\][^]*\$ git apply --recount --whitespace=nowarn[^]*\[applied\]/);
    expect(res.log).not.toContain('$ patch ');
  });

  it('drops entries leaving the work tree before any strategy, counts and logs them, and applies the rest', async () => {
    const evil = 'diff --git a/.git/config b/.git/config\n--- a/.git/config\n+++ b/.git/config\n@@ -1 +1,2 @@\n [core]\n+\tfsmonitor = touch /tmp/pwned\n';
    const good = patchFor(repo, { 'a.txt': lines(20).replace('line 5\n', 'LINE 5\n') });
    const gitConfig = readFileSync(join(repo.dir, '.git', 'config'), 'utf8');
    const res = await applyPatch(await hostRepoOf(repo.dir), evil + good);
    expect(res).toMatchObject({ ok: true, strategy: 'git apply', unsafeEntriesDropped: 1 });
    expect(res.log).toMatch(/^unsafe entry: dropped the change to "\.git\/config": a path into a \.git folder/);
    expect(readFileSync(join(repo.dir, '.git', 'config'), 'utf8')).toBe(gitConfig);
    expect(read('a.txt')).toContain('LINE 5\n');
  });

  it('fails cleanly when no strategy applies, leaving the tree as it was (ignored files kept)', async () => {
    mkdirSync(join(repo.dir, 'node_modules'));
    writeFileSync(join(repo.dir, 'node_modules/dep.js'), 'installed\n');
    const good = patchFor(repo, { 'created.txt': 'c\n' });
    const bad = ['--- a/a.txt', '+++ b/a.txt', '@@ -1,3 +1,3 @@', ' nothing', '-like', '+this', ''].join('\n');
    const res = await applyPatch(await hostRepoOf(repo.dir), good + bad);
    expect(res).toMatchObject({ ok: false, strategy: null });
    expect(status()).toBe('');
    expect(existsSync(join(repo.dir, 'created.txt'))).toBe(false);
    expect(read('node_modules/dep.js')).toBe('installed\n');
    expect(res.log).toMatch(/git apply --3way[^]*patch --batch/);
  });

  it('never reverses an already-applied patch (patch --forward refuses it; the file keeps the change)', async () => {
    const patch = patchFor(repo, { 'a.txt': lines(20).replace('line 3\n', 'THREE\n') });
    repo.commit({ 'a.txt': lines(20).replace('line 3\n', 'THREE\n') });
    const viaPatch = await applyPatch(await hostRepoOf(repo.dir), patch, { strategies: ['patch --fuzz'] });
    expect(viaPatch.ok).toBe(false);
    expect(read('a.txt')).toContain('THREE\n');
    // The full chain may accept it as a no-op 3-way merge, but never undoes it.
    await applyPatch(await hostRepoOf(repo.dir), patch);
    expect(read('a.txt')).toBe(lines(20).replace('line 3\n', 'THREE\n'));
  });

  it('refuses a patch written backwards (its + lines already there) with every strategy, never undoing it', async () => {
    const forward = patchFor(repo, { 'a.txt': lines(20).replace('line 3\n', 'THREE\n') }).replace(/^index .*\n/m, '');
    const backwards = forward.replace('-line 3\n+THREE\n', '-THREE\n+line 3\n');
    const res = await applyPatch(await hostRepoOf(repo.dir), backwards);
    expect(res).toMatchObject({ ok: false, strategy: null });
    expect(res.log).toContain('Reversed (or previously applied) patch detected!  Skipping patch.');
    expect(read('a.txt')).toBe(lines(20));
  });

  it('keeps CRLF line endings of a CRLF file', async () => {
    const patch = patchFor(repo, { 'win.txt': 'one\r\nTWO\r\nthree\r\n' });
    expect(patch).toContain('+TWO\r\n');
    const res = await applyPatch(await hostRepoOf(repo.dir), patch);
    expect(res).toMatchObject({ ok: true, strategy: 'git apply' });
    expect(readFileSync(join(repo.dir, 'win.txt'))).toEqual(Buffer.from('one\r\nTWO\r\nthree\r\n'));
  });

  it('appends the missing final newline of a patch before applying', async () => {
    const patch = patchFor(repo, { 'a.txt': lines(20).replace('line 20\n', 'last\n') });
    const res = await applyPatch(await hostRepoOf(repo.dir), patch.replace(/\n$/, ''));
    expect(res).toMatchObject({ ok: true, strategy: 'git apply' });
    expect(read('a.txt').endsWith('last\n')).toBe(true);
  });

  it('applies a change to a file without a final newline', async () => {
    repo.commit({ 'nonl.txt': 'a\nb' });
    const patch = patchFor(repo, { 'nonl.txt': 'a\nB' });
    expect(patch).toContain('\\ No newline at end of file');
    expect((await applyPatch(await hostRepoOf(repo.dir), patch)).ok).toBe(true);
    expect(read('nonl.txt')).toBe('a\nB');
  });
});
