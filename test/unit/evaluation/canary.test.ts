// Canary planning and judging, second-channel planning and comparison, and ANSI stripping before
// every parser (pure parts; the real runs are in hostile.test.ts and test/e2e/tamper.test.ts).
import { describe, expect, it } from 'vitest';
import { canaryHosts, checkCanaries, inferRunner, planCanaries, tailOfTest, type CanaryPlan } from '../../../src/evaluation/canary.ts';
import { compareChannels, planSecondChannel } from '../../../src/evaluation/channels.ts';
import { LEAN_TAP_REPORTER } from '../../../src/evaluation/channel-reporter.ts';
import { variantTitle } from '../../../src/evaluation/canary-mutate.ts';
import { guardRun, judgeRun, type Guard } from '../../../src/evaluation/integrity.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseReportText, reportKind, type TestResults } from '../../../src/evaluation/parse/index.ts';
import { oneRespelled, PARSE_FILE, PARSE_TASK, thirdsOf, withoutThirds } from './canary-fixture.ts';
import { findTests } from '../../../src/evaluation/canary-parse.ts';

// Files with no equality assertion on a literal: only the synthetic canaries fit them.
const CJS = "'use strict';\nconst { describe, it } = require('node:test');\nconst assert = require('node:assert/strict');\ndescribe('x', () => { it('y', () => assert.ok(1)); });\n";
const ESM_VITEST = "import { describe, expect, it } from 'vitest';\ndescribe('x', () => { it('y', () => expect(1).toBeTruthy()); });";
/** The plan, without its node:test hook canaries (canary-hook.test.ts tests those): these tests judge the mutated pairs. */
const plan = (r: ReturnType<typeof planCanaries>): CanaryPlan => {
  if ('unprotected' in r) throw new Error(r.unprotected);
  return { ...r, tests: r.tests.filter((t) => !t.hook) };
};

describe('inferRunner', () => {
  it.each([
    [{ test_cmd: 'npx vitest run --reporter=junit --outputFile=r.xml', test_report: 'junit:r.xml' }, null, 'vitest'],
    [{ test_cmd: 'npx mocha --reporter json --reporter-option output=r.json', test_report: 'mocha-json:r.json' }, null, 'mocha'],
    [{ test_cmd: 'node --test --test-reporter=junit --test-reporter-destination=r.xml', test_report: 'junit:r.xml' }, null, 'node:test'],
    [{ test_cmd: 'npx jest --json --outputFile=r.json', test_report: 'jest-json:r.json' }, null, 'jest'],
    [{ test_cmd: 'npm test', test_report: 'tap' }, { scripts: { test: 'node --test' } }, 'node:test'],
    [{ test_cmd: 'npm run unit', test_report: 'tap' }, { scripts: { unit: 'mocha -R tap' } }, 'mocha'],
    [{ test_cmd: './node_modules/.bin/jasmine --config=jasmine.json', test_report: 'auto' }, null, 'jasmine'],
    [{ test_cmd: 'npm test', test_report: 'jasmine' }, null, 'jasmine'],
    [{ test_cmd: 'npx karma start karma.conf.js --single-run', test_report: 'auto' }, null, 'karma'],
    [{ test_cmd: 'npm test', test_report: 'auto' }, { scripts: { test: 'karma start --single-run' } }, 'karma'],
    [{ test_cmd: 'npm i karma-jasmine', test_report: 'tap' }, null, null],
    [{ test_cmd: 'make check', test_report: 'tap' }, null, null],
  ] as const)('%j → %s', (task, pkg, want) => {
    expect(inferRunner(task, pkg)).toBe(want);
  });
});

describe('planCanaries', () => {
  it('appends, in the file\'s module system and assertion library, one failing and one passing test under fresh names', () => {
    const p = plan(planCanaries('node:test', new Map([['test/a.test.js', CJS]]), null));
    expect(p.kind).toBe('synthetic');
    const code = p.texts.get('test/a.test.js')!.slice(CJS.length);
    expect(code).toMatch(/^\nconst _\w+ = require\('node:test'\)\.describe;/);
    expect(code).toMatch(/= require\('node:assert\/strict'\);/);
    expect(code).not.toMatch(/^import /m);
    expect(p.tests.map((t) => t.must)).toEqual(['FAILED', 'PASSED']);
    expect(new Set(p.tests.map((t) => t.suite)).size).toBe(1);
    expect(code).toContain(JSON.stringify(p.tests[0]!.title));
  });

  it('writes ESM with vitest\'s expect for a vitest file, and one pair per assertion library the file uses', () => {
    const p = plan(planCanaries('vitest', new Map([['test/a.test.ts', ESM_VITEST + "\nimport assert from 'node:assert';\n"]]), 'module'));
    const code = p.texts.get('test/a.test.ts')!;
    expect(code).toMatch(/^import \{ expect as _\w+ \} from 'vitest';$/m);
    expect(code).toMatch(/^import _\w+ from 'node:assert';$/m);
    expect(code).toMatch(/\)\.toBe\(\d+\);/);
    expect(p.tests.filter((t) => t.must === 'FAILED')).toHaveLength(2);
  });

  it('jasmine and karma: the global describe/it and expect; karma never requires (it runs in the browser)', () => {
    const spec = "describe('x', function () { it('y', function () { expect(1).toBeTruthy(); }); });\n";
    const j = plan(planCanaries('jasmine', new Map([['spec/a-spec.js', `const assert = require('assert');\n${spec}`]]), null)).texts.get('spec/a-spec.js')!;
    expect(j).toMatch(/^const _\w+ = describe;$/m);
    expect(j).toMatch(/^const _\w+ = expect;$/m);
    const k = plan(planCanaries('karma', new Map([['test/a.spec.js', `const assert = require('assert');\n${spec}`]]), null)).texts.get('test/a.spec.js')!.slice(spec.length + 34);
    expect(k).toMatch(/^const _\w+ = expect;$/m);
    expect(k).not.toMatch(/require\(/);
  });

  it('karma-mocha: mocha\'s describe/it (suite/test for TDD files), chai\'s expect where the file uses it, else a plain throw; never a require', () => {
    // Runs the appended canaries with describe/it stubs: the must-fail one throws, the must-pass one does not.
    const outcomes = (code: string, expectFn?: unknown): Map<string, boolean> => {
      const got = new Map<string, boolean>();
      const it = (title: string, fn: () => void): void => {
        try {
          fn();
          got.set(title, true);
        } catch {
          got.set(title, false);
        }
      };
      const describe = (_: string, fn: () => void): void => fn();
      new Function('describe', 'it', 'suite', 'test', 'expect', code)(describe, it, describe, it, expectFn);
      return got;
    };
    const noChai = "describe('x', function () { it('y', function () { if (!window.x) throw new Error('no x'); }); });\n";
    const p = plan(planCanaries('karma-mocha', new Map([['test/a.spec.js', noChai]]), null));
    const code = p.texts.get('test/a.spec.js')!.slice(noChai.length);
    expect(code).toMatch(/^const _\w+ = describe;$/m);
    expect(code).not.toMatch(/\bexpect\b|require\(/);
    expect(code).toMatch(/throw new Error/);
    const ran = outcomes(code);
    for (const t of p.tests) expect(ran.get(t.title), t.title).toBe(t.must === 'PASSED');

    const chai = "describe('x', function () { it('y', function () { expect(window.x).to.be.ok; }); });\n";
    const c = plan(planCanaries('karma-mocha', new Map([['test/b.spec.js', chai]]), null));
    const cc = c.texts.get('test/b.spec.js')!.slice(chai.length);
    expect(cc).toMatch(/^const _\w+ = expect;$/m);
    expect(cc).toMatch(/\)\.to\.equal\(\d+\);/);
    const chaiLike = (x: unknown) => ({ to: { equal: (y: unknown) => { if (x !== y) throw new Error('not equal'); } } });
    const ranChai = outcomes(cc, chaiLike);
    for (const t of c.tests) expect(ranChai.get(t.title), t.title).toBe(t.must === 'PASSED');

    const tdd = "suite('x', function () { test('y', function () { if (!window.x) throw new Error('no x'); }); });\n";
    const t = plan(planCanaries('karma-mocha', new Map([['test/c.spec.js', tdd]]), null)).texts.get('test/c.spec.js')!;
    expect(t).toMatch(/^const _\w+ = suite;$/m);
    expect(t).toMatch(/^const _\w+ = test;$/m);
  });

  it('follows mocha\'s TDD interface (suite/test) when the file uses it', () => {
    const tdd = "const assert = require('assert');\nsuite('x', () => { test('y', () => assert.ok(true)); });\n";
    const code = plan(planCanaries('mocha', new Map([['test/a.js', tdd]]), null)).texts.get('test/a.js')!;
    expect(code).toMatch(/^const _\w+ = suite;$/m);
    expect(code).toMatch(/^const _\w+ = test;$/m);
    expect(code).toMatch(/= require\('assert'\);/);
  });

  it('draws new names and values on every run', () => {
    const a = plan(planCanaries('mocha', new Map([['test/a.spec.js', CJS]]), null));
    const b = plan(planCanaries('mocha', new Map([['test/a.spec.js', CJS]]), null));
    expect(a.tests[0]!.suite).not.toBe(b.tests[0]!.suite);
    expect(a.texts.get('test/a.spec.js')).not.toBe(b.texts.get('test/a.spec.js'));
  });

  it('takes the runner from the file\'s imports when the command names none, and says why it cannot place any', () => {
    expect(plan(planCanaries(null, new Map([['test/a.test.js', CJS]]), null)).runner).toBe('node:test');
    expect(planCanaries(null, new Map([['test/a.test.js', "describe('x', () => {});"]]), null)).toEqual({ unprotected: expect.stringMatching(/not one fixbench writes canaries for/) });
    expect(planCanaries('mocha', new Map([['test/helper.js', 'module.exports = 1;']]), null)).toEqual({ unprotected: expect.stringMatching(/no JS\/TS test file/) });
    expect(canaryHosts('diff --git a/test/a.test.js b/test/a.test.js\n--- a/test/a.test.js\n+++ b/test/a.test.js\n@@ -1 +1 @@\n-a\n+b\ndiff --git a/test/data.json b/test/data.json\n--- /dev/null\n+++ b/test/data.json\n@@ -0,0 +1 @@\n+{}\n')).toEqual(['test/a.test.js']);
  });
});

describe('mutated canaries', () => {
  const FILE = PARSE_FILE;
  const task = PARSE_TASK;
  const identifiers = (s: string): Set<string> => new Set(s.replace(/(['"])(?:\\.|(?!\1).)*\1/g, '').match(/[A-Za-z_$][\w$]*/g));

  it('mutates up to 3 different tests (FAIL_TO_PASS first), each beside a copy of it or of its mutant, and copies, one literal respelled, a test of neither list: no test\'s text is written twice (atkD22 #1, atkA23 #3)', () => {
    const kinds = new Set<string>();
    for (let i = 0; i < 20; i++) {
      // a repository that writes no word of the file's expected strings ('ms'): the character edit, at odds 1/2 per pair
      const p = plan(planCanaries('node:test', new Map([['test/p.test.js', FILE]]), null, task, new Set(), { whole: new Set(), part: new Set() }));
      expect(p.kind).toBe('mutated');
      const thirds = thirdsOf(p.tests);
      const fails = withoutThirds(p.tests).filter((t) => t.must === 'FAILED');
      const pass = withoutThirds(p.tests).find((t) => t.must === 'PASSED')!;
      expect(fails.map((t) => t.original).sort()).toEqual(['parse > parses hours', 'parse > parses minutes']);
      expect(thirds.map((t) => t.original).sort()).toEqual(['parse > parses hours', 'parse > parses minutes']);
      expect(pass).toMatchObject({ suite: 'parse', original: 'parse > rejects empty input' });
      expect(p.guess).toBe(1 / 4);
      expect(p.weak).toEqual([]);
      const text = p.texts.get('test/p.test.js')!;
      // No new identifiers, no new imports, no hex tokens, titles unique and made of the file's words.
      expect(identifiers(text)).toEqual(identifiers(FILE));
      expect(text).not.toMatch(/\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{6,}\b/);
      const words = new Set('parses hours minutes rejects empty input'.split(' '));
      for (const t of p.tests) {
        expect(t.title.split(' ').every((w) => words.has(w))).toBe(true);
        expect(text.split(`'${t.title}'`)).toHaveLength(2);
      }
      // The failing copy of minutes: the original's body with exactly one literal of the expected value changed (under the original's title when swapped).
      const minutes = fails.find((t) => t.original === 'parse > parses minutes')!;
      const mutantTitle = p.swaps.some((x) => x.b === tailOfTest(minutes)) ? 'parses minutes' : minutes.title;
      const copy = new RegExp(`  it\\('${mutantTitle}', \\(\\) => \\{\\n    assert\\.deepEqual\\(parse\\.all\\('2m'\\), \\[(.*), (.*)\\]\\);\\n  \\}\\);`);
      const m = copy.exec(text)!;
      expect(m, text).not.toBeNull();
      expect((m[1] === '120000' ? 0 : 1) + (m[2] === "'ms'" ? 0 : 1)).toBe(1);
      // A patch comparing test bodies (String(fn)) finds each body once: every pair, the passing one too, differs by one literal.
      const count = (body: string): number => text.split(body).length - 1;
      expect(count("assert.deepEqual(parse.all('2m'), [120000, 'ms']);")).toBe(1);
      expect(count("assert.equal(parse('1h'), 3600000);")).toBe(1);
      expect(count("assert.throws(() => parse(''))")).toBe(1);
      expect(count('assert.throws(() => parse(""))')).toBe(1);
      const out = findTests('test/p.test.js', text)!;
      const fns = out.map((t) => text.slice(t.titleEnd, t.end));
      expect(new Set(fns).size).toBe(fns.length);
      const bodyOf = (src: string, title: string): string => { const t = findTests('test/p.test.js', src)!.find((x) => x.title === title)!; return src.slice(t.titleEnd, t.end); };
      expect(oneRespelled(bodyOf(FILE, 'rejects empty input'), bodyOf(text, pass.title))).toBe(true);
      // A third member is its original, or its mutant (found under the original's title when swapped), with one other literal respelled.
      for (const third of thirds) {
        const own = third.original!.split(' > ')[1]!;
        const mutant = fails.find((t) => t.original === third.original)!;
        const swapped = p.swaps.some((x) => x.b === tailOfTest(mutant));
        const copied = third.must === 'PASSED' ? bodyOf(text, swapped ? mutant.title : own) : bodyOf(text, swapped ? own : mutant.title);
        expect(oneRespelled(copied, bodyOf(text, third.title)), `${third.must} ${text}`).toBe(true);
        kinds.add(third.must);
      }
    }
    expect([...kinds].sort()).toEqual(['FAILED', 'PASSED']);
  });

  it('a file with one test gets its group: the mutant and a copy of the test or of the mutant, another literal respelled (weakly protected, odds 1/2: the titles `adds 2`, `adds 3` mark copies, and which title holds the mutant is a coin flip); one literal only: the mutant alone', () => {
    const one = "const assert = require('node:assert');\nconst { it } = require('node:test');\nit('adds', () => {\n  assert.equal(1 + 1, 2);\n});\n";
    const seen = new Set<string>();
    for (let i = 0; i < 16; i++) {
      const p = plan(planCanaries('node:test', new Map([['test/one.test.js', one]]), null));
      expect(p.tests.map((t) => [t.original, t.title])).toEqual([['adds', 'adds 2'], ['adds', 'adds 3']]);
      expect(p.tests[0]!.must).toBe('FAILED');
      const third = p.tests[1]!;
      seen.add(third.must);
      expect(p.weak).toEqual(['test/one.test.js']); // one group: a 1/2 guess
      expect(p.guess).toBe(1 / 2);
      expect(p.texts.get('test/one.test.js')!.split('assert.equal(1 + 1, 2);')).toHaveLength(2);
      const swapped = p.swaps.length === 1;
      // an honest run: the mutant fails (under `adds` when swapped), the original passes, the third as its kind
      const r = checkCanaries(p, new Map([['adds', swapped ? 'FAILED' : 'PASSED'], ['adds 2', swapped ? 'PASSED' : 'FAILED'], ['adds 3', third.must]]));
      expect(r.problem).toBeNull();
      // and no test left for a hook canary: the record names the file
      expect(r.canaries).toEqual({ fail: 'failed', pass: 'passed', kind: 'mutated', guess: 1 / 2, weak: ['test/one.test.js'], unhooked: [{ file: 'test/one.test.js', why: expect.stringMatching(/^no test to copy into a beforeEach hook/) }] });
      // every test passing (a forger emptying them all) is caught by the mutant
      expect(checkCanaries(p, new Map([['adds', 'PASSED'], ['adds 2', 'PASSED'], ['adds 3', 'PASSED']])).problem).toMatch(/failing canary/);
    }
    expect([...seen].sort()).toEqual(['FAILED', 'PASSED']);
    const lone = "const assert = require('node:assert');\nconst { it } = require('node:test');\nit('adds', () => {\n  assert.equal(add(), 2);\n});\n";
    const q = plan(planCanaries('node:test', new Map([['test/one.test.js', lone]]), null));
    expect(q.tests.map((t) => [t.must, t.original])).toEqual([['FAILED', 'adds']]);
    expect(q.weak).toEqual(['test/one.test.js']);
  });

  const TWO = FILE.replace("  it('rejects empty input', () => assert.throws(() => parse('')));\n", '');
  it('excuses a copy whose original failed (an honest break), never one whose original passed, nor a string mutant that passed (regression: a forger\'s wrong guess)', () => {
    // A substituted character is strict; an inserted or deleted one is not (an honest off-by-one equals it): 1/3 of plans substitute.
    // node:test's ids carry no file part (the results below): the plan is told so, as a task listing such ids would
    // One group (minutes, FAIL_TO_PASS): its mutant, then a third member; hours (PASS_TO_PASS) stays out for the hook canary, and no passing copy (no test of neither list).
    const plans = Array.from({ length: 80 }, () => ({ ...plan(planCanaries('node:test', new Map([['test/p.test.js', TWO]]), null, task)), namedIds: false }));
    expect(plans.some((x) => x.tests[0]!.strict === undefined)).toBe(true);
    const p = plans.find((x) => x.tests[0]!.strict && x.tests[1]!.must === 'PASSED')!;
    expect(p.tests.map((t) => [t.must, t.original])).toEqual([['FAILED', 'parse > parses minutes'], ['PASSED', 'parse > parses minutes']]);
    const ids = (f: 'PASSED' | 'FAILED', pa: 'PASSED' | 'FAILED', of: 'PASSED' | 'FAILED', op: 'PASSED' | 'FAILED'): TestResults =>
      new Map([[`parse > ${p.tests[0]!.title}`, f], [`parse > ${p.tests[1]!.title}`, pa], ['parse > parses minutes', of], ['parse > parses hours', op]]);
    expect(checkCanaries(p, ids('FAILED', 'PASSED', 'PASSED', 'PASSED')).problem).toBeNull();
    expect(checkCanaries(p, ids('PASSED', 'PASSED', 'PASSED', 'PASSED')).problem).toMatch(/failing canary .* came out passed, not failed while the test it copies, "parse > parses minutes", did not fail/);
    // The minutes copy substituted a character of its string 'ms' (strings first): passing while its original fails is a forger's wrong guess.
    expect(checkCanaries(p, ids('PASSED', 'FAILED', 'FAILED', 'FAILED')).problem).toMatch(/failing canary .* came out passed, not failed/);
    // A number (or boolean) copy: a wrong patch can return exactly what it expects while the original fails: excused (the third member as its kind comes out then).
    for (let k = 0; k < 8; k++) {
      const q = plan(planCanaries('node:test', new Map([['test/p.test.js', TWO]]), null, { ...task, FAIL_TO_PASS: ['parse > parses hours'], PASS_TO_PASS: ['parse > parses minutes'] }));
      expect(q.tests.map((t) => [t.must === 'FAILED' || t === q.tests[1], t.original, t.strict])).toEqual([[true, 'parse > parses hours', undefined], [true, 'parse > parses hours', undefined]]);
      const third = q.tests[1]!.must === 'FAILED' ? 'PASSED' : 'FAILED';
      expect(checkCanaries(q, new Map([[`parse > ${q.tests[0]!.title}`, 'PASSED'], [`parse > ${q.tests[1]!.title}`, third], ['parse > parses hours', 'FAILED'], ['parse > parses minutes', 'PASSED']])).problem).toBeNull();
    }
    // the must-pass third failing with its original is an honest break; with its original passing it is not
    expect(checkCanaries(p, ids('FAILED', 'FAILED', 'FAILED', 'FAILED')).problem).toBeNull();
    expect(checkCanaries(p, ids('FAILED', 'FAILED', 'PASSED', 'PASSED')).problem).toMatch(/passing canary/);
    expect([...checkCanaries(p, ids('FAILED', 'PASSED', 'PASSED', 'PASSED')).rest.keys()]).toEqual(['parse > parses minutes', 'parse > parses hours']);
  });

  it('is tampered when a canary is reported more than once (failing twins registered from outside the test files)', () => {
    const p = { ...plan(planCanaries('node:test', new Map([['test/p.test.js', TWO]]), null, task)), namedIds: false };
    const [fail, third] = [p.tests[0]!, p.tests[1]!]; // the minutes group: its mutant and third member
    expect([fail.must, fail.original, third.original]).toEqual(['FAILED', 'parse > parses minutes', 'parse > parses minutes']);
    const forged: TestResults = new Map([
      [`parse > ${fail.title}`, 'PASSED'], [`compat > parse > ${fail.title}`, 'FAILED'],
      [`parse > ${third.title}`, third.must],
      ['parse > parses minutes', 'PASSED'], ['compat > parse > parses minutes', 'FAILED'], ['parse > parses hours', 'PASSED'],
    ]);
    const r = checkCanaries(p, forged);
    expect(r.problem).toMatch(/reported more than once/);
    expect(r.canaries.fail).toBe('error');
  });
});

describe('mutated canaries a patch cannot single out by title (it reads the test files before test.patch)', () => {
  // test.patch edits an existing test (its title stays: the patch knows it) and adds two. The file has a
  // second verb (`reads`): a copy's new word fills the replaced one's slot, and "parses" has no other.
  const FINAL = [
    "const { describe, it } = require('node:test');",
    "const assert = require('node:assert/strict');",
    "const { parse } = require('../src');",
    "describe('parse', () => {",
    "  it('reads hours', () => {",
    "    assert.equal(parse('1h'), 3600000);",
    "  });",
    "  it('parses minutes', () => {",
    "    assert.equal(parse('2m'), 120001);",
    "  });",
    "  it('parses days', () => {",
    "    assert.equal(parse('1d'), 86400000);",
    "  });",
    "  it('parses whole weeks', () => {",
    "    assert.equal(parse('1w'), 604800000);",
    "  });",
    "});",
    "",
  ].join('\n');
  const PATCH = [
    'diff --git a/test/p.test.js b/test/p.test.js',
    '--- a/test/p.test.js',
    '+++ b/test/p.test.js',
    '@@ -6,6 +6,12 @@',
    "     assert.equal(parse('1h'), 3600000);",
    '   });',
    "   it('parses minutes', () => {",
    "-    assert.equal(parse('2m'), 120000);",
    "+    assert.equal(parse('2m'), 120001);",
    '   });',
    "+  it('parses days', () => {",
    "+    assert.equal(parse('1d'), 86400000);",
    '+  });',
    "+  it('parses whole weeks', () => {",
    "+    assert.equal(parse('1w'), 604800000);",
    '+  });',
    ' });',
    '',
  ].join('\n');
  const known = new Set(['reads hours', 'parses minutes']);
  const task = { FAIL_TO_PASS: ['test/p.test.js > parse > parses minutes', 'test/p.test.js > parse > parses days'], PASS_TO_PASS: ['test/p.test.js > parse > reads hours'], test_patch: PATCH };

  it('mutates tests test.patch brought, and an edited test whose title the patch knows only in a swappable pair with the value test.patch wrote; never the untouched one (its body is readable)', () => {
    const swappedKnown = new Set<boolean>();
    for (let i = 0; i < 30; i++) {
      const p = plan(planCanaries('node:test', new Map([['test/p.test.js', FINAL]]), null, task));
      const fails = withoutThirds(p.tests).filter((t) => t.must === 'FAILED');
      expect(fails.map((t) => t.original).sort()).toEqual(['parse > parses days', 'parse > parses minutes', 'parse > parses whole weeks']);
      expect(thirdsOf(p.tests).map((t) => t.original).sort()).toEqual(['parse > parses days', 'parse > parses minutes', 'parse > parses whole weeks']);
      // A forger taking, of each near-twin pair, the one with a title it knows for the original is right only when the known pair is not swapped.
      const minutes = fails.find((t) => t.original === 'parse > parses minutes')!;
      swappedKnown.add(p.swaps.some((x) => x.a === 'parse > parses minutes' && x.b === tailOfTest(minutes)));
      // no passing copy beside the groups: the one test left, reads hours, is listed (emptying it and its copy would pass it: atkA23 #3)
      expect(withoutThirds(p.tests).filter((t) => t.must === 'PASSED')).toEqual([]);
      for (const t of p.tests) expect(FINAL.includes(`'${t.title}'`), t.title).toBe(false);
      expect(known.has('parses minutes')).toBe(true);
      expect(p.guess).toBe(1 / 8);
      expect(p.weak).toEqual([]);
    }
    expect([...swappedKnown].sort()).toEqual([false, true]);
  });

  it('when test.patch brings no test (it only edits known ones), the edited one is hidden by a swapped pair (odds 1/2); when its pair cannot be swapped the copies are marked by their titles: odds 1, the file is weak', () => {
    const editOnly = PATCH.replace('@@ -6,6 +6,12 @@', '@@ -6,6 +6,6 @@').split('\n').filter((l) => !/^\+ {2}(it\(|  assert\.equal\(parse\('1[dw]'|\}\);)/.test(l)).join('\n');
    const text = FINAL.split('\n').filter((_, i) => i < 10 || i > 15).join('\n');
    const p = plan(planCanaries('node:test', new Map([['test/p.test.js', text]]), null, { ...task, test_patch: editOnly }));
    expect(withoutThirds(p.tests).filter((t) => t.must === 'FAILED').map((t) => t.original)).toEqual(['parse > parses minutes']);
    expect(p.guess).toBe(1 / 2);
    expect(p.weak).toEqual([]);
    // its title also in a comment: the pair is not swapped, the copy's new title marks it
    const q = plan(planCanaries('node:test', new Map([['test/p.test.js', `${text}// 'parses minutes'\n`]]), null, { ...task, test_patch: editOnly }));
    expect(q.tests.filter((t) => t.must === 'FAILED').length).toBeGreaterThan(0);
    expect(q).toMatchObject({ guess: 1, weak: ['test/p.test.js'], swaps: [] });
  });

  it('regression: a copy\'s title has its original\'s word count (an added word marked the longer title of a pair as the copy)', () => {
    const titles = ['parses hours', 'parses minutes', 'parses days', 'parses whole weeks', 'rejects empty input'];
    for (let i = 0; i < 60; i++) {
      const t = variantTitle('parses whole weeks', titles, new Set(titles));
      expect(t.split(' ')).toHaveLength(3);
      expect(titles).not.toContain(t);
      expect(variantTitle('parses days', titles, new Set(titles)).split(' ')).toHaveLength(2);
    }
  });
});

describe('checkCanaries', () => {
  const p = plan(planCanaries('mocha', new Map([['test/a.spec.js', CJS], ['test/b.spec.js', CJS]]), null));
  const [fa, pa, fb, pb] = p.tests;
  const id = (file: string, t: { suite: string; title: string }) => `${file} > ${t.suite} > ${t.title}`;
  const base: [string, 'PASSED' | 'FAILED'][] = [['test/a.spec.js > x > y', 'PASSED']];

  it('holds when every reported canary came out as it must, and keeps them out of the task\'s results', () => {
    const parsed: TestResults = new Map([...base, [id('test/a.spec.js', fa!), 'FAILED'], [id('test/a.spec.js', pa!), 'PASSED'], [id('test/b.spec.js', fb!), 'FAILED'], [id('test/b.spec.js', pb!), 'PASSED']]);
    const r = checkCanaries(p, parsed);
    expect(r.problem).toBeNull();
    expect(r.canaries).toEqual({ fail: 'failed', pass: 'passed', kind: 'synthetic', guess: 1 });
    expect([...r.rest.keys()]).toEqual(['test/a.spec.js > x > y']);
  });

  it('is tampered when the failing canary passed, or the passing one failed', () => {
    const r = checkCanaries(p, new Map([...base, [id('test/a.spec.js', fa!), 'PASSED'], [id('test/a.spec.js', pa!), 'PASSED']]));
    expect(r.canaries).toEqual({ fail: 'passed', pass: 'passed', kind: 'synthetic', guess: 1 });
    expect(r.problem).toMatch(/failing canary test .* came out passed, not failed/);
    expect(checkCanaries(p, new Map([[id('test/a.spec.js', fa!), 'FAILED'], [id('test/a.spec.js', pa!), 'FAILED']])).canaries.pass).toBe('failed');
  });

  it('allows a file whose canaries are all absent (not run), but not half a pair, nor none at all', () => {
    const half = checkCanaries(p, new Map([[id('test/a.spec.js', fa!), 'FAILED'], [id('test/a.spec.js', pa!), 'PASSED']]));
    expect(half.problem).toBeNull();
    // The file that reported none is named, for fail_only grading (grade.ts unrunFileStatus).
    expect(half.silent).toEqual(['test/b.spec.js']);
    expect(checkCanaries(p, new Map([[id('test/a.spec.js', fa!), 'FAILED']])).problem).toMatch(/passing canary .* came out missing/);
    const none = checkCanaries(p, new Map(base));
    expect(none.canaries).toEqual({ fail: 'missing', pass: 'missing', kind: 'synthetic', guess: 1 });
    expect(none.problem).toMatch(/none of the canary tests added to test\/a\.spec\.js, test\/b\.spec\.js/);
  });
});

describe('second channel', () => {
  it('adds fixbench\'s lean TAP reporter (single-quoted data: URL) to a node --test JUnit command, first in both lists', () => {
    const c = planSecondChannel('node --test --test-reporter=junit --test-reporter-destination=report.xml', reportKind('junit:report.xml'), '/ws')!;
    expect(c.kind).toBe('tap');
    expect(c.path).toMatch(/^\.fixbench-[0-9a-f]{16}\.tap$/);
    expect(LEAN_TAP_REPORTER).toMatch(/^data:text\/javascript;base64,[A-Za-z0-9+/=]+$/);
    expect(c.cmd).toBe(`node --test '--test-reporter=${LEAN_TAP_REPORTER}' --test-reporter-destination=/ws/${c.path} --test-reporter=junit --test-reporter-destination=report.xml`);
  });

  it('finds node\'s --test after other node flags (atkO15 #2: no channel, so JUnit alone judged a parent\'s own failure)', () => {
    const c = planSecondChannel('node --test-reporter=junit --test-reporter-destination=report.xml --test', reportKind('junit:report.xml'), '/ws')!;
    expect(c.cmd).toBe(`node --test-reporter=junit --test-reporter-destination=report.xml --test '--test-reporter=${LEAN_TAP_REPORTER}' --test-reporter-destination=/ws/${c.path}`);
    expect(planSecondChannel('node --no-warnings --test --test-reporter=junit --test-reporter-destination=r.xml', reportKind('junit:r.xml'), '/ws')!.cmd).toMatch(/^node --no-warnings --test '--test-reporter=data:/);
    // an option whose value is the next word (atkP15 #2: the channel was left out, and JUnit alone judged)
    for (const pre of ['--conditions development', '--import tsx', '-r ./setup.cjs', '--require ./a.cjs --no-warnings']) {
      expect(planSecondChannel(`node ${pre} --test --test-reporter=junit --test-reporter-destination=r.xml`, reportKind('junit:r.xml'), '/ws')?.cmd, pre).toMatch(new RegExp(`^node ${pre.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} --test '--test-reporter=data:`));
    }
    // a script's own --test argument is no node:test run
    expect(planSecondChannel('node script.js --test --test-reporter=junit --test-reporter-destination=r.xml', reportKind('junit:r.xml'), '/ws')).toBeNull();
  });

  it('keeps a sole TAP reporter on stdout and adds JUnit beside it', () => {
    const c = planSecondChannel('node --test --test-reporter=tap', reportKind('tap'), '/ws')!;
    expect(c.cmd).toBe(`node --test --test-reporter=junit --test-reporter-destination=/ws/${c.path} --test-reporter-destination=stdout --test-reporter=tap`);
  });

  it('writes it at the repository root whatever folder the command runs node in: an absolute destination, quoted when the shell would read the root (atkC18 #6)', () => {
    const c = planSecondChannel('cd packages/x && node --test --test-reporter=junit --test-reporter-destination=../../r.xml', reportKind('junit:r.xml'), '/tmp/ws-1')!;
    expect(c.path).toMatch(/^\.fixbench-[0-9a-f]{16}\.tap$/);
    expect(c.cmd).toBe(`cd packages/x && node --test '--test-reporter=${LEAN_TAP_REPORTER}' --test-reporter-destination=/tmp/ws-1/${c.path} --test-reporter=junit --test-reporter-destination=../../r.xml`);
    const spaced = planSecondChannel('node --test --test-reporter=junit --test-reporter-destination=r.xml', reportKind('junit:r.xml'), "/tmp/my work/it's")!;
    expect(spaced.cmd).toContain(` '--test-reporter-destination=/tmp/my work/it'\\''s/${spaced.path}' `);
  });

  it.each([
    ['npx mocha --reporter json --reporter-option output=r.json', 'mocha-json:r.json'],
    ['npx vitest run --reporter=junit --outputFile=r.xml', 'junit:r.xml'],
    ['node --test && node --test --test-reporter=junit --test-reporter-destination=r.xml', 'junit:r.xml'],
    ['node --test --test-reporter=junit --test-reporter=spec --test-reporter-destination=r.xml', 'junit:r.xml'],
  ])('gives none where the runner has no second report: %s', (cmd, report) => {
    expect(planSecondChannel(cmd, reportKind(report), '/ws')).toBeNull();
  });

  it('names the tests the channels disagree on', () => {
    const a: TestResults = new Map([['t1', 'PASSED'], ['t2', 'PASSED']]);
    expect(compareChannels(a, new Map(a), ['t1', 't2'], 'TAP channel')).toEqual({ disagree: null, ambiguous: null });
    expect(compareChannels(a, new Map([['t1', 'PASSED'], ['t2', 'FAILED']]), ['t1', 't2'], 'TAP channel').disagree).toMatch(/disagree on 1 test\(s\): "t2": report PASSED, TAP channel FAILED/);
    expect(compareChannels(a, new Map([['t1', 'PASSED']]), ['t1', 't2'], 'TAP channel').disagree).toMatch(/"t2": report PASSED, TAP channel MISSING/);
  });
});

describe('judgeRun', () => {
  const p = plan(planCanaries('node:test', new Map([['test/a.test.js', CJS.replace('assert.ok(1)', 'assert.equal(1, 1)')]]), null));
  const guard: Guard = { cmd: 'x', plan: p, channel: { cmd: 'x', path: '.f.tap', kind: 'tap' }, unprotected: null, tampered: null, noChannel: null, tapLeaves: true, suites: false };
  const tail = (i: number) => tailOfTest(p.tests[i]!);
  // A file with one test: its group, the mutant and a third member (a copy of the test or of the mutant: must pass or fail).
  const parsed: TestResults = new Map([['x > y', 'PASSED'], [tail(0), 'FAILED'], [tail(1), p.tests[1]!.must]]);
  const lists = { FAIL_TO_PASS: ['x > y'], PASS_TO_PASS: [] };

  it('trusts a run whose canaries, channels and exit code agree', () => {
    const v = judgeRun(guard, lists, parsed, new Map(parsed), 1);
    expect(v).toMatchObject({ tampered: null, channels: 2, canaries: { fail: 'failed', pass: 'passed', kind: 'mutated' } });
    expect([...v.rest.keys()]).toEqual(['x > y']);
  });

  it('is tampered when the channels disagree on a listed test or a canary, or the command exits 0', () => {
    expect(judgeRun(guard, lists, parsed, new Map([...parsed, ['x > y', 'FAILED']]), 1).tampered).toMatch(/two result channels disagree .*"x > y"/);
    expect(judgeRun(guard, lists, parsed, new Map([...parsed, [tail(0), 'PASSED']]), 1).tampered).toMatch(/disagree/);
    expect(judgeRun(guard, lists, parsed, new Map(parsed), 0).tampered).toMatch(/exited 0 although the failing canary test failed/);
  });
  it('gives no verdict for a node:test run that could get no second channel (atkR15 #1: JUnit alone resolved a wrong patch failing only in a hook)', async () => {
    const v = judgeRun({ ...guard, channel: null, noChannel: 'why' }, lists, parsed, null, 1);
    expect(v).toMatchObject({ tampered: null, noVerdict: 'why', channels: 1 });
    const dir = mkdtempSync(path.join(tmpdir(), 'fixbench-nochannel-'));
    try {
      writeFileSync(path.join(dir, 'a.test.js'), CJS);
      const pkg = JSON.stringify({ scripts: { test: 'node --test --test-reporter=junit --test-reporter-destination=r.xml' } });
      const task = (cmd: string, report: string) => ({ instance_id: 'n-1', test_cmd: cmd, test_report: report, test_patch: `diff --git a/a.test.js b/a.test.js\nnew file mode 100644\n--- /dev/null\n+++ b/a.test.js\n@@ -0,0 +1 @@\n+x\n`, FAIL_TO_PASS: ['x > y'], PASS_TO_PASS: [] }) as unknown as Parameters<typeof guardRun>[1];
      // an npm script running node --test: canaries, but no channel can be added, so no verdict
      const viaNpm = await guardRun(dir, task('npm test', 'junit:r.xml'), reportKind('junit:r.xml'), true, pkg, undefined, undefined, undefined);
      expect(viaNpm.channel).toBeNull();
      expect(viaNpm.noChannel).toMatch(/cannot add its second report to .*write test_cmd as one `node --test …`/);
      writeFileSync(path.join(dir, 'a.test.js'), CJS);
      // the same command written out, with an option's value as a separate word: a channel, nothing withheld
      const direct = await guardRun(dir, task('node --unhandled-rejections strict --test --test-reporter=junit --test-reporter-destination=r.xml', 'junit:r.xml'), reportKind('junit:r.xml'), true, pkg, undefined, undefined, undefined);
      expect(direct.channel?.kind).toBe('tap');
      expect(direct.noChannel).toBeNull();
      writeFileSync(path.join(dir, 'a.test.js'), CJS);
      // a shell script, or node's runner without --test: the test files import node:test, so the same (atkS15 #1)
      for (const cmd of ['sh test.sh', 'node --test-reporter=junit --test-reporter-destination=r.xml a.test.js']) {
        const g = await guardRun(dir, task(cmd, 'junit:r.xml'), reportKind('junit:r.xml'), true, null, undefined, undefined, undefined);
        writeFileSync(path.join(dir, 'a.test.js'), CJS);
        expect(g.plan?.runner, cmd).toBe('node:test');
        expect(g.noChannel, cmd).toMatch(/cannot add its second report/);
      }
      // node's default reporter read as TAP: named, with JUnit beside it
      const bare = await guardRun(dir, task('node --test', 'tap'), reportKind('tap'), true, pkg, undefined, undefined, undefined);
      expect(bare.channel?.cmd).toMatch(/^node --test --test-reporter=junit --test-reporter-destination=\S+ --test-reporter=tap --test-reporter-destination=stdout$/);
      expect(bare.noChannel).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseReportText', () => {
  it('strips ANSI escapes before every parser, TAP included', () => {
    const tap = '\u001b[32mTAP version 13\u001b[39m\n\u001b[32mok 1 - adds\u001b[39m\n\u001b[31mnot ok 2 - subtracts\u001b[39m\n\u001b[2m1..2\u001b[22m\n';
    expect(parseReportText('tap', tap)).toEqual(new Map([['adds', 'PASSED'], ['subtracts', 'FAILED']]));
    const junit = '<testsuites><testsuite name="\u001b[1madd\u001b[22m"><testcase name="adds"/></testsuite></testsuites>';
    expect(parseReportText('junit', junit)).toEqual(new Map([['add > adds', 'PASSED']]));
  });
});
