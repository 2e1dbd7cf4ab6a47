import { describe, expect, it } from 'vitest';
import { isMatch, makeMatcher, toRegExp } from '../src/index.js';

describe('isMatch', () => {
  describe('literals', () => {
    it('matches a path equal to the pattern', () => {
      expect(isMatch('src/index.ts', 'src/index.ts')).toBe(true);
      expect(isMatch('src/index.ts', 'src/index.js')).toBe(false);
    });

    it('matches the whole path, not a part of it', () => {
      expect(isMatch('src/index.ts', 'index.ts')).toBe(false);
      expect(isMatch('src/index.ts.map', 'src/index.ts')).toBe(false);
    });

    it('treats a dot as a dot', () => {
      expect(isMatch('indexxts', 'index.ts')).toBe(false);
    });

    it('ignores a leading ./ in the path', () => {
      expect(isMatch('./src/a.ts', 'src/*.ts')).toBe(true);
    });
  });

  describe('wildcards', () => {
    it('matches any run of characters with *', () => {
      expect(isMatch('src/index.ts', 'src/*.ts')).toBe(true);
      expect(isMatch('src/.ts', 'src/*.ts')).toBe(false);
      expect(isMatch('src/a.test.ts', 'src/*.test.ts')).toBe(true);
      expect(isMatch('Makefile', '*')).toBe(true);
    });

    it('does not let * cross a slash', () => {
      expect(isMatch('src/lib/index.ts', 'src/*.ts')).toBe(false);
      expect(isMatch('src/lib/index.ts', 'src/*/index.ts')).toBe(true);
    });

    it('matches exactly one character with ?', () => {
      expect(isMatch('v1.txt', 'v?.txt')).toBe(true);
      expect(isMatch('v10.txt', 'v?.txt')).toBe(false);
      expect(isMatch('v/.txt', 'v?.txt')).toBe(false);
    });

    it('does not match names starting with a dot unless dot is set', () => {
      expect(isMatch('.env', '*')).toBe(false);
      expect(isMatch('config/.env', 'config/*')).toBe(false);
      expect(isMatch('.env', '?env')).toBe(false);
      expect(isMatch('.env', '*', { dot: true })).toBe(true);
      expect(isMatch('config/.env', 'config/?env', { dot: true })).toBe(true);
    });

    it('matches a dot written in the pattern', () => {
      expect(isMatch('.env', '.*')).toBe(true);
      expect(isMatch('config/.eslintrc.json', 'config/.*.json')).toBe(true);
    });
  });

  describe('character classes', () => {
    it('matches one character of a set or range', () => {
      expect(isMatch('file1.txt', 'file[123].txt')).toBe(true);
      expect(isMatch('file4.txt', 'file[123].txt')).toBe(false);
      expect(isMatch('fileb.txt', 'file[a-c].txt')).toBe(true);
    });

    it('negates a set with ! or ^', () => {
      expect(isMatch('file4.txt', 'file[!123].txt')).toBe(true);
      expect(isMatch('file1.txt', 'file[!123].txt')).toBe(false);
      expect(isMatch('file1.txt', 'file[^0-4].txt')).toBe(false);
    });

    it('never matches a slash, even negated', () => {
      expect(isMatch('a/b', 'a[!x]b')).toBe(false);
    });

    it('allows ] first and escaped characters in a set', () => {
      expect(isMatch(']', '[]]')).toBe(true);
      expect(isMatch('-', '[a\\-z]')).toBe(true);
      expect(isMatch('b', '[a\\-z]')).toBe(false);
    });

    it('treats an unclosed [ as a literal', () => {
      expect(isMatch('[abc', '[abc')).toBe(true);
      expect(isMatch('a[b', 'a[b')).toBe(true);
    });
  });

  describe('escapes', () => {
    it('matches escaped wildcard characters literally', () => {
      expect(isMatch('what?.md', 'what\\?.md')).toBe(true);
      expect(isMatch('whatx.md', 'what\\?.md')).toBe(false);
      expect(isMatch('a*b', 'a\\*b')).toBe(true);
      expect(isMatch('[x]', '\\[x]')).toBe(true);
    });
  });

  describe('options', () => {
    it('matches case-insensitively with nocase', () => {
      expect(isMatch('README.MD', '*.md')).toBe(false);
      expect(isMatch('README.MD', '*.md', { nocase: true })).toBe(true);
    });
  });
});

describe('makeMatcher', () => {
  it('returns a reusable predicate', () => {
    const isTs = makeMatcher('src/*.ts');
    expect(['src/a.ts', 'src/b.js', 'lib/c.ts'].filter(isTs)).toEqual(['src/a.ts']);
  });
});

describe('toRegExp', () => {
  it('anchors the expression', () => {
    const re = toRegExp('*.ts');
    expect(re.test('a.ts')).toBe(true);
    expect(re.test('a.tsx')).toBe(false);
  });

  it('caches compiled patterns per option set', () => {
    expect(toRegExp('*.md')).toBe(toRegExp('*.md'));
    expect(toRegExp('*.md', { nocase: true })).not.toBe(toRegExp('*.md'));
    expect(toRegExp('*.md', { nocase: true }).flags).toBe('i');
  });
});
