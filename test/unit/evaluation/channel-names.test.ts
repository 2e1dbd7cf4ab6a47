// The second channel on test names node --test's two reporters spell differently (CR, LF, CRLF, `"`,
// U+2028/U+2029, other controls): read from a real `node --test` run that writes both reports, as
// the second channel does, they must agree; and names that only a normalisation tells apart are
// never matched to another test's result. The TAP channel is written by fixbench's lean reporter
// (channel-reporter.ts), as the second channel writes it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { channelKey, compareChannels } from '../../../src/evaluation/channels.ts';
import { LEAN_TAP_REPORTER } from '../../../src/evaluation/channel-reporter.ts';
import { judgeRun, type Guard } from '../../../src/evaluation/integrity.ts';
import { parseJunit } from '../../../src/evaluation/parse/junit.ts';
import { parseTap } from '../../../src/evaluation/parse/tap.ts';
import { record, testCount, type TestResults } from '../../../src/evaluation/parse/index.ts';

// Each name once, passing and failing, top level and inside a suite whose own name holds a CR.
const NAMES = [
  'cr a\rb', 'lf a\nb', 'crlf a\r\nb', 'crcr a\r\rb', 'trailing cr\r', '\rleading cr', 'tab a\tb', 'nul a\0b', 'esc a\x1bb', 'bs a\bb',
  'vt a\vb', 'ff a\fb', 'del a\x7fb', 'c1 a\u0085b', 'ls a\u2028b', 'ps a\u2029b', 'backslash a\\b', 'hash a # b', 'quote "q"',
  'xml <&\'>', 'backslash cr a\\\rb', 'backslash lf a\\\nb', 'nbsp a\u00a0b', 'space cr a \r b',
];

describe('node --test: the TAP and JUnit channels agree on names with control characters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fixbench-names-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'names.test.mjs'), `import { describe, test } from 'node:test';
const names = ${JSON.stringify(NAMES)};
describe('suite\\rwith cr', () => { for (const n of names) { test(n, () => {}); test('fails ' + n, () => { throw new Error('no'); }); } });
for (const n of names) { test(n, () => {}); test('fails ' + n, () => { throw new Error('no'); }); }
`);
  try {
    execFileSync(process.execPath, ['--test', `--test-reporter=${LEAN_TAP_REPORTER}`, '--test-reporter-destination=out.tap', '--test-reporter=junit', '--test-reporter-destination=out.xml', 'names.test.mjs'], { cwd: dir, stdio: 'ignore' });
  } catch { /* the failing tests make it exit 1 */ }
  const tap = parseTap(readFileSync(join(dir, 'out.tap'), 'utf8'));
  const junit = parseJunit(readFileSync(join(dir, 'out.xml'), 'utf8'));
  // TAP also reports each suite as a test point; JUnit does not.
  const tests = (r: TestResults): string[] => [...r.keys()].filter((id) => ![...r.keys()].some((o) => o.startsWith(`${id} > `)));

  it('both channels read every test (a U+2028 in a name no longer loses the TAP stream)', () => {
    expect(tests(tap)).toHaveLength(NAMES.length * 4);
    expect(tests(junit)).toHaveLength(NAMES.length * 4);
    expect(new Set(tests(tap).map(channelKey)).size).toBe(NAMES.length * 4);
  });

  it('regression: JUnit first, TAP second and the reverse, every test agrees (a CR was `\\r` in TAP, `\\n` in JUnit: tampered)', () => {
    expect(compareChannels(junit, tap, tests(junit), 'TAP channel')).toEqual({ disagree: null, ambiguous: null });
    expect(compareChannels(tap, junit, tests(tap), 'JUnit channel')).toEqual({ disagree: null, ambiguous: null });
  });

  it('a status changed in one report under a name spelled differently is still caught', () => {
    const id = tests(junit).find((i) => i.startsWith('fails cr a'))!;
    expect(id).toBe('fails cr a\\nb');
    const forged = new Map(junit).set(id, 'PASSED');
    expect(compareChannels(forged, tap, [id], 'TAP channel').disagree).toMatch(/"fails cr a\\\\nb": report PASSED, TAP channel FAILED/);
  });
});

describe('names that share a key across the channels', () => {
  // As node 20 writes them: a CR name is `a\rb` in TAP and `a\nb` in JUnit; an LF name `a\nb` in TAP and `ab` in JUnit.
  const tap: TestResults = new Map([['t > a\\rb', 'FAILED'], ['t > a\\nb', 'PASSED']]);
  const junit: TestResults = new Map([['t > a\\nb', 'FAILED'], ['t > ab', 'PASSED']]);

  it('two tests whose names differ only in a CR or LF are not matched to each other: no verdict, not agreement', () => {
    for (const [first, second] of [[junit, tap], [tap, junit]] as const) {
      const c = compareChannels(first, second, [...first.keys()], 'other channel');
      expect(c.disagree).toBeNull();
      expect(c.ambiguous).toMatch(/cannot be matched across the two result channels/);
    }
  });

  it('a forger adding a same-key twin to the report it edits is still caught (tampered), not let off with no verdict', () => {
    // The CR test fails in truth (TAP); the edited JUnit report claims it passes and adds a twin.
    const c = compareChannels(new Map([['a\\nb', 'PASSED'], ['ab', 'PASSED']]), new Map([['a\\rb', 'FAILED']]), ['a\\nb'], 'TAP channel');
    expect(c.disagree).toMatch(/"a\\\\nb": report has "a\\\\nb", "ab" under one name, TAP channel "a\\\\rb"/);
    // A plain name and a twin differing only in white space.
    expect(compareChannels(new Map([['adds numbers', 'PASSED'], ['addsnumbers', 'FAILED']]), new Map([['adds numbers', 'FAILED']]), ['adds numbers'], 'TAP channel').disagree).not.toBeNull();
  });

  it('tests sharing a key but spelled alike in both channels are compared each under its own id', () => {
    const r: TestResults = new Map([['a b', 'PASSED'], ['ab', 'FAILED']]);
    expect(compareChannels(r, new Map(r), ['a b', 'ab'], 'TAP channel')).toEqual({ disagree: null, ambiguous: null });
    expect(compareChannels(r, new Map([['a b', 'FAILED'], ['ab', 'PASSED']]), ['a b'], 'TAP channel').disagree).toMatch(/"a b": report PASSED, TAP channel FAILED/);
  });

  it('judgeRun: an ambiguous listed test is no verdict, not tampered', () => {
    const guard: Guard = { cmd: 'x', plan: null, channel: { cmd: 'x', path: '.f.tap', kind: 'tap' }, unprotected: null, tampered: null, noChannel: null, tapLeaves: true, suites: false };
    const v = judgeRun(guard, { FAIL_TO_PASS: ['t > a\\nb'], PASS_TO_PASS: [] }, junit, tap, 1);
    expect(v.tampered).toBeNull();
    expect(v.noVerdict).toMatch(/cannot be matched/);
  });
});

// Honest parameterised names node 20's reporters spell alike or apart (attackC F3): each case in its
// own suite of one real `node --test` run writing both reports. `fail` names the tests that fail.
const CASES: Array<{ names: string[]; fail?: string[]; ambiguous?: boolean }> = [
  { names: ['unwraps foo\nbar', 'unwraps foobar'] }, // JUnit drops the LF: one id, two tests (was tampered, TAP first)
  { names: ['unwraps foo\nbar', 'unwraps foobar', 'unwraps foo\r\nbar'] },
  { names: ['trims "a"', 'trims " a"', 'trims "a "', 'trims "a  b"', 'trims "a b"'] }, // JUnit writes &quot; (was no verdict on every test)
  { names: ['trims "a"', 'trims " a"', 'trims "a "', 'trims "a  b"', 'trims "a b"'], fail: ['trims " a"', 'trims "a b"'] },
  { names: ['say "hi"', 'say &quot;hi&quot;'] }, // one id in JUnit
  { names: ['c\r\nd', 'c\\nd', 'e\rf', 'ef'] }, // CR read as LF, a literal backslash-n: one id in JUnit
  { names: ['lf at end\n', '\nlf first', 'x \n', 'sp \n sp'] },
  { names: ['unwraps foo\nbar', 'unwraps foobar'], fail: ['unwraps foo\nbar'], ambiguous: true }, // which of the two failed: JUnit cannot say
];

describe('node --test: honest names that differ only in line breaks, quotes or white space (table)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fixbench-names2-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'cases.test.mjs'), `import { describe, test } from 'node:test';
const cases = ${JSON.stringify(CASES)};
cases.forEach((c, i) => describe('case ' + i, () => { for (const n of c.names) test(n, () => { if ((c.fail ?? []).includes(n)) throw new Error('no'); }); }));
`);
  try {
    execFileSync(process.execPath, ['--test', `--test-reporter=${LEAN_TAP_REPORTER}`, '--test-reporter-destination=out.tap', '--test-reporter=junit', '--test-reporter-destination=out.xml', 'cases.test.mjs'], { cwd: dir, stdio: 'ignore' });
  } catch { /* failing tests make it exit 1 */ }
  const tap = parseTap(readFileSync(join(dir, 'out.tap'), 'utf8'));
  const junit = parseJunit(readFileSync(join(dir, 'out.xml'), 'utf8'));
  const inCase = (r: TestResults, i: number): string[] => [...r.keys()].filter((id) => id.startsWith(`case ${i} > `));

  CASES.forEach((c, i) => {
    it(`case ${i} ${JSON.stringify(c.names)}${c.fail ? ` failing ${JSON.stringify(c.fail)}` : ''}: never tampered, ${c.ambiguous ? 'no verdict allowed' : 'agreement'}, either channel first`, () => {
      expect(inCase(tap, i)).toHaveLength(c.names.length);
      for (const [first, second, label] of [[tap, junit, 'JUnit channel'], [junit, tap, 'TAP channel']] as const) {
        const r = compareChannels(first, second, inCase(first, i), label);
        expect(r.disagree).toBeNull();
        if (!c.ambiguous) expect(r.ambiguous).toBeNull();
      }
    });
  });

  it('a failing test flipped to pass in either report is tampered, also when JUnit collapsed it with a passing twin', () => {
    const failing = 'case 7 > unwraps foo\\nbar';
    expect(tap.get(failing)).toBe('FAILED');
    expect(compareChannels(new Map(tap).set(failing, 'PASSED'), junit, [failing], 'JUnit channel').disagree).toMatch(/report PASSED, report has .* \(2 tests\) .*FAILED at worst/);
    expect(junit.get('case 7 > unwraps foobar')).toBe('FAILED');
    expect(testCount(junit, 'case 7 > unwraps foobar')).toBe(2); // parseJunit counts the two testcases node merged
    expect(testCount(tap, failing)).toBe(1);
    // The JUnit report edited: both testcases of the collapsed id written as passing (the parser counts them).
    const forged: TestResults = new Map();
    for (const [id, st] of junit) for (let k = 0; k < testCount(junit, id); k++) record(forged, id, id === 'case 7 > unwraps foobar' ? 'PASSED' : st);
    expect(testCount(forged, 'case 7 > unwraps foobar')).toBe(2);
    expect(compareChannels(forged, tap, ['case 7 > unwraps foobar'], 'TAP channel').disagree).toMatch(/report PASSED, report has "case 7 > unwraps foobar" \(2 tests\) under one name/);
    // A quoted name's status changed: matched exactly, white space kept.
    expect(compareChannels(new Map(tap).set('case 3 > trims " a"', 'PASSED'), junit, ['case 3 > trims " a"'], 'JUnit channel').disagree).toMatch(/report PASSED, JUnit channel FAILED/);
  });

  it('a twin forged into the first report under a collapsed JUnit id is tampered', () => {
    const forged = new Map(tap).set('case 0 > unwraps foo\\r\\nbar', 'PASSED');
    expect(compareChannels(forged, junit, ['case 0 > unwraps foo\\r\\nbar'], 'JUnit channel').disagree).toMatch(/under one name/);
  });
});
