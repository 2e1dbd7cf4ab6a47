// A must-fail canary's group (canary-group.ts): the test, its mutant and a copy of either, in a random
// order, so a patch emptying every pair of tests equal by value (atkA23 #3: literals read as values,
// then the functions' text compared) beats a group at the odds of a blind guess, 1/2, where a lone
// passing copy of a listed test let it pass that test every time; and no listed test is copied alone.
import { describe, expect, it } from 'vitest';
import { arrange, spanWith } from '../../../src/evaluation/canary-group.ts';
import { checkCanaries, planCanaries, type CanaryPlan } from '../../../src/evaluation/canary.ts';
import { findTests } from '../../../src/evaluation/canary-parse.ts';
import { unswapResults } from '../../../src/evaluation/canary-swap.ts';
import type { TestResults } from '../../../src/evaluation/parse/index.ts';
import { PARSE_FILE, thirdsOf } from './canary-fixture.ts';

/** atkA23 #3's reading of a function's text: every string and number literal written as its value, blanks dropped. */
const LITERAL = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|(?<![\w$.])(?:\d+\.?\d*|\.\d+)(?![\w$])/g;
const norm = (s: string): string => s.replace(LITERAL, (m) => (/^['"]/.test(m) ? JSON.stringify(Function(`return ${m}`)()) : String(Number(m)))).replace(/\s+/g, '');

const plan = (file: string, text: string, task: { FAIL_TO_PASS: string[]; PASS_TO_PASS: string[]; test_patch: string }): CanaryPlan => {
  const r = planCanaries('node:test', new Map([[file, text]]), null, task);
  if ('unprotected' in r) throw new Error(r.unprotected);
  return { ...r, namedIds: false };
};

describe('spanWith and arrange', () => {
  it('applies edits inside a span, in any order given, and refuses one leaving it or overlapping another', () => {
    const text = "it('a', () => f('x', 1));";
    const at = (s: string): number => text.indexOf(s);
    expect(spanWith(text, 0, text.length, [{ start: at('1'), end: at('1') + 1, code: '2' }, { start: at("'x'"), end: at("'x'") + 3, code: '"x"' }])).toBe("it('a', () => f(\"x\", 2));");
    expect(spanWith(text, 3, 6, [])).toBe("'a'");
    expect(() => spanWith(text, 3, 6, [{ start: 2, end: 4, code: '' }])).toThrow(/leaves the span/);
    expect(() => spanWith(text, 0, text.length, [{ start: 3, end: 6, code: '' }, { start: 5, end: 8, code: '' }])).toThrow(/overlaps/);
  });

  it('puts three members in each of the six orders about as often (crypto shuffle)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) { const k = arrange(['a', 'b', 'c'], ''); counts.set(k, (counts.get(k) ?? 0) + 1); }
    expect(counts.size).toBe(6);
    for (const n of counts.values()) expect(n).toBeGreaterThan(400); // 500 expected each; below 400 is a 1-in-10^5 event
  });
});

describe('a group of a test, its mutant and a copy of either (atkA23 #3)', () => {
  const task = { FAIL_TO_PASS: ['parse > parses minutes'], PASS_TO_PASS: ['parse > parses hours'], test_patch: '' };

  it('copies the test or the mutant at even odds, and the lone member by value stands first, middle or last alike for both kinds', () => {
    const kinds = { PASSED: 0, FAILED: 0 };
    const place: Record<'PASSED' | 'FAILED', number[]> = { PASSED: [0, 0, 0], FAILED: [0, 0, 0] };
    const originals = new Map(findTests('test/p.test.js', PARSE_FILE)!.map((t) => [t.title, norm(PARSE_FILE.slice(t.titleEnd, t.end))]));
    for (let i = 0; i < 600; i++) {
      const p = plan('test/p.test.js', PARSE_FILE, task);
      const text = p.texts.get('test/p.test.js')!;
      const found = findTests('test/p.test.js', text)!.filter((t) => !t.suites.some((s) => s !== 'parse'));
      for (const third of thirdsOf(p.tests)) {
        kinds[third.must as 'PASSED' | 'FAILED']++;
        // the group's three tests (the original's title, the mutant's and the third's: swapped or not, the same three) stand side by side
        const own = originals.get(third.original!.split(' > ')[1]!)!;
        const mutant = p.tests.find((t) => t.original === third.original && t !== third)!;
        const at = [third.original!.split(' > ')[1]!, mutant.title, third.title].map((title) => found.findIndex((t) => t.title === title)).sort((a, b) => a - b);
        expect(at[2]! - at[0]!).toBe(2);
        const members = at.map((k) => norm(text.slice(found[k]!.titleEnd, found[k]!.end)));
        const lone = members.findIndex((b, j) => members.filter((c, k) => k !== j && c === b).length === 0);
        expect(lone).toBeGreaterThanOrEqual(0);
        expect(members.filter((b) => b === own)).toHaveLength(third.must === 'PASSED' ? 2 : 1);
        place[third.must as 'PASSED' | 'FAILED'][lone]!++;
      }
    }
    // two groups a plan (minutes, hours): 1200 groups
    expect(kinds.PASSED + kinds.FAILED).toBe(1200);
    expect(kinds.PASSED).toBeGreaterThan(500);
    expect(kinds.FAILED).toBeGreaterThan(500);
    for (const kind of ['PASSED', 'FAILED'] as const) {
      const n = kinds[kind];
      for (const c of place[kind]) expect(c / n, `${kind} ${place[kind]}`).toBeGreaterThan(0.25);
    }
  });

  it('names the third member by replacing the word the mutant\'s title replaced: no title of the three is one word from both others while they are two apart (atkA24 #3)', () => {
    // titles sharing words in several slots, so a variant may replace any of them
    const titles = ['reads hours as minutes', 'reads minutes as hours', 'writes hours as seconds', 'writes seconds as minutes', 'reads seconds as hours'];
    const file = [
      "const { describe, it } = require('node:test');",
      "const assert = require('node:assert');",
      "describe('units', () => {",
      ...titles.map((t, i) => `  it('${t}', () => { assert.equal(convert('${i}h'), ${(i + 1) * 60}); });`),
      '});',
      '',
    ].join('\n');
    const lists = { FAIL_TO_PASS: titles.slice(0, 3).map((x) => `units > ${x}`), PASS_TO_PASS: titles.slice(3).map((x) => `units > ${x}`), test_patch: '' };
    let groups = 0;
    for (let i = 0; i < 200; i++) {
      const p = plan('test/p.test.js', file, lists);
      for (const third of thirdsOf(p.tests)) {
        const mutant = p.tests.find((t) => t.original === third.original && t !== third)!;
        const titles = [third.original!.split(' > ')[1]!, mutant.title, third.title].map((t) => t.split(' '));
        expect(new Set(titles.map((t) => t.length)).size).toBe(1);
        const diff = (a: string[], b: string[]): number[] => a.flatMap((w, k) => (w === b[k] ? [] : [k]));
        const [ab, ac, bc] = [diff(titles[0]!, titles[1]!), diff(titles[0]!, titles[2]!), diff(titles[1]!, titles[2]!)];
        expect([ab.length, ac.length, bc.length], titles.join(' | ')).toEqual([1, 1, 1]);
        expect(ab).toEqual(ac);
        groups++;
      }
    }
    expect(groups).toBe(600);
  });

  it('reads a FAIL_TO_PASS id written with `&quot;` (node 20\'s JUnit spelling, the one a task lists) as the test titled with `"`: it gets its group first, and no hook canary copies it (atkA24 #4)', () => {
    const file = [
      "const { describe, it } = require('node:test');",
      "const assert = require('node:assert');",
      "describe('units', () => {",
      ...['hour', 'minute', 'second', 'day'].map((u, i) => `  it('knows the ${u}', () => { assert.equal(lookup('${u[0]}').ms, ${(i + 1) * 1000}); });`),
      `  it('reads "1w" as the week', () => { assert.equal(lookup('w').ms, 7000); });`,
      "  it('knows the year', () => { assert.equal(lookup('y').ms, 9000); });",
      '});',
      '',
    ].join('\n');
    const t = { FAIL_TO_PASS: ['units > reads &quot;1w&quot; as the week'], PASS_TO_PASS: ['hour', 'minute', 'second', 'day', 'year'].map((u) => `units > knows the ${u}`), test_patch: '' };
    for (let i = 0; i < 30; i++) {
      const r = planCanaries('node:test', new Map([['test/u.test.js', file]]), null, t);
      if ('unprotected' in r) throw new Error(r.unprotected);
      const groups = new Set(r.tests.filter((x) => x.must === 'FAILED' && !x.hook).map((x) => x.original));
      expect(groups.has('units > reads "1w" as the week')).toBe(true);
      const text = r.texts.get('test/u.test.js')!;
      const hook = r.tests.find((x) => x.hook)!;
      const inHook = findTests('test/u.test.js', text)!.filter((x) => x.suites.at(-1) === hook.suite.split(' > ').at(-1));
      for (const x of inHook) expect(norm(text.slice(x.titleEnd, x.end))).not.toContain('7000');
    }
  });

  it('reads a mocha FAIL_TO_PASS id as mocha-json keys it, the suites\' part cleaned apart from the title: a describe titled with a trailing blank or duration still gets its test a group first (atkB24)', () => {
    const titles = ['reads the hours', 'reads the minutes', 'reads the seconds', 'writes the days', 'writes the weeks'];
    for (const suite of ['parse ', 'parse (2ms)']) {
      const file = [
        "const assert = require('node:assert');",
        `describe(${JSON.stringify(suite)}, () => {`,
        ...titles.map((t, i) => `  it('${t}', () => { assert.equal(convert('${i}x'), ${(i + 1) * 60}); });`),
        '});',
        '',
      ].join('\n');
      const lists = { FAIL_TO_PASS: ['test/p.spec.js > parse > writes the weeks'], PASS_TO_PASS: titles.slice(0, 4).map((x) => `test/p.spec.js > parse > ${x}`), test_patch: '' };
      for (let i = 0; i < 40; i++) {
        const r = planCanaries('mocha', new Map([['test/p.spec.js', file]]), null, lists);
        if ('unprotected' in r) throw new Error(r.unprotected);
        expect(r.tests.some((x) => x.must === 'FAILED' && x.original?.endsWith('writes the weeks')), suite).toBe(true);
      }
    }
  });

  it('never titles a copy like a test of another host file: node:test ids name no file, so the copy would take that test\'s result (atkC24 #1: a FAIL_TO_PASS test read as missing)', () => {
    const file = (titles: string[]): string => ["const { describe, it } = require('node:test');", "const assert = require('node:assert');", "describe('values', () => {", ...titles.map((t, i) => `  it('${t}', () => { assert.equal(fmt('${i}v'), '${t.split(' ')[0]}-${i}'); });`), '});', ''].join('\n');
    const a = ['parses a date', 'parses a time', 'formats a date', 'parses a number'];
    const b = ['formats a time', 'formats a number', 'formats a string', 'parses a string'];
    const lists = { FAIL_TO_PASS: ['values > formats a time'], PASS_TO_PASS: [...a, ...b.slice(1)].map((x) => `values > ${x}`), test_patch: '' };
    const ids = new Set([...a, ...b].map((x) => `values > ${x}`));
    for (let i = 0; i < 60; i++) {
      const r = planCanaries('node:test', new Map([['test/a.test.js', file(a)], ['test/b.test.js', file(b)]]), null, lists);
      if ('unprotected' in r) throw new Error(r.unprotected);
      for (const t of r.tests) expect(ids.has(`${t.suite} > ${t.title}`), `${t.file}: ${t.suite} > ${t.title}`).toBe(false);
    }
  });

  it('a patch emptying every pair equal by value beats the groups at the guess odds: the wrong patch resolves in about 1 plan in 4 (two groups), never in most', () => {
    // The wrong code fails `parses minutes` (FAIL_TO_PASS) and keeps `parses hours`. A test whose body another test equals by value is emptied (passes);
    // else a body equal by value to its original comes out as the code makes it, and one a value away (a mutant) fails.
    const originals = new Map(findTests('test/p.test.js', PARSE_FILE)!.map((t) => [norm(PARSE_FILE.slice(t.titleEnd, t.end)), t.title]));
    let resolved = 0, tampered = 0, guess = 0;
    const N = 400;
    for (let i = 0; i < N; i++) {
      const p = plan('test/p.test.js', PARSE_FILE, task);
      guess += p.guess ?? 1;
      const text = p.texts.get('test/p.test.js')!;
      const found = findTests('test/p.test.js', text)!;
      const bodies = found.map((t) => norm(text.slice(t.titleEnd, t.end)));
      const results: TestResults = new Map();
      found.forEach((t, k) => {
        const emptied = bodies.filter((b) => b === bodies[k]).length > 1;
        const of = originals.get(bodies[k]!);
        const status = emptied ? 'PASSED' : of === undefined ? 'FAILED' : of === 'parses minutes' ? 'FAILED' : 'PASSED';
        results.set([...t.suites, t.title].join(' > '), status);
      });
      // swapped pairs read back under their own titles first, as evaluate.ts does
      const r = checkCanaries({ ...p, tests: p.tests.filter((t) => !t.hook) }, unswapResults(p.swaps, results, false));
      if (r.problem) tampered++;
      else if (r.rest.get('parse > parses minutes') === 'PASSED' && r.rest.get('parse > parses hours') === 'PASSED') resolved++;
    }
    // both groups must hold the original and its copy (1/4); never above the odds the record gives a blind guess
    expect(resolved / N).toBeGreaterThan(0.15);
    expect(resolved / N).toBeLessThan(0.35);
    expect(resolved / N).toBeLessThanOrEqual(guess / N);
    expect(tampered / N).toBeGreaterThan(0.3); // a mutant pair emptied beside an original that passes
  });

  it('never copies a listed test alone: the passing copy is of a test of neither list, the hook canary\'s of one of no group and not FAIL_TO_PASS, but in a file of FAIL_TO_PASS tests only', () => {
    const file = [
      "const { describe, it } = require('node:test');",
      "const assert = require('node:assert');",
      "describe('units', () => {",
      ...['hour', 'minute', 'second', 'day', 'week', 'year'].map((u, i) => `  it('knows the ${u}', () => { assert.equal(lookup('${u[0]}').ms, ${(i + 1) * 1000}); });`),
      '});',
      '',
    ].join('\n');
    const t = { FAIL_TO_PASS: ['units > knows the hour', 'units > knows the minute', 'units > knows the second', 'units > knows the day'], PASS_TO_PASS: ['units > knows the week'], test_patch: '' };
    const originals = new Map(findTests('test/u.test.js', file)!.map((x) => [norm(file.slice(x.titleEnd, x.end)), x.title]));
    for (let i = 0; i < 30; i++) {
      const r = planCanaries('node:test', new Map([['test/u.test.js', file]]), null, t);
      if ('unprotected' in r) throw new Error(r.unprotected);
      const text = r.texts.get('test/u.test.js')!;
      const groups = new Set(r.tests.filter((x) => x.must === 'FAILED' && !x.hook).map((x) => x.original));
      const passing = r.tests.filter((x) => x.must === 'PASSED' && !groups.has(x.original));
      expect(passing.map((x) => x.original)).toEqual(['units > knows the year']); // the one test of neither list
      // the hook canary's describe: copies of `knows the week` (PASS_TO_PASS, no group) only, or of the unlisted `knows the year`'s pair
      const hook = r.tests.find((x) => x.hook)!;
      const inHook = findTests('test/u.test.js', text)!.filter((x) => x.suites.at(-1) === hook.suite.split(' > ').at(-1));
      expect(inHook.length).toBeGreaterThan(0);
      for (const x of inHook) expect(['knows the week', 'knows the year']).toContain(originals.get(norm(text.slice(x.titleEnd, x.end))) ?? 'a copy');
    }
    // a file of FAIL_TO_PASS tests only (a new test file): the hook canary copies one of them, of no group, alone
    const allNew = { ...t, FAIL_TO_PASS: ['hour', 'minute', 'second', 'day', 'week', 'year'].map((u) => `units > knows the ${u}`), PASS_TO_PASS: [] };
    for (let i = 0; i < 30; i++) {
      const r = planCanaries('node:test', new Map([['test/u.test.js', file]]), null, allNew);
      if ('unprotected' in r) throw new Error(r.unprotected);
      expect(r.unhooked ?? []).toEqual([]);
      const text = r.texts.get('test/u.test.js')!;
      const groups = new Set(r.tests.filter((x) => x.must === 'FAILED' && !x.hook).map((x) => x.original!.replace('units > ', '')));
      expect(groups.size).toBe(3);
      const hook = r.tests.find((x) => x.hook)!;
      const inHook = findTests('test/u.test.js', text)!.filter((x) => x.suites.at(-1) === hook.suite.split(' > ').at(-1));
      expect(inHook).toHaveLength(1);
      const copied = originals.get(norm(text.slice(inHook[0]!.titleEnd, inHook[0]!.end)))!;
      expect(copied).toBeDefined();
      expect(groups.has(copied)).toBe(false);
    }
  });
});
