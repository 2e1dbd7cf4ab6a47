import { describe, expect, it } from 'vitest';
import { filter, matchesAny } from '../src/index.js';

const files = [
  'README.md',
  'src/index.ts',
  'src/match.ts',
  'src/match.test.ts',
  'src/util/strings.ts',
  'docs/guide.md',
  '.github/workflows/ci.yml',
];

describe('filter', () => {
  it('keeps the paths that match a pattern, in order', () => {
    expect(filter(files, 'src/*.ts')).toEqual(['src/index.ts', 'src/match.ts', 'src/match.test.ts']);
  });

  it('keeps the paths that match any of several patterns', () => {
    expect(filter(files, ['*.md', 'docs/*.md'])).toEqual(['README.md', 'docs/guide.md']);
  });

  it('drops the paths that match a negated pattern', () => {
    expect(filter(files, ['src/*.ts', '!*/*.test.ts'])).toEqual(['src/index.ts', 'src/match.ts']);
  });

  it('keeps everything not excluded when all patterns are negated', () => {
    expect(filter(files, ['!src/*', '!src/*/*', '!.github/*/*'])).toEqual(['README.md', 'docs/guide.md']);
  });

  it('reads an escaped ! as a literal', () => {
    expect(filter(['!important.txt', 'important.txt'], '\\!*.txt')).toEqual(['!important.txt']);
  });

  it('passes options to every pattern', () => {
    expect(filter(['A.MD', 'b.md', '.hidden.md'], '*.md', { nocase: true })).toEqual(['A.MD', 'b.md']);
    expect(filter(['A.MD', 'b.md', '.hidden.md'], '*.md', { dot: true })).toEqual(['b.md', '.hidden.md']);
  });

  it('accepts any iterable of paths', () => {
    expect(filter(new Set(['a.js', 'b.ts']), '*.ts')).toEqual(['b.ts']);
  });

  it('rejects empty patterns', () => {
    expect(() => filter(files, '')).toThrow(TypeError);
    expect(() => filter(files, ['*.md', '!'])).toThrow(TypeError);
  });
});

describe('matchesAny', () => {
  it('tells whether one path passes the patterns', () => {
    expect(matchesAny('src/index.ts', ['src/*', '!**/*.test.ts'])).toBe(true);
    expect(matchesAny('src/a.test.ts', ['src/*', '!*/*.test.ts'])).toBe(false);
  });
});
