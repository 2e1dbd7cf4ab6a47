// The fast path for TAP's YAML diagnostics (issue 18): what it reads, it reads as tap-yaml does;
// everything else goes to tap-yaml; tap-parser's decisions (garbage blocks, pragma +strict) are
// unchanged.
import { describe, expect, it } from 'vitest';
import tapYaml, { parse as tapYamlParse } from 'tap-yaml';
import { Parser } from 'tap-parser';
import { parseSimpleYamlish } from '../../../src/evaluation/parse/tap-yaml-fast.ts';
import { parseTap } from '../../../src/evaluation/parse/tap.ts';
import { ReportParseError } from '../../../src/evaluation/parse/types.ts';

/** tap-yaml's answer, or 'error' when it throws (tap-yaml's named export: the original, never the fast path). */
const slow = (text: string): unknown => {
  try {
    return tapYamlParse(text);
  } catch {
    return 'error';
  }
};

describe('parseSimpleYamlish', () => {
  it('reads the blocks node --test writes, as tap-yaml does', () => {
    for (const text of [
      '  duration_ms: 24.150351\n',
      '      duration_ms: 0.5\n      type: \'suite\'\n',
      'duration_ms: 0\ntype: \'test\'\n',
      'a: -0\n', 'a: 1.50\n', 'a: 123456789012345\n', 'a: 0.12345678901234567\n', 'a: -7\n',
      "a: 'x: y # z, [b] {c} & *d !e %f @g `h \\\\n'\n", "a: ''\n", "a: ' lead and trail '\n", "a: 'it''s'\n", 'a: "it\'s"\n',
      // a failure, as node --test writes it
      "  duration_ms: 6.140704\n  location: '/tmp/f.test.mjs:3:1'\n  failureType: 'testCodeFailure'\n  error: |-\n    Expected values to be strictly equal:\n    \n    2 !== 3\n    \n" +
        "  code: 'ERR_ASSERTION'\n  name: 'AssertionError'\n  expected: 3\n  actual: 2\n  operator: 'strictEqual'\n  stack: |-\n    TestContext.<anonymous> (file:///tmp/f.test.mjs:3:25)\n    async Test.run (node:internal/test_runner/test:796:25)\n",
      'a: |-\n  x\n\n   indented more\n  \n\tn: 1\n'.replace('\tn: 1\n', ''), 'a: |-\n  x\tand tab\nb: 1\n',
      `  ${'k'.repeat(1024)}: 1\n`, // YAML's longest implicit key
    ]) {
      const fast = parseSimpleYamlish(text);
      expect(fast, text).toBeDefined();
      expect(fast).toStrictEqual(slow(text));
      expect(Object.is((fast as Record<string, unknown>).a, (slow(text) as Record<string, unknown>)?.a)).toBe(true);
    }
  });

  it('leaves every other block to tap-yaml (nested maps, other block scalars, odd numbers or strings, special or repeated keys, mixed indentation)', () => {
    for (const text of [
      '', 'a: 1', // no final newline
      'a: 1e3\n', 'a: 012\n', 'a: 0x1f\n', 'a: .5\n', 'a: 1.\n', 'a: 1234567890123456\n', 'a: +1\n',
      'a: 2001-12-14\n', 'a: yes\n', 'a: plain\n', "a: 'tab\there'\n", "a: 'é'\n",
      'null: 1\n', 'True: 1\n', 'FALSE: 1\n', '__proto__: 1\n', 'a: 1\na: 2\n', '  a: 1\n    b: 2\n', '  a: 1\nb: 2\n',
      "a: |-\n   starts indented\n", 'a: |-\n  x\n      \n', 'a: |-\n  x\n  \t\n', 'a: |-\n\n  x\n', 'a: |-\n', 'a: |-\nb: 1\n', 'a: |-\n  é\n', 'a: |\n  x\n', 'a: >-\n  x\n',
      "  expected:\n    a:\n      0: 1\n", 'a: "with \\\\ escape"\n', 'a: "x"y"\n', "a: 'x'y'\n",
      'a:  1\n', 'a : 1\n', 'a: 1 \n', 'a: 1 # c\n', '- a\n', '\ta: 1\n', 'a: 1\n\n', '0a: 1\n', 'a-b: 1\n',
      `a: 1\n${'k'.repeat(1025)}: 2\n`, `  ${'k'.repeat(1025)}: 'x'\n`, // an implicit key over 1024 characters: tap-yaml rejects it
    ]) expect(parseSimpleYamlish(text), JSON.stringify(text)).toBeUndefined();
  });

  it('agrees with tap-yaml on random lines of the simple shape and near it', () => {
    let seed = Number(process.env.FAST_SEED ?? 42);
    // mulberry32: a seeded generator (the same cases every run)
    const rnd = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
    };
    const from = (xs: readonly string[]) => xs[rnd(xs.length)]!;
    const chars = (xs: string, max: number) => Array.from({ length: rnd(max + 1) }, () => xs[rnd(xs.length)]).join('');
    const value = (indent: string) => rnd(2) === 0
      ? `${from(['', '', '-', '+'])}${chars('0123456789', 17)}${from(['', '', '.', '.', 'e'])}${chars('0123456789', 18)}`
      : rnd(3) === 0
        ? `|-\n${Array.from({ length: 1 + rnd(4) }, () => `${indent}${from(['  ', '  ', '  ', '   ', ' ', '', '\t'])}${chars("ab #:'\\\"-\t ", 5)}`).join('\n')}`
        : `${from(["'", "'", '"'])}${chars("ab #:'\\\"-\t", 6)}${from(["'", "'", '"', ''])}`;
    const line = (indent: string) => `${indent}${from(['duration_ms', 'type', 'a', 'null', 'x_1', 'a'])}${from([': ', ': ', ': ', ':  ', ' : ', ':'])}${value(indent)}${from(['\n', '\n', '\n', ' \n'])}`;
    let read = 0;
    let blocks = 0;
    for (let i = 0; i < Number(process.env.FAST_N ?? 5000); i++) {
      const indent = from(['', '  ', '    ']);
      const text = Array.from({ length: 1 + rnd(3) }, () => line(rnd(8) === 0 ? from(['', '  ', '    ']) : indent)).join('');
      const fast = parseSimpleYamlish(text);
      if (fast === undefined) continue;
      read++;
      if (text.includes('|-')) blocks++;
      expect(fast, JSON.stringify(text)).toStrictEqual(slow(text));
    }
    expect(read > 50 && blocks > 10, `${read} read, ${blocks} with a literal block`).toBe(true); // the generator does reach the fast path
  });
});

describe('TAP with the fast path', () => {
  it('is in front of the parse tap-parser calls, and a test point keeps its time and diagnostics', () => {
    parseTap('TAP version 13\n1..0\n'); // tap.ts installed it
    expect(tapYaml.parse).not.toBe(tapYamlParse);
    const results: { time: number | null; diag: unknown }[] = [];
    const p = new Parser();
    p.on('assert', (r) => results.push({ time: r.time, diag: r.diag }));
    p.end("TAP version 13\nok 1 - a\n  ---\n  duration_ms: 1.5\n  type: 'test'\n  ...\n1..1\n");
    expect(results).toEqual([{ time: 1.5, diag: { type: 'test' } }]);
  });

  it('a malformed block is still non-TAP data: an error under pragma +strict, ignored otherwise', () => {
    const block = (yaml: string) => `TAP version 13\npragma +strict\nok 1 - a\n  ---\n${yaml}  ...\nok 2 - b\n1..2\n`;
    expect(() => parseTap(block('  a: 1\n  a: 2\n'))).toThrow(ReportParseError); // repeated key: tap-yaml rejects it
    expect(() => parseTap(block("  a: 'x\n"))).toThrow(ReportParseError);
    expect(() => parseTap(block(`  ${'k'.repeat(1025)}: 1\n`))).toThrow(ReportParseError); // key over 1024 characters
    expect(Object.fromEntries(parseTap(block('  duration_ms: 1.5\n')))).toEqual({ a: 'PASSED', b: 'PASSED' });
    expect(Object.fromEntries(parseTap(block('  a: 1\n  a: 2\n').replace('pragma +strict\n', '')))).toEqual({ a: 'PASSED', b: 'PASSED' });
  });
});
