// A node:test file of three tests (two with expected literals) and its task's lists, shared by the canary tests.
import { respellJs, respellPython } from '../../../src/evaluation/canary-respell.ts';

/** test/p.test.js: `parse > parses hours`, `parse > parses minutes` (literals), `parse > rejects empty input` (none). */
export const PARSE_FILE = [
  "const { describe, it } = require('node:test');",
  "const assert = require('node:assert/strict');",
  "const { parse } = require('../src');",
  "describe('parse', () => {",
  "  it('parses hours', () => {",
  "    assert.equal(parse('1h'), 3600000);",
  "  });",
  "  it('parses minutes', () => {",
  "    assert.deepEqual(parse.all('2m'), [120000, 'ms']);",
  "  });",
  "  it('rejects empty input', () => assert.throws(() => parse('')));",
  "});",
  "",
].join('\n');

/** FAIL_TO_PASS `parses minutes`, PASS_TO_PASS `parses hours`, no test.patch. */
export const PARSE_TASK = { FAIL_TO_PASS: ['test/p.test.js > parse > parses minutes'], PASS_TO_PASS: ['test/p.test.js > parse > parses hours'], test_patch: '' };

/**
 * Whether `copy` is `original` with exactly one literal written otherwise (canary-respell.ts
 * `respellJs`, or `respellPython` with `python`): the one stretch where they differ, widened to
 * whole tokens (word characters, points and the stretch's quotes), is a literal and its respelling.
 */
export function oneRespelled(original: string, copy: string, python = false): boolean {
  if (original === copy) return false;
  let s = 0;
  while (s < original.length && s < copy.length && original[s] === copy[s]) s++;
  let e = 0;
  while (e < original.length - s && e < copy.length - s && original[original.length - 1 - e] === copy[copy.length - 1 - e]) e++;
  const word = /[\w.]/;
  while (s > 0 && word.test(original[s - 1]!)) s--;
  while (e > 0 && word.test(original[original.length - e]!)) e--;
  const [a, b] = [original.slice(s, original.length - e), copy.slice(s, copy.length - e)];
  return (python ? respellPython(a) : respellJs(a)) === b;
}

/**
 * The groups' third members (canary-group.ts) among a plan's `tests`: a copy whose original already
 * has a must-fail copy before it (the planners list a group's mutant, then its third member).
 */
export function thirdsOf<T extends { original?: string; must: string }>(tests: readonly T[]): T[] {
  return tests.filter((t, i) => t.original !== undefined && tests.slice(0, i).some((u) => u.original === t.original && u.must === 'FAILED'));
}

/** `tests` without the groups' third members: the originals' mutants and the passing copy. */
export function withoutThirds<T extends { original?: string; must: string }>(tests: readonly T[]): T[] {
  const thirds = thirdsOf(tests);
  return tests.filter((t) => !thirds.includes(t));
}
