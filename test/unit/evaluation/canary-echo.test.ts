// A mutant drawn from its test's own tokens (canary-echo.ts): where every random draw is told by the
// rest of its test (echoTell: a parser test's input writes its expected values) or by what the
// repository documents (documentedOdds), the changed token is replaced by one the test writes, so
// both twins are echoed (and documented) alike; with no such token the pair stays at odds 1.
import { describe, expect, it } from 'vitest';
import { drawMutant, echoedValue, inputTell, restOdds, testTell, tokenMutants } from '../../../src/evaluation/canary-echo.ts';
import { findPythonTests } from '../../../src/evaluation/canary-python-parse.ts';
import { mutatePythonHost } from '../../../src/evaluation/canary-python.ts';
import { echoTell, tokensOf } from '../../../src/evaluation/canary-odds.ts';
import { mutateHost } from '../../../src/evaluation/canary-mutate.ts';
import { planCanaries } from '../../../src/evaluation/canary.ts';
import { checkCanaries } from '../../../src/evaluation/canary-check.ts';
import { findTests } from '../../../src/evaluation/canary-parse.ts';
import { withoutThirds } from './canary-fixture.ts';

describe('tokensOf', () => {
  it('reads an escape as a break, as a reader of the cooked string would', () => {
    expect(tokensOf("parse('\\uFEFFa,b\\nAnna,42')")).toEqual(['parse', 'a', 'b', 'anna', '42']);
    expect(tokensOf("'\\x41B' '\\u{1F600}c'", true)).toEqual(['B', 'c']);
    // the changed token of an escaped input is echoed now (was `ufeffa`)
    expect(echoTell("assert.deepEqual(parse('\\uFEFFa,b'), [[, 'b']])", "'a'", "'q'")).toBe(true);
  });
});

describe('tokenMutants', () => {
  it('replaces one token by one the rest writes, of the same kind and shape, in the literal\'s quote', () => {
    const rest = "assert.deepEqual(parse('a,b\\nc,42'), [[, 'b'], ['c', '42']])";
    expect(tokenMutants("'a'", rest).sort()).toEqual(["'b'", "'c'"]);
    expect(tokenMutants('"42"', rest)).toEqual([]); // no other digit run
    expect(tokenMutants("'x 42'", "f('7 x 99')").sort()).toEqual(["'f 42'", "'x 7'", "'x 99'"]); // `f` too: every token of the text it is given (drawMutant gives it string literals only)
    // a word keeps its standing with the vocabulary (a word reader sees both twins alike)
    const vocab = { vocab: (w: string): boolean => w !== 'c' };
    expect(tokenMutants("'a'", rest, vocab)).toEqual(["'b'"]);
    // numerically equal strings are no mutant (a loose comparison with a number passes both)
    expect(tokenMutants("'1'", "f('01', '2')")).toEqual(["'2'"]);
    expect(tokenMutants('12', 'f(3)')).toEqual([]);
  });
});

describe('restOdds', () => {
  it('tells (1) a pair whose changed tokens the rest of the test writes unequally often, 1/2 when as often', () => {
    // a parser test: the input token drawn for the mutant is written there once more than the original's (the rarer is the original)
    expect(restOdds("f('a,b'), [, 'b']", "'a'", "'b'")).toBe(1);
    expect(restOdds("f('a,b')", "'a'", "'b'")).toBe(0.5);
    expect(restOdds('f(1)', "'x'", "'y'")).toBe(0.5);
  });
});

describe('inputTell (atkQ15 #1: the answer is a slice of the test\'s input)', () => {
  const rest = "test('', () => { assert.equal(get('root = /srv\\nweb = /var/www\\nlogs = /tmp/app', 'web'), ); });";
  it('tells a pair where the input holds one value whole and not the other', () => {
    expect(inputTell(rest, "'/var/www'", "'/var/root'")).toBe(true); // token counts equal, the value whole only for the original
    expect(inputTell(rest, "'/srv'", "'/app'")).toBe(true); // '/app' is inside '/tmp/app', not bounded
    expect(inputTell(rest, "'/var/www'", "'/tmp/app'")).toBe(false); // both fields of the input: no tell
  });
  it('tells by adjacent tokens as written (`1-1`) or as a pair of tokens', () => {
    expect(inputTell("t(() => { f('a 1-1 b'); });", "'x 1-1'", "'x 1:1'")).toBe(true);
    expect(inputTell("t(() => { f('hello big world'); });", "'big world'", "'big hello'")).toBe(true);
    expect(inputTell("t(() => { f('nothing here'); });", "'abc'", "'abd'")).toBe(false);
  });
});

describe('drawMutant', () => {
  const always = (code: string) => () => ({ code, tell: false });
  it('draws from the test\'s own input where every random draw echoes one twin: both twins echoed as often, odds 1/2', () => {
    const rest = "assert.equal(nth('a,b,c', 1), )";
    const drawn = new Set<string>();
    for (let k = 0; k < 30; k++) {
      const m = drawMutant("'b'", always("'q'"), { rest, sources: ["'b'"] });
      expect(m).toMatchObject({ tell: false, odds: 0.5 });
      expect(echoTell(rest, "'b'", m.code)).toBe(false);
      drawn.add(m.code);
    }
    expect([...drawn].sort()).toEqual(["'a'", "'c'"]);
  });

  it('leaves a parser test\'s answer a tell: every token of its input is written once more than the original\'s', () => {
    const m = drawMutant("'a'", always("'q'"), { rest: "assert.deepEqual(parse('a,b'), [[, 'b']])", sources: ["'a'", "'b'"] });
    expect(m).toMatchObject({ code: "'q'", tell: true, odds: 1 });
  });

  it('keeps a random draw that tells nothing (it is not replaced by a token)', () => {
    const m = drawMutant("'2 days'", always("'2 hours'"), { rest: 'assert.equal(format(2 * 864e5), )', sources: ["'2 days'", "'3 hours'"] });
    expect(m).toEqual({ code: "'2 hours'", tell: false, odds: 0.5 });
  });

  it('draws a documented value for a documented original its test does not echo, from the values its file expects', () => {
    const documented = (v: string): boolean => ['b', 'a'].includes(v);
    const m = drawMutant("'b'", always("'my'"), { rest: 'assert.deepEqual(read(), [])', sources: ["'b'", "'a'", "'zz'"], documented });
    expect(m).toMatchObject({ code: "'a'", tell: false });
  });

  it('never draws a name the test writes only as code (a reader would tell that twin)', () => {
    const m = drawMutant("'ms'", () => ({ code: "'mx'", tell: true }), { rest: "assert.deepEqual(parse.all('2m'), [120000, ])", sources: ['120000', "'ms'"] });
    // 'all' has the shape of 'ms' but only the code writes it; '2m' is no word: the character edit stays, at odds 1
    expect(m).toMatchObject({ code: "'mx'", tell: true, odds: 1 });
  });

  it('stays a tell (odds 1) where no token of the test or file fits', () => {
    const rest = "assert.deepEqual(parse('host = localhost'), { host:  })";
    const m = drawMutant("'localhost'", always("'internal'"), { rest, sources: ["'localhost'"] });
    expect(m).toMatchObject({ code: "'internal'", tell: true, odds: 1 });
  });
});

describe('mutateHost with parser tests whose inputs hold their answers', () => {
  const head = "const { test } = require('node:test');\nconst assert = require('node:assert');\nconst { parse, nth } = require('../src/csv.js');\n";
  const ctx = (text: string) => ({ failToPass: [], passToPass: [], added: new Set(text.split('\n').map((_, i) => i + 1)), taken: new Set<string>(), join: ' > ', unique: () => true });

  it('hides the pairs (odds under 1): each mutant\'s new token is one its own test\'s input writes', () => {
    const text = `${head}test('picks the second field', () => assert.equal(nth('x,y,z', 1), 'y'));\ntest('picks the first field', () => assert.equal(nth('u,v,w', 0), 'u'));\ntest('picks the last field', () => assert.equal(nth('p,q,r', 2), 'r'));\ntest('picks nothing', () => assert.equal(nth('', 0), undefined));\n`;
    for (let k = 0; k < 20; k++) {
      const m = mutateHost('test/nth.test.js', text, ctx(text))!;
      expect(m.weak).toBe(false);
      expect(m.echoed).toEqual([]); // no pair is told by its test: nothing to name
      expect(m.hidden).toBe(3);
      expect(m.odds).toBe(1 / 8);
      for (const p of m.pairs) {
        const test = findTests('test/nth.test.js', text)!.find((t) => text.slice(t.start, t.end).includes(p.original))!;
        const input = /nth\('([^']*)'/.exec(text.slice(test.start, test.end))![1]!;
        expect(tokensOf(input), `${p.original} → ${p.mutant}`).toContain(p.mutant.slice(1, -1));
      }
    }
  });

  it('leaves parser tests whose outputs repeat their inputs weak, at odds 1 (no token is written as often as the original\'s)', () => {
    const text = `${head}test('reads one row', () => assert.deepEqual(parse('x,y'), [['x', 'y']]));\ntest('reads two rows', () => assert.deepEqual(parse('u,v\\nw,z'), [['u', 'v'], ['w', 'z']]));\ntest('reads nothing', () => assert.deepEqual(parse(''), []));\n`;
    for (let k = 0; k < 10; k++) {
      const m = mutateHost('test/csv.test.js', text, ctx(text))!;
      expect(m.hidden).toBe(0);
      expect(m.weak).toBe(true);
      expect(m.odds).toBe(1);
    }
  });

  it('leaves a file whose inputs hold the only token of each answer\'s shape weak, at odds 1', () => {
    const text = `${head}test('reads a host', () => assert.deepEqual(parse('host = localhost'), { host: 'localhost' }));\ntest('reads a port', () => assert.deepEqual(parse('port = 8080'), { port: '8080' }));\ntest('reads a user', () => assert.deepEqual(parse('user = administrator'), { user: 'administrator' }));\n`;
    for (let k = 0; k < 10; k++) {
      const m = mutateHost('test/ini.test.js', text, ctx(text))!;
      expect(m.hidden).toBe(0);
      expect(m.weak).toBe(true);
      expect(m.odds).toBe(1);
      // each must-fail copy is named with the value its test's input holds (what \`tasks validate\` warns with)
      const failing = withoutThirds(m.tests).filter((t) => t.must === 'FAILED').map((t) => t.original);
      expect(m.echoed.map((e) => e.test).sort()).toEqual([...failing].sort());
      const answers: Record<string, string> = { 'reads a host': 'localhost', 'reads a port': '8080', 'reads a user': 'administrator' };
      for (const e of m.echoed) expect(e.value).toBe(answers[e.test]);
    }
  });

  it('carries the named values into the plan and the run\'s canary results, with their file', () => {
    const text = `${head}test('reads a host', () => assert.deepEqual(parse('host = localhost'), { host: 'localhost' }));\ntest('reads a port', () => assert.deepEqual(parse('port = 8080'), { port: '8080' }));\n`;
    const plan = planCanaries('node:test', new Map([['test/ini.test.js', text]]), null);
    if ('unprotected' in plan) throw new Error(plan.unprotected);
    expect(plan.guess).toBe(1);
    expect(plan.echoed!.length).toBeGreaterThan(0);
    for (const e of plan.echoed!) expect(e).toEqual({ file: 'test/ini.test.js', test: e.test, value: e.test === 'reads a host' ? 'localhost' : '8080', tell: 'input' });
    const { canaries } = checkCanaries(plan, new Map());
    expect(canaries.echoed).toEqual(plan.echoed);
  });
});

describe('echoedValue: the record names which tell gives a value away, sign kept', () => {
  it('tells `input` where the rest writes one twin, `count` where it writes both twins\' tokens unequally often, null where neither', () => {
    expect(testTell("f('host = localhost')", "'localhost'", "'internal'")).toBe('input');
    // both `a` and `b` are written, `b` twice: a count gives the original away, not its being written
    expect(testTell("f('a b b')", "'a'", "'b'")).toBe('count');
    expect(testTell("f('a b')", "'a'", "'b'")).toBeNull();
  });

  it('keeps the unary minus a negative literal\'s span leaves out (JS and Python parsers)', () => {
    const js = "test('reads a debt', () => assert.equal(parse('owes -5'), -5));\n";
    const lit = findTests('test/a.test.js', js)![0]!.literals[0]!;
    expect(js.slice(lit.start, lit.end)).toBe('5');
    expect(echoedValue('reads a debt', "parse('owes -5')", js, lit, '7')).toEqual({ test: 'reads a debt', value: '-5', tell: 'input' });
    const py = "def test_debt():\n    assert parse('owes -5') == -5\n";
    const plit = findPythonTests(py)![0]!.literals[0]!;
    expect(echoedValue('test_debt', "parse('owes -5')", py, plit, '7')).toMatchObject({ value: '-5' });
    const { negative: _, ...unsigned } = lit;
    expect(echoedValue('t', "parse('owes 5')", js, unsigned, '7')).toMatchObject({ value: '5' });
  });

  it('a planned negative answer its input holds is named with its sign, in JS and Python', () => {
    const head = "const { test } = require('node:test');\nconst assert = require('node:assert');\n";
    const js = `${head}test('reads a debt', () => assert.equal(parse('owes -5'), -5));\ntest('reads nothing', () => assert.equal(parse(''), 0));\n`;
    const py = "def test_reads_debt():\n    assert parse('owes -5') == -5\n\n\ndef test_reads_nothing():\n    assert parse('') == 0\n";
    for (let k = 0; k < 5; k++) {
      const m = mutateHost('test/a.test.js', js, { failToPass: ['reads a debt'], passToPass: [], added: new Set(), taken: new Set<string>(), join: ' > ' })!;
      expect(m.echoed).toEqual([{ test: 'reads a debt', value: '-5', tell: 'input' }]);
      const p = mutatePythonHost(py, { failToPass: ['test_reads_debt'], passToPass: [], added: new Set(), taken: new Set(py.match(/\w+/g)) })!;
      expect(p.echoed).toEqual([{ test: 'test_reads_debt', value: '-5', tell: 'input' }]);
    }
  });
});

describe('one redraw rule for JS and Python (drawMutant)', () => {
  // Three getters whose inputs hold their answers, and one test with nothing to change (the passing copy's source).
  const js = "const { test } = require('node:test');\nconst assert = require('node:assert');\n" +
    "test('picks the second field', () => assert.equal(nth('x,y,z', 1), 'y'));\ntest('picks the first field', () => assert.equal(nth('u,v,w', 0), 'u'));\n" +
    "test('picks the last field', () => assert.equal(nth('p,q,r', 2), 'r'));\ntest('picks nothing', () => assert.equal(nth('', 0), undefined));\n";
  const py = "def test_picks_second_field():\n    assert nth('x,y,z', 1) == 'y'\n\n\ndef test_picks_first_field():\n    assert nth('u,v,w', 0) == 'u'\n\n\n" +
    "def test_picks_last_field():\n    assert nth('p,q,r', 2) == 'r'\n\n\ndef test_picks_nothing():\n    assert nth('', 0) is None\n";
  const every = (text: string) => new Set(text.split('\n').map((_, i) => i + 1));

  it('gives the same shape the same odds in both languages: each mutant drawn from its test\'s input, 1/2 a pair', () => {
    for (let k = 0; k < 10; k++) {
      const j = mutateHost('test/nth.test.js', js, { failToPass: [], passToPass: [], added: every(js), taken: new Set<string>(), join: ' > ', unique: () => true })!;
      const p = mutatePythonHost(py, { failToPass: [], passToPass: [], added: every(py), taken: new Set(py.match(/\w+/g)), unique: () => true })!;
      expect([j.odds, j.hidden, j.echoed]).toEqual([1 / 8, 3, []]);
      expect([p.odds, p.hidden, p.echoed]).toEqual([1 / 8, 3, []]);
      // each Python mutant is a token of its own test's input, as in JS, and never the original's value
      for (const pair of p.pairs) {
        const body = py.split('\n\n\n').find((t) => t.includes(`== ${pair.original}`))!;
        expect(tokensOf(/nth\('([^']*)'/.exec(body)![1]!)).toContain(pair.mutant.slice(1, -1));
        expect(pair.mutant).not.toBe(pair.original);
      }
    }
  });
});
