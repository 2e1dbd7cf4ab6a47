import { describe, expect, it } from 'vitest';
import { cleanName, joinId, repoRelativeFile } from '../../../src/evaluation/parse/names.ts';

describe('cleanName', () => {
  it.each([
    ['jest: " (5 ms)"', 'adds (5 ms)', 'adds'],
    ['mocha spec: " (12ms)"', 'adds (12ms)', 'adds'],
    ['node spec: " (0.512ms)"', 'adds (0.512ms)', 'adds'],
    ['jest past a second: " (1.002 s)"', 'adds (1.002 s)', 'adds'],
    ['brackets: " [1.2s]"', 'adds [1.2s]', 'adds'],
    ['vitest verbose: bare " 12ms"', 'adds 12ms', 'adds'],
    ['vitest past a second: bare " 1.02s"', 'adds 1.02s', 'adds'],
    ['microseconds: " (3µs)"', 'adds (3µs)', 'adds'],
    ['ANSI codes around the duration (vitest colours it)', 'adds \u001b[2m12ms\u001b[22m', 'adds'],
    ['ANSI codes in the name', '\u001b[32m✓ adds\u001b[39m', '✓ adds'],
    ['surrounding whitespace', '  adds  ', 'adds'],
  ])('removes %s', (_what, raw, clean) => {
    expect(cleanName(raw)).toBe(clean);
  });

  it.each([
    ['a unit in brackets without a number', 'times out after 5 (ms)'],
    ['a bare duration with a space', 'waits 5 ms'],
    ['bare whole seconds', 'retries 3s'],
    ['a duration not at the end', 'waits (12ms) then retries'],
    ['a name that is only a duration', '12ms'],
    ['a unit that is not a time', 'moves (2m)'],
    ['a duration glued to the word before', 'timeout(12ms)'],
    ['a count in brackets', 'reads [3] items'],
  ])('keeps %s', (_what, raw) => {
    expect(cleanName(raw)).toBe(raw);
  });

  it('removes one duration only: a runner appends one', () => {
    expect(cleanName('adds (1ms) (2ms)')).toBe('adds (1ms)');
  });
});

describe('joinId', () => {
  it('joins with " > " and leaves out empty parts', () => {
    expect(joinId(['test/a.test.js', '', 'add', 'adds'])).toBe('test/a.test.js > add > adds');
  });
});

describe('repoRelativeFile', () => {
  const roots = ['/tmp/ws-link/repo', '/private/tmp/ws/repo'];
  it.each([
    ['an absolute path under the first root', '/tmp/ws-link/repo/test/a.test.js', 'test/a.test.js'],
    ['an absolute path under another root (symlinks resolved)', '/private/tmp/ws/repo/test/a.test.js', 'test/a.test.js'],
    ['a file:// URL', 'file:///tmp/ws-link/repo/test/a%20b.test.js', 'test/a b.test.js'],
    ['a relative path, normalised', './test//a.test.js', 'test/a.test.js'],
    ['backslashes', 'test\\a.test.js', 'test/a.test.js'],
    ['a path outside every root, kept absolute', '/elsewhere/a.test.js', '/elsewhere/a.test.js'],
    ['a sibling folder whose name starts like the root', '/tmp/ws-link/repo2/a.test.js', '/tmp/ws-link/repo2/a.test.js'],
    ['a file whose name starts with ".."', '/tmp/ws-link/repo/..a.test.js', '..a.test.js'],
  ])('%s', (_what, file, id) => {
    expect(repoRelativeFile(file, roots)).toBe(id);
  });
});
