import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binaryPaths, extractPatch, isWorkspaceOverflow, numstatPaths, splitNumstatPatch, WorkspaceOverflowError } from '../../../src/workspace/extract-patch.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';
import type { HostRepo } from '../../../src/workspace/host-git.ts';

describe('extractPatch', () => {
  let repo: GitRepo;
  let base: string;
  let host: HostRepo;

  beforeEach(async () => {
    repo = gitRepo({
      'src/a.js': 'one\ntwo\nthree\n',
      'src/gone.js': 'bye\n',
      'win.txt': 'alpha\r\nbeta\r\n',
      'tail.txt': 'first\n',
      '.gitignore': 'node_modules/\n*.log\n',
    });
    base = repo.head;
    host = await hostRepoOf(repo.dir);
  });
  afterEach(() => {
    repo.cleanup();
    cleanupHostRepos();
  });

  it('returns an empty patch when nothing changed', async () => {
    expect(await extractPatch(host)).toEqual({ patch: '', binaryFilesDropped: 0 });
  });

  it('includes edits, deletions and new untracked files, but not gitignored ones', async () => {
    repo.write({
      'src/a.js': 'one\nTWO\nthree\n',
      'src/gone.js': null,
      'src/new/b.js': 'fresh\n',
      'node_modules/dep/index.js': 'installed\n',
      'debug.log': 'noise\n',
    });
    const { patch, binaryFilesDropped } = await extractPatch(host);
    expect(binaryFilesDropped).toBe(0);
    expect(patch).toContain('diff --git a/src/a.js b/src/a.js\n');
    expect(patch).toContain('-two\n+TWO\n');
    expect(patch).toMatch(/diff --git a\/src\/gone\.js b\/src\/gone\.js\ndeleted file mode 100644\n/);
    expect(patch).toMatch(/diff --git a\/src\/new\/b\.js b\/src\/new\/b\.js\nnew file mode 100644\n[^]*\+fresh\n/);
    expect(patch).not.toContain('node_modules');
    expect(patch).not.toContain('debug.log');
  });

  it('preserves CRLF line endings byte for byte', async () => {
    repo.write({ 'win.txt': 'alpha\r\nBETA\r\n' });
    const { patch } = await extractPatch(host);
    expect(patch).toContain('-beta\r\n+BETA\r\n');
  });

  it('marks a missing final newline and is never trimmed', async () => {
    repo.write({ 'tail.txt': 'first\nsecond' });
    const { patch } = await extractPatch(host);
    expect(patch).toContain('+second\n\\ No newline at end of file\n');
    expect(patch.endsWith('\n')).toBe(true);
  });

  it('drops binary files and counts them, keeping text hunks', async () => {
    repo.write({ 'img.bin': Buffer.from([0, 1, 2, 0, 255]), 'src/a.js': 'one\nzwei\nthree\n' });
    const { patch, binaryFilesDropped } = await extractPatch(host);
    expect(binaryFilesDropped).toBe(1);
    expect(patch).not.toContain('img.bin');
    expect(patch).toContain('+zwei\n');
  });

  it('drops thousands of long-named binary files without one argument per file (no spawn E2BIG), names taken literally', async () => {
    // Attack: ~2.5 MB of binary paths passed as `:(exclude)` arguments overflowed the argument list.
    repo.commit({ 'logo.bin': Buffer.from([0, 9, 9]), 'a.bin': 'text named like a glob match\n' });
    base = repo.head;
    host = await hostRepoOf(repo.dir);
    const dir = 'd'.repeat(200);
    const tree: Record<string, Buffer | string> = { 'logo.bin': Buffer.from([0, 7, 7]), '[ab].bin': Buffer.from([0, 1]), 'a.bin': 'text edited\n' };
    for (let i = 0; i < 9000; i++) tree[`${dir}/bin-${i}-${'p'.repeat(30)}`] = Buffer.from([0, i & 255]);
    repo.write(tree);
    const { patch, binaryFilesDropped } = await extractPatch(host);
    expect(binaryFilesDropped).toBe(9002);
    expect(patch).not.toContain('bin-1-');
    // a modified binary is dropped, not turned into a deletion
    expect(patch).not.toContain('logo.bin');
    // `[ab].bin` is a binary file's literal name, not a glob that would also drop the text file a.bin
    expect(patch).toContain('+text edited\n');
  }, 60_000);

  it('drops a text file that is not valid UTF-8 (its bytes would be replaced) and counts it, keeping the others', async () => {
    repo.commit({ 'latin1.txt': Buffer.from('caf\xe9\n', 'latin1') });
    base = repo.head;
    host = await hostRepoOf(repo.dir);
    repo.write({ 'latin1.txt': Buffer.from('caf\xe9 cr\xe8me\n', 'latin1'), 'src/a.js': 'one\nzwei\nthree\n' });
    const { patch, binaryFilesDropped } = await extractPatch(host);
    expect(binaryFilesDropped).toBe(1);
    expect(patch).not.toContain('latin1.txt');
    expect(patch).not.toContain('\uFFFD');
    expect(patch).toContain('+zwei\n');
  });

  it('refuses a file name that is not valid UTF-8 as the agent\'s fault (it could be neither dropped nor carried)', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(Buffer.concat([Buffer.from(repo.dir + '/bb'), Buffer.from([0xfe]), Buffer.from('.bin')]), Buffer.from([0, 1, 2]));
    await expect(extractPatch(host)).rejects.toThrow(WorkspaceOverflowError);
  });

  it('keeps a UTF-8 file that really holds U+FFFD and multi-byte characters, decoded whole', async () => {
    const text = `${'é'.repeat(40_000)}\n\uFFFD ☕\n`;
    repo.write({ 'src/utf8.txt': text });
    const { patch, binaryFilesDropped } = await extractPatch(host);
    expect(binaryFilesDropped).toBe(0);
    expect(patch).toContain(`+${'é'.repeat(40_000)}\n+\uFFFD ☕\n`);
  });

  it('includes changes the agent committed (diff is against base_commit, not HEAD)', async () => {
    repo.commit({ 'src/a.js': 'one\ncommitted\nthree\n' });
    repo.write({ 'src/b.js': 'uncommitted\n' });
    const { patch } = await extractPatch(host);
    expect(patch).toContain('+committed\n');
    expect(patch).toContain('+uncommitted\n');
  });

  it('leaves the workspace index as it was', async () => {
    repo.write({ 'src/a.js': 'changed\n', 'untracked.js': 'u\n' });
    const before = repo.git('status', '--porcelain');
    await extractPatch(host);
    expect(repo.git('status', '--porcelain')).toBe(before);
    expect(before).toContain('?? untracked.js');
  });

  it('does not run a clean filter an agent configured in .git/config', async () => {
    const marker = join(repo.dir, '..', `pwned-${Date.now()}`);
    repo.git('config', 'filter.evil.clean', `touch ${marker}; cat`);
    repo.write({ '.gitattributes': '* filter=evil\n', 'src/a.js': 'x\n' });
    await extractPatch(host);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('numstatPaths', () => {
  it('lists every path of a -z numstat, tabs in names kept', () => {
    expect(numstatPaths('1\t0\ta.txt\0-\t-\timg.png\0' + '2\t1\tdir/with\ttab.js\0')).toEqual(['a.txt', 'img.png', 'dir/with\ttab.js']);
  });
});

describe('splitNumstatPatch', () => {
  it('splits `diff --numstat -z --patch` at the separator git prints after the records', () => {
    const patch = 'diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-x\n+y\n';
    expect(splitNumstatPatch(`1\t1\ta.txt\0-\t-\tb.bin\0\0${patch}`)).toEqual({ numstat: '1\t1\ta.txt\0-\t-\tb.bin\0', patch });
    expect(splitNumstatPatch('')).toEqual({ numstat: '', patch: '' });
  });
  it('refuses output without the separator', () => {
    expect(() => splitNumstatPatch('1\t1\ta.txt\0diff --git')).toThrow(/no separator/);
  });
  it('gives exactly what the two separate diffs give, on a real repository', () => {
    const r = gitRepo({ 'a b.txt': 'a\nb\n', 'bin.dat': '\u0000\u0001', 'keep.txt': 'k\n' });
    try {
      r.write({ 'a b.txt': 'a\nc\n', 'ü.txt': 'new\n', 'bin.dat': '\u0000\u0002' });
      r.git('add', '-A');
      const d = ['diff', '--cached', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/'];
      const both = splitNumstatPatch(r.git(...d, '--numstat', '-z', '--patch', 'HEAD', '--'));
      expect(both).toEqual({ numstat: r.git(...d, '--numstat', '-z', 'HEAD', '--'), patch: r.git(...d, 'HEAD') });
      expect(binaryPaths(both.numstat)).toEqual(['bin.dat']);
    } finally {
      r.cleanup();
    }
  });
});

describe('binaryPaths', () => {
  it('picks the `-\\t-\\t` records of a -z numstat', () => {
    expect(binaryPaths('1\t0\ta.txt\0-\t-\timg.png\0-\t-\tdir/with space.bin\0')).toEqual(['img.png', 'dir/with space.bin']);
  });
});


describe('isWorkspaceOverflow', () => {
  it('tells an overflow caused by the workspace\'s size from a git failure', () => {
    expect(isWorkspaceOverflow(new Error('Error: spawn E2BIG'))).toBe(true);
    expect(isWorkspaceOverflow(Object.assign(new Error('x'), { code: 'ENOBUFS' }))).toBe(true);
    expect(isWorkspaceOverflow(new RangeError('Invalid string length'))).toBe(true);
    expect(isWorkspaceOverflow(new Error('fatal: bad object 1234'))).toBe(false);
  });
});
