// Value-preserving respellings of a copy's literal (canary-respell.ts) and the must-pass copy's
// source (`passSource`): a copy of a listed test is never written verbatim, so a patch emptying
// every test whose function text another repeats (atkD22 #1) finds no listed test to empty.
import { execFileSync } from 'node:child_process';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { namesNoListedId, otherNumber, otherQuotes, passSource, respellCopy, respellJs, respellPython } from '../../../src/evaluation/canary-respell.ts';
import { findTests } from '../../../src/evaluation/canary-parse.ts';
import { mutateHost, variantTitle } from '../../../src/evaluation/canary-mutate.ts';
import { mutatePythonHost } from '../../../src/evaluation/canary-python.ts';
import { findPythonTests } from '../../../src/evaluation/canary-python-parse.ts';
import { oneRespelled, thirdsOf, withoutThirds } from './canary-fixture.ts';

const JS_STRINGS = ["'abc'", '"abc"', "''", '""', `'say "hi"'`, `"it's"`, "'it\\'s'", '"a\\"b"', "'\\\\'", "'tab\\there'", "'\\x41\\u0042'", "'line\\\ncontinued'", "'${x}'"];
const JS_NUMBERS = ['0', '7', '120000', '1.5', '0.25', '.5', '5.'];

describe('respellJs', () => {
  it.each([...JS_STRINGS, ...JS_NUMBERS])('%s keeps its value and changes its text', (src) => {
    const out = respellJs(src)!;
    expect(out).not.toBeNull();
    expect(out).not.toBe(src);
    expect(runInNewContext(`(${out})`)).toStrictEqual(runInNewContext(`(${src})`));
  });
  it('writes a number so that a member access after it still parses (`5..toFixed()` → `5.0.toFixed()`)', () => {
    expect(runInNewContext(`${otherNumber('5.')}.toFixed(1)`)).toBe('5.0');
    expect(runInNewContext(`${otherNumber('1.5')}.toFixed(2)`)).toBe('1.50');
  });
  it('gives null for what it does not write otherwise safely: hex, octal, exponents, separators, a 0-led integer, templates, broken text', () => {
    for (const src of ['0x1f', '0o7', '0b1', '1e5', '1_000', '010', '`abc`', "'abc", "'a'b'"]) expect(respellJs(src), src).toBeNull();
    expect(otherQuotes('x')).toBeNull();
  });
});

describe('respellPython', () => {
  const cases = ["'abc'", '"abc"', "''", `'say "hi"'`, `"it's"`, "'it\\'s'", "'a\\nb'", '0', '7', '120000', '1.5'];
  it('keeps the value and its type (python3 reads both)', () => {
    const outs = cases.map((c) => respellPython(c)!);
    expect(outs.every((o, i) => o !== null && o !== cases[i])).toBe(true);
    const script = `import ast, json, sys\npairs = json.loads(sys.stdin.read())\nprint(json.dumps([type(ast.literal_eval(a)) is type(ast.literal_eval(b)) and ast.literal_eval(a) == ast.literal_eval(b) for a, b in pairs]))`;
    const same = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(cases.map((c, i) => [c, outs[i]])) }).toString()) as boolean[];
    expect(same).toEqual(cases.map(() => true));
  });
  it('gives null for triple quotes, booleans, exponents', () => {
    for (const src of ["'''a'''", 'True', '1e5', '0x10']) expect(respellPython(src), src).toBeNull();
  });
});

describe('passSource', () => {
  const ok = (t: string): boolean => !t.endsWith('!');
  it('takes the first tier holding a test that can be respelled, else a test surely of neither list (verbatim), else none', () => {
    expect(passSource([['p2p'], ['p2p', 'u'], ['p2p', 'u', 'f2p']], ok, ['u'])).toBe('p2p');
    expect(passSource([['p2p!'], ['p2p!', 'u'], ['p2p!', 'u']], ok, ['u'])).toBe('u');
    expect(passSource([['p2p!'], ['p2p!'], ['p2p!', 'f2p']], ok, [])).toBe('f2p');
    expect(passSource([['p2p!'], ['p2p!', 'u!'], ['p2p!', 'u!', 'f2p!']], ok, ['u!'])).toBe('u!');
    expect(passSource([['p2p!'], ['p2p!', 'u!'], ['p2p!', 'u!', 'f2p!']], ok, [])).toBeNull();
  });
  it('namesNoListedId: a title no listed id holds anywhere, trimmed or as written (so a listed id of any form, a trailing space, a file part, mocha\'s joined title, keeps its test out)', () => {
    const ids = ['test/u.test.js > units > returns undefined for unknown names', 'units knows the hour'];
    expect(namesNoListedId(ids, 'knows the minute')).toBe(true);
    for (const title of ['returns undefined for unknown names', 'returns undefined for unknown names ', 'knows the hour', 'hour']) expect(namesNoListedId(ids, title), title).toBe(false);
    expect(namesNoListedId(ids, '  ')).toBe(false);
  });
});

describe('a host with its canaries holds no test text twice (atkD22 #1)', () => {
  const FILE = [
    "const { describe, it } = require('node:test');",
    "const assert = require('node:assert');",
    "const { lookup } = require('../src');",
    "describe('units', () => {",
    "  it('knows the hour', () => { assert.equal(lookup('h').ms, 3600000); });",
    "  it('returns undefined for unknown names', () => { assert.ok(lookup('fortnight') === undefined); });",
    "  it('knows the minute', () => { assert.equal(lookup('m').ms, 60000); });",
    '});',
    '',
  ].join('\n');
  it('a listed test is never copied alone (a pair equal by value with no mutant beside it: atkA23 #3); the must-pass copies are the groups\' third members, each its original or its mutant with one literal respelled', () => {
    const kinds = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const m = mutateHost('test/u.test.js', FILE, { failToPass: [], passToPass: ['units > returns undefined for unknown names'], added: new Set(), taken: new Set(), join: ' > ', maxFail: 2 })!;
      expect(m.tests.some((t) => t.original === 'units > returns undefined for unknown names')).toBe(false);
      const found = findTests('test/u.test.js', m.text)!;
      const fns = found.map((t) => m.text.slice(t.titleEnd, t.end));
      expect(new Set(fns).size, m.text).toBe(fns.length);
      const body = (title: string): string => { const t = found.find((x) => x.title === title)!; return m.text.slice(t.titleEnd, t.end); };
      const thirds = thirdsOf(m.tests);
      expect(thirds.map((t) => t.original).sort()).toEqual(['units > knows the hour', 'units > knows the minute']);
      for (const third of thirds) {
        const mutant = m.tests.find((t) => t.original === third.original && t !== third)!;
        const own = third.original.replace('units > ', '');
        const swapped = m.swaps.some((x) => x.b === `units > ${mutant.title}`);
        const copied = third.must === 'PASSED' ? body(swapped ? mutant.title : own) : body(swapped ? own : mutant.title);
        expect(oneRespelled(copied, body(third.title)), m.text).toBe(true);
        kinds.add(third.must);
      }
    }
    expect([...kinds].sort()).toEqual(['FAILED', 'PASSED']);
  });
  it('a listed test with no literal to respell gets no passing copy; one surely of neither list is copied verbatim', () => {
    const bare = FILE.replace("lookup('fortnight') === undefined", 'lookup(name) === undefined');
    const listed = mutateHost('test/u.test.js', bare, { failToPass: [], passToPass: ['units > returns undefined for unknown names'], added: new Set(), taken: new Set(), join: ' > ', maxFail: 2 })!;
    expect(withoutThirds(listed.tests).map((t) => t.must)).toEqual(['FAILED', 'FAILED']);
    expect(listed.tests.some((t) => t.original === 'units > returns undefined for unknown names')).toBe(false);
    const unlisted = mutateHost('test/u.test.js', bare, { failToPass: [], passToPass: [], added: new Set(), taken: new Set(), join: ' > ', maxFail: 2 })!;
    expect(withoutThirds(unlisted.tests).find((t) => t.must === 'PASSED')?.original).toBe('units > returns undefined for unknown names');
  });
  it('a title a result id writes otherwise (a trailing space, a `"`) is copied all the same — its results are found under every form (canary-check.ts) and leaving it out told a patch which tests have no canary (atkE23 F1) — but never verbatim; a copy\'s new title is keyed as written', () => {
    for (const odd of ['returns undefined for unknown names ', 'returns "undefined" for unknown names']) {
      const spaced = FILE.replace("'returns undefined for unknown names', () => { assert.ok(lookup('fortnight') === undefined); }", `'${odd}', () => { assert.equal(lookup(\`fortnight\`), 'none'); }`);
      const origins = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const m = mutateHost('test/u.test.js', spaced, { failToPass: ['units > returns undefined for unknown names'], passToPass: [], added: new Set(), taken: new Set(), join: ' > ', maxFail: 1 })!;
        for (const t of m.tests) origins.add(t.original);
        expect(m.tests.every((t) => t.title === t.title.trim())).toBe(true);
        const fns = findTests('test/u.test.js', m.text)!.map((t) => m.text.slice(t.titleEnd, t.end));
        expect(new Set(fns).size).toBe(fns.length);
      }
      expect(origins).toContain(`units > ${odd}`);
    }
    expect(namesNoListedId(['a > knows &quot;h&quot; as the hour'], 'knows "h" as the hour')).toBe(false);
  });
  it('respells an expected literal first, else one of the test\'s own body (an assertion\'s thunk\'s too), one inside a function it defines only for a copy that fails anyway (atkA23 #4, atkB23 #2: a serializer printing it; atkC23 #3: a code frame)', () => {
    const nested = "it('a', () => { const f = (n) => n * 60000; assert.equal(f(1), 60000); });\n";
    const [t] = findTests('t.test.js', nested)!;
    for (let i = 0; i < 20; i++) expect(respellCopy(nested, t!, [t!])!.start).toBeGreaterThan(nested.indexOf('assert'));
    const inner = "it('a', () => { const round = (ms) => Math.round(ms / 1000); assert.equal(toSource({ round }), `{round}`); });\n";
    const [u] = findTests('t.test.js', inner)!;
    expect(respellCopy(inner, u!, [u!])).toBeNull();
    expect(respellCopy(inner, u!, [u!], true)).toEqual({ start: inner.indexOf('1000'), end: inner.indexOf('1000') + 4, code: '1000.0' });
    // an expected literal first: a code frame quoting the line that made the error (atkC23 #3) reads the same line
    const frame = "it('a', () => { const err = new Error('unknown unit'); assert.strictEqual(where(err), \"const err = new Error('unknown unit');\"); });\n";
    const [c] = findTests('t.test.js', frame)!;
    for (let i = 0; i < 10; i++) expect(respellCopy(frame, c!, [c!])).toEqual({ start: frame.indexOf('"const'), end: frame.lastIndexOf('"') + 1, code: `'const err = new Error(\\'unknown unit\\');'` });
    const thunk = "it('a', () => assert.throws(() => parse(''), /empty/));\n";
    const [k] = findTests('t.test.js', thunk)!;
    expect(respellCopy(thunk, k!, [k!])).toEqual({ start: thunk.indexOf("''"), end: thunk.indexOf("''") + 2, code: '""' });
  });
  it('respellCopy skips a spelling whose copy would repeat another test of the file', () => {
    const two = "it('a', () => { f('x'); });\nit('b', () => { f(\"x\"); });\n";
    const [a] = findTests('t.test.js', two)!;
    expect(respellCopy(two, a!, findTests('t.test.js', two)!)).toBeNull();
    expect(respellCopy(two, a!, [a!])).toEqual({ start: two.indexOf("'x'"), end: two.indexOf("'x'") + 3, code: '"x"' });
  });
  it('pytest: a listed test is never copied alone; a group\'s third member is its original or mutant with another expected literal respelled (none where the test has one)', () => {
    const py = 'def test_hour():\n    assert lookup("h") == 3600000\n    assert unit("h") == "hour"\n\n\ndef test_minute():\n    assert lookup("m") == 60000\n';
    const kinds = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const m = mutatePythonHost(py, { failToPass: [], passToPass: ['test_hour', 'test_minute'], added: new Set(), taken: new Set(py.match(/\w+/g)), maxFail: 1 })!;
      const [mutant, third] = m.tests;
      expect(m.tests.every((t) => t.original === mutant!.original)).toBe(true);
      if (mutant!.original === 'test_minute') { expect(m.tests).toHaveLength(1); continue; }
      expect(m.tests).toHaveLength(2);
      const tests = findPythonTests(m.text)!;
      const body = (name: string): string => { const t = tests.find((x) => x.name === name)!; return m.text.slice(t.nameEnd, t.end); };
      const swapped = m.swaps.length > 0;
      const copied = third!.must === 'PASSED' ? body(swapped ? mutant!.title : 'test_hour') : body(swapped ? 'test_hour' : mutant!.title);
      expect(oneRespelled(copied, body(third!.title), true), m.text).toBe(true);
      kinds.add(third!.must);
    }
    expect([...kinds].sort()).toEqual(['FAILED', 'PASSED']);
  });
});

describe('a copy\'s new title', () => {
  it('is never the id of a test whose title is keyed otherwise (`knows the minute` is the id of `knows the minute `), nor holds a blank at an end', () => {
    const titles = ['knows the minute ', 'knows the second', 'knows the hour'];
    for (let i = 0; i < 50; i++) {
      const t = variantTitle('knows the second', titles, new Set(titles));
      expect(t).not.toBe('knows the minute');
      expect(t).toBe(t.trim());
    }
  });
  it('is never another test\'s id through node 20\'s JUnit spelling of `"` (atkF23: `rejects &quot; around a duration` beside `rejects " around a duration`)', () => {
    const titles = ['rejects " around a duration', 'rejects &quot; inside a duration', 'reads a duration inside or around blanks'];
    for (let i = 0; i < 50; i++) expect(variantTitle('rejects &quot; inside a duration', titles, new Set(titles))).not.toBe('rejects &quot; around a duration');
  });
});
