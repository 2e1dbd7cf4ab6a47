import { describe, expect, it } from 'vitest';
import { expandBraces, isMatch, MAX_EXPANSIONS } from '../src/index.js';

describe('expandBraces', () => {
  it('returns a pattern without braces unchanged', () => {
    expect(expandBraces('src/*.ts')).toEqual(['src/*.ts']);
  });

  it('expands a list of alternatives', () => {
    expect(expandBraces('src/{a,b,c}.ts')).toEqual(['src/a.ts', 'src/b.ts', 'src/c.ts']);
  });

  it('keeps empty alternatives', () => {
    expect(expandBraces('index{,.min}.js')).toEqual(['index.js', 'index.min.js']);
  });

  it('multiplies several groups in order', () => {
    expect(expandBraces('{a,b}{1,2}')).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(expandBraces('{src,test}/**/*.{js,ts}')).toEqual([
      'src/**/*.js',
      'src/**/*.ts',
      'test/**/*.js',
      'test/**/*.ts',
    ]);
  });

  it('keeps a group without a comma', () => {
    expect(expandBraces('a{b}c')).toEqual(['a{b}c']);
    expect(expandBraces('{x}{1,2}')).toEqual(['{x}1', '{x}2']);
  });

  it('keeps an unclosed brace', () => {
    expect(expandBraces('a{b,c')).toEqual(['a{b,c']);
  });

  it('keeps escaped braces and commas', () => {
    expect(expandBraces('\\{a,b}')).toEqual(['\\{a,b}']);
    expect(expandBraces('{a\\,b,c}')).toEqual(['a\\,b', 'c']);
  });

  it('refuses expansions that are too large', () => {
    const group = '{0,1,2,3,4,5,6,7,8,9}';
    expect(MAX_EXPANSIONS).toBe(10_000);
    expect(() => expandBraces(group.repeat(5))).toThrow(RangeError);
    expect(expandBraces(group.repeat(4))).toHaveLength(10_000);
  });
});

describe('isMatch with braces', () => {
  it('matches any of the alternatives', () => {
    expect(isMatch('src/a.js', 'src/*.{js,ts}')).toBe(true);
    expect(isMatch('src/a.ts', 'src/*.{js,ts}')).toBe(true);
    expect(isMatch('src/a.css', 'src/*.{js,ts}')).toBe(false);
  });

  it('matches alternatives that span segments', () => {
    expect(isMatch('lib/util/x.js', '{src,lib/util}/*.js')).toBe(true);
    expect(isMatch('lib/x.js', '{src,lib/util}/*.js')).toBe(false);
  });
});
