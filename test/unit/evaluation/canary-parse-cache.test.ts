// findTests remembers its answer per syntax and file content: each grading of a task parses the
// same hidden test files, and babel's parse was most of the canaries' planning time (bench/RESULTS.md, overhead2).
import { describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ n: 0 }));
vi.mock('@babel/parser', async (importOriginal) => {
  const real = await importOriginal<typeof import('@babel/parser')>();
  return { ...real, parse: (...args: Parameters<typeof real.parse>) => (calls.n++, real.parse(...args)) };
});

const { findTests, FIND_TESTS_CACHE_SIZE } = await import('../../../src/evaluation/canary-parse.ts');

const FILE = `describe('math', () => {\n  it('adds', () => {\n    assert.equal(add(1, 2), 3);\n  });\n});\n`;

describe('findTests: one parse per syntax and content', () => {
  it('parses a file once and answers the same again, as a copy the caller may change', () => {
    const before = calls.n;
    const first = findTests('test/a.test.js', FILE)!;
    expect(calls.n).toBe(before + 1);
    expect(first.map((t) => [t.suites, t.title, t.literals.map((l) => l.value)])).toEqual([[['math'], 'adds', [3]]]);
    first[0]!.title = 'changed';
    first[0]!.literals.length = 0;
    // Same content under another name with the same syntax: no new parse, the unchanged answer.
    const again = findTests('test/b.test.mjs', FILE)!;
    expect(calls.n).toBe(before + 1);
    expect(again[0]!.title).toBe('adds');
    expect(again[0]!.literals.map((l) => l.value)).toEqual([3]);
  });

  it('parses again for other content or another syntax, and remembers files that do not parse', () => {
    const before = calls.n;
    findTests('test/a.test.js', FILE.replace('3);', '4);'));
    expect(calls.n).toBe(before + 1);
    findTests('test/a.test.ts', FILE); // TypeScript plugins: another parse
    expect(calls.n).toBe(before + 2);
    expect(findTests('test/bad.test.js', 'it(("')).toBeNull();
    expect(findTests('test/bad.test.js', 'it(("')).toBeNull();
    expect(calls.n).toBe(before + 3);
  });

  it('forgets the least recently used file past FIND_TESTS_CACHE_SIZE', () => {
    const keep = `it('kept', () => {});\n`;
    findTests('k.test.js', keep);
    for (let i = 0; i < FIND_TESTS_CACHE_SIZE - 1; i++) findTests('f.test.js', `it('t${i}', () => {});\n`);
    findTests('k.test.js', keep); // used again: now the most recent
    const before = calls.n;
    findTests('f.test.js', `it('one more', () => {});\n`); // evicts t0, not kept
    findTests('k.test.js', keep);
    expect(calls.n).toBe(before + 1);
    findTests('f.test.js', `it('t0', () => {});\n`);
    expect(calls.n).toBe(before + 2);
  });
});
