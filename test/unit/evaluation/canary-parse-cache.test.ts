// findTests remembers its answer per syntax and file content: each grading of a task parses the
// same hidden test files, and babel's parse was most of the canaries' planning time (bench/RESULTS.md, overhead2).
// The same parse gives the hook canary's reads of the program (isEsmFile, importFresh: topLevelOf), so
// planning a node:test file's canaries parses each text once (bench/RESULTS.md, perf18).
import { describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ n: 0 }));
vi.mock('@babel/parser', async (importOriginal) => {
  const real = await importOriginal<typeof import('@babel/parser')>();
  return { ...real, parse: (...args: Parameters<typeof real.parse>) => (calls.n++, real.parse(...args)) };
});

const { findTests, readTests, topLevelOf, FIND_TESTS_CACHE_SIZE } = await import('../../../src/evaluation/canary-parse.ts');
const { importFresh, isEsmFile } = await import('../../../src/evaluation/canary-hook-import.ts');
const { planCanaries } = await import('../../../src/evaluation/canary.ts');

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

  it('readTests hands out the remembered answer itself, deeply frozen: a change throws, and a findTests copy changed reaches neither', () => {
    const text = FILE.replace('adds', 'adds up');
    const before = calls.n;
    const view = readTests('test/c.test.js', text)!;
    expect(calls.n).toBe(before + 1);
    expect(readTests('test/d.test.js', text)).toBe(view); // the same object, no copy, no parse
    expect(calls.n).toBe(before + 1);
    expect(view.map((t) => [t.suites, t.title, t.literals.map((l) => l.value)])).toEqual([[['math'], 'adds up', [3]]]);
    const t = view[0]! as { title: string; suites: string[]; literals: { value: unknown }[] };
    expect(() => { t.title = 'x'; }).toThrow(TypeError);
    expect(() => { t.suites.push('x'); }).toThrow(TypeError);
    expect(() => { t.literals[0]!.value = 4; }).toThrow(TypeError);
    expect(() => { (view as unknown[]).length = 0; }).toThrow(TypeError);
    const copy = findTests('test/c.test.js', text)!;
    expect(copy).toEqual(view);
    copy[0]!.title = 'changed';
    copy[0]!.literals[0]!.value = 5;
    expect(view[0]!.title).toBe('adds up');
    expect(view[0]!.literals[0]!.value).toBe(3);
    expect(readTests('test/bad.test.js', 'it(("x')).toBeNull();
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

  it('one parse serves findTests and the hook canary\'s program reads (isEsmFile, importFresh), in either order', () => {
    const esm = `import { describe, it } from 'node:test';\nimport assert from 'node:assert/strict';\n${FILE}`;
    const before = calls.n;
    expect(isEsmFile('test/e.test.js', esm, null)).toBe(true); // parses
    expect(findTests('test/e.test.js', esm)!.map((t) => t.title)).toEqual(['adds']);
    const fresh = importFresh('test/e.test.js', esm, ['describe', 'beforeEach'], true, esm.length)!;
    expect(calls.n).toBe(before + 1);
    // the import goes after the last import declaration, as from a parse of its own
    expect(fresh.text.split('\n')[2]).toMatch(/^import \{ describe as describe_[0-9a-f]{6}, beforeEach as beforeEach_[0-9a-f]{6} \} from 'node:test';$/);
    const cjs = `const { describe, it } = require('node:test');\n${FILE}`;
    expect(findTests('test/c.test.js', cjs)).not.toBeNull(); // parses
    expect(isEsmFile('test/c.test.js', cjs, 'module')).toBe(false);
    expect(importFresh('test/c.test.js', cjs, ['describe'], false, cjs.length)!.text.split('\n')[1]).toMatch(/^const \{ describe: describe_[0-9a-f]{6} \} = require\('node:test'\);$/);
    expect(calls.n).toBe(before + 2);
    // the statements as a copy, with their babel types and spans; null (remembered) when the file does not parse
    const body = topLevelOf('test/c.test.js', cjs)!;
    expect(body.map((s) => [s.type, cjs.slice(s.start, s.end).slice(0, 8)])).toEqual([['VariableDeclaration', 'const { '], ['ExpressionStatement', "describe"]]);
    body[0]!.type = 'changed';
    expect(topLevelOf('test/c.test.js', cjs)![0]!.type).toBe('VariableDeclaration');
    expect(calls.n).toBe(before + 2);
    expect(topLevelOf('test/bad.js', 'it(("')).toBeNull();
    expect(findTests('test/bad.js', 'it(("')).toBeNull();
    expect(calls.n).toBe(before + 3);
  });

  it('plans a node:test file\'s canaries, the hook canary\'s included, with one parse per text: the file and its text with the mutated canaries', () => {
    const file = [
      "const { describe, it } = require('node:test');",
      "const assert = require('node:assert/strict');",
      "const { double } = require('..');",
      '',
      "describe('double', () => {",
      ...['two', 'three', 'four', 'five'].map((w, i) => `  it('doubles ${w}', () => {\n    assert.equal(double(${i + 2}), ${2 * (i + 2)});\n  });\n`),
      '});',
      '',
    ].join('\n');
    const before = calls.n;
    const plan = planCanaries('node:test', new Map([['test/double.test.js', file]]), null);
    if ('unprotected' in plan) throw new Error(plan.unprotected);
    expect(plan.tests.filter((t) => t.hook)).toHaveLength(1); // the hook canary was planned
    expect(plan.texts.get('test/double.test.js')).toMatch(/require\('\.\.'\);\nconst \{ describe: describe_[0-9a-f]{6}, beforeEach: beforeEach_[0-9a-f]{6} \} = require\('node:test'\);/);
    expect(calls.n - before).toBe(2);
  });
});

