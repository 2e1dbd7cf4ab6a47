// A failure of a parent's own code (a describe's hook, a parent test's own body) in node:test: its
// TAP closing point is the only place it shows (node's JUnit writes the parent as a <testsuite>
// without it), so read leaves-only it fails every test under the parent, marked inherited, and a
// JUnit report that cannot say so gives no verdict instead of a disagreement (atkM14 #1: a wrong
// patch failing only there resolved 4 of 4).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LEAN_TAP_REPORTER } from '../../../src/evaluation/channel-reporter.ts';
import { compareChannels } from '../../../src/evaluation/channels.ts';
import { findTests } from '../../../src/evaluation/canary-parse.ts';
import { inheritedFailure, parseJunit, parseTap } from '../../../src/evaluation/parse/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'fixbench-tap-inherited-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHAPES = `const { describe, it, after } = require('node:test');
const assert = require('node:assert');
describe('hours', () => { after(() => assert.ok(false)); it('reads one', () => {}); });
describe('subs', () => { it('bad', () => assert.ok(false)); it('good', () => {}); });
it('parent', async (t) => { await t.test('child', () => {}); assert.ok(false); });
it('fine parent', async (t) => { await t.test('fine child', () => {}); });
`;

/** Runs SHAPES under node's own TAP reporter, the lean channel reporter and JUnit: their texts. */
function run(): { tap: string; lean: string; junit: string } {
  writeFileSync(path.join(dir, 'shapes.test.js'), SHAPES);
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', '--test-reporter-destination=stdout', `--test-reporter=${LEAN_TAP_REPORTER}`, '--test-reporter-destination=lean.tap', '--test-reporter=junit', '--test-reporter-destination=out.xml', 'shapes.test.js'], { cwd: dir, encoding: 'utf8' });
  return { tap: r.stdout, lean: readFileSync(path.join(dir, 'lean.tap'), 'utf8'), junit: readFileSync(path.join(dir, 'out.xml'), 'utf8') };
}

describe('node:test TAP read leaves-only: a parent\'s own failure', () => {
  const out = run();

  it('fails every test under a describe whose hook failed, or a parent test whose own body failed, in node\'s TAP and the lean reporter alike', () => {
    for (const text of [out.tap, out.lean]) {
      const r = parseTap(text, { leaves: true });
      expect(Object.fromEntries(r)).toEqual({ 'hours > reads one': 'FAILED', 'subs > bad': 'FAILED', 'subs > good': 'PASSED', 'parent > child': 'FAILED', 'fine parent > fine child': 'PASSED' });
      expect(inheritedFailure(r, 'hours > reads one')).toBe(true);
      expect(inheritedFailure(r, 'parent > child')).toBe(true);
      // a suite failing because a test in it failed passes nothing on: its other tests keep their status
      expect(inheritedFailure(r, 'subs > bad')).toBe(false);
    }
    // read with every point (another runner's TAP), the suites are ids of their own and nothing is inherited
    const all = parseTap(out.tap);
    expect(all.get('hours > reads one')).toBe('PASSED');
    expect(all.get('hours')).toBe('FAILED');
  });

  it('passes it only to the tests inside that very subtest, never to another suite of the same title (atkN14 #1)', () => {
    writeFileSync(path.join(dir, 'a.test.js'), "const { describe, it } = require('node:test');\ndescribe('units', () => { it('reads hours', () => {}); });\n");
    writeFileSync(path.join(dir, 'z.test.js'), "const { describe, it, after } = require('node:test');\ndescribe('units', () => { after(() => { throw new Error('teardown'); }); it('cleans up', () => {}); });\ndescribe('units', () => { it('reads days', () => {}); });\n");
    const r = spawnSync(process.execPath, ['--test', `--test-reporter=${LEAN_TAP_REPORTER}`, 'a.test.js', 'z.test.js'], { cwd: dir, encoding: 'utf8' });
    const res = parseTap(r.stdout, { leaves: true });
    expect(Object.fromEntries(res)).toEqual({ 'units > reads hours': 'PASSED', 'units > cleans up': 'FAILED', 'units > reads days': 'PASSED' });
    expect(inheritedFailure(res, 'units > cleans up')).toBe(true);
  });

  it('a parent labelled subtestsFailed with no failed test inside failed in its own code: the label is node\'s own error code, which code under test can throw (atkO15 #1)', () => {
    // the spoof: a node error (kIsNodeError) relabelled ERR_TEST_FAILURE/subtestsFailed passes node's Test.run unwrapped
    const spoof = "const { it } = require('node:test');\nconst assert = require('node:assert');\n" +
      "function spoofed(e) { let n; try { Buffer.alloc(-1); } catch (x) { n = x; } n.code = 'ERR_TEST_FAILURE'; n.failureType = 'subtestsFailed'; n.message = e.message; return n; }\n" +
      "it('lists', async (t) => { await t.test('keeps order', () => {}); try { assert.ok(false); } catch (e) { throw spoofed(e); } });\n" +
      "it('honest', async (t) => { await t.test('fails', () => assert.ok(false)); await t.test('passes', () => {}); });\n" +
      "const { describe } = require('node:test');\ndescribe('in a describe', () => { it('fails', () => assert.ok(false)); it('passes', () => {}); });\n" +
      // the spoof beside a failing subtest it registers itself (atkP15 #1)
      "it('spoof2', async (t) => { await t.test('kept', () => {}); test('edge', () => { throw new Error('e'); }); await new Promise((r) => setTimeout(r, 10)); try { assert.ok(false); } catch (e) { throw spoofed(e); } });\n";
    writeFileSync(path.join(dir, 'spoof.test.js'), spoof);
    const r = spawnSync(process.execPath, ['--test', `--test-reporter=${LEAN_TAP_REPORTER}`, 'spoof.test.js'], { cwd: dir, encoding: 'utf8' });
    expect(r.stdout).toMatch(/failureType: 'subtestsFailed'/); // node did label the parent's own failure so
    const res = parseTap(r.stdout, { leaves: true });
    // a parent test's label is never believed (its failing subtest may be one the code under test registered: atkP15 #1),
    // so an honest parent test with a failing subtest fails the other one too; a describe's is (node sets it)
    expect(Object.fromEntries(res)).toEqual({ 'lists > keeps order': 'FAILED', 'honest > fails': 'FAILED', 'honest > passes': 'FAILED', 'in a describe > fails': 'FAILED', 'in a describe > passes': 'PASSED', 'spoof2 > kept': 'FAILED' });
    expect(inheritedFailure(res, 'lists > keeps order')).toBe(true);
    expect(inheritedFailure(res, 'honest > passes')).toBe(true);
    expect(inheritedFailure(res, 'in a describe > passes')).toBe(false);
    expect(res.get('spoof2 > kept')).toBe('FAILED');
    expect(inheritedFailure(res, 'spoof2 > kept')).toBe(true);
  });

  it('a file-level hook\'s failure (a point named by the file\'s path) fails the tests of the report, marked inherited (atkO15 #3)', () => {
    writeFileSync(path.join(dir, 'hook.test.js'), "const { test, after } = require('node:test');\nconst assert = require('node:assert');\ntest('one', () => {});\ntest.skip('later', () => {});\nafter(() => assert.equal(1, 2));\n");
    writeFileSync(path.join(dir, 'other.test.js'), "const { test } = require('node:test');\ntest('two', () => {});\n");
    const r = spawnSync(process.execPath, ['--test', `--test-reporter=${LEAN_TAP_REPORTER}`, '--test-reporter-destination=stdout', '--test-reporter=junit', '--test-reporter-destination=hook.xml', 'hook.test.js', 'other.test.js'], { cwd: dir, encoding: 'utf8' });
    const res = parseTap(r.stdout, { leaves: true });
    expect(res.get('one')).toBe('FAILED');
    expect(res.get('two')).toBe('FAILED');
    expect(res.get('later')).toBe('SKIPPED');
    expect(inheritedFailure(res, 'one')).toBe(true);
    // node's JUnit shows every test passed (the hook is a testcase named by the path): compared, no verdict
    const junit = parseJunit(readFileSync(path.join(dir, 'hook.xml'), 'utf8'));
    expect(junit.get('one')).toBe('PASSED');
    expect(compareChannels(junit, res, ['one'], 'TAP channel')).toMatchObject({ disagree: null, ambiguous: expect.stringMatching(/"one"/) });
    // a failing test (no hook) fails alone
    writeFileSync(path.join(dir, 'plain.test.js'), "const { test } = require('node:test');\ntest('bad', () => { throw new Error('x'); });\ntest('good', () => {});\n");
    const plain = parseTap(spawnSync(process.execPath, ['--test', `--test-reporter=${LEAN_TAP_REPORTER}`, 'plain.test.js'], { cwd: dir, encoding: 'utf8' }).stdout, { leaves: true });
    expect(Object.fromEntries(plain)).toEqual({ bad: 'FAILED', good: 'PASSED' });
  });

  it('node\'s JUnit report cannot carry it: compared with it, the inherited failures are no verdict, a real disagreement stays one', () => {
    const junit = parseJunit(out.junit);
    expect(junit.get('hours > reads one')).toBe('PASSED');
    const tap = parseTap(out.lean, { leaves: true });
    const c = compareChannels(junit, tap, ['hours > reads one', 'parent > child', 'subs > bad'], 'TAP channel');
    expect(c.disagree).toBeNull();
    expect(c.ambiguous).toMatch(/2 test\(s\) failed with a test or suite around them that failed in its own code.*"hours > reads one"/);
    // TAP first (the inherited failure in the first channel) likewise
    expect(compareChannels(tap, junit, ['parent > child'], 'JUnit channel')).toMatchObject({ disagree: null, ambiguous: expect.stringMatching(/parent > child/) });
    // a FAILED that is not inherited against a PASSED is a disagreement
    const forged = new Map(junit);
    forged.set('subs > bad', 'PASSED');
    expect(compareChannels(forged, tap, ['subs > bad'], 'TAP channel').disagree).toMatch(/"subs > bad": report PASSED, TAP channel FAILED/);
  });
});

describe('canary sources', () => {
  it('a test that registers tests inside (t.test, a nested it or describe) is never copied', () => {
    const found = findTests('a.test.js', `${SHAPES}it('plain', () => { assert.equal(f(), 2); });\nit('regex', () => { assert.equal(/x/.test('x'), true); });\n`)!;
    const unsafe = Object.fromEntries(found.map((t) => [t.title, t.unsafe]));
    expect(unsafe).toMatchObject({ parent: true, 'fine parent': true, plain: false, regex: false, 'reads one': false });
  });

  it('fails closed on every other use of the test\'s context (atkN14 #2: a helper given t, t[\'test\'])', () => {
    const src = [
      // `sub` (given t) lives in another module: were it declared here, its t.test would make the whole file no source
      "it('helper', async (t) => { await sub(t); assert.equal(f(), 2); });",
      "it('computed', async (t) => { await t['test']('inner', () => {}); assert.equal(f(), 2); });",
      "it('bound', async (t) => { const s = t.test.bind(t); assert.equal(f(), 2); });",
      "it('destructured', async ({ test }) => { assert.equal(f(), 2); });",
      "it('arguments', async function () { await arguments[0].test('x', () => {}); assert.equal(f(), 2); });",
      "it('context asserts', (t) => { t.assert.equal(f(), 2); t.diagnostic('ok'); t.mock.fn(); });",
      "it('done', function (done) { assert.equal(f(), 2); done(); });",
      "it('a key named t', (t) => { const o = { t: 1 }; assert.equal(o.t, 2); });",
    ].join('\n');
    const unsafe = Object.fromEntries(findTests('b.test.js', src)!.map((t) => [t.title, t.unsafe]));
    expect(unsafe).toEqual({ helper: true, computed: true, bound: true, destructured: true, arguments: true, 'context asserts': false, done: false, 'a key named t': false });
  });

  it('a `function` callback\'s this is the context too (atkO15 #5: this.test)', () => {
    const src = [
      "test('p', function () { this.test('k', () => {}); assert.equal(f(), 1); });",
      "it('m', function () { this.timeout(5); assert.equal(f(), 1); });",
      "test('n', function () { const go = () => this; go(); assert.equal(f(), 1); });",
      "test('arrow', () => { assert.equal(f(), 1); });",
    ].join('\n');
    expect(Object.fromEntries(findTests('c.test.js', src)!.map((t) => [t.title, t.unsafe]))).toEqual({ p: true, m: false, n: true, arrow: false });
  });

  it('a test calling a function of the file that registers tests (under any name) is no canary source; registrations while the file loads are fine (atkP15 #4)', () => {
    const H = "const { test, describe } = require('node:test');\nconst assert = require('node:assert');\n";
    const unsafe = (src: string): Record<string, boolean> => Object.fromEntries(findTests('d.test.js', src)!.map((t) => [t.title, t.unsafe]));
    // registrations at collection time (top level, a suite's callback, a loop or a table's forEach there) leave every test a source
    expect(unsafe(`${H}test('a', () => { assert.equal(f(), 2); });\ndescribe('s', () => { for (const x of [1]) test('b' + x, () => {}); test('c', () => { assert.equal(1, 1); }); });\n[[1, 'one'], [2, 'two']].forEach(([n, w]) => test(\`names \${n}\`, () => assert.equal(name(n), w)));\n`)).toEqual({ a: false, c: false });
    expect(unsafe("test.each([1])('n %i', () => {});\ntest('a', () => { expect(f()).toBe(2); });\ndescribe.skip('q', () => {});\n")).toEqual({ a: false });
    expect(unsafe("import { describe, it, expect } from 'vitest';\ndescribe('s', () => { it('a', () => { expect(f()).toBe(2); }); });\n")).toEqual({ a: false });
    // a test that calls (or hands on) a registering helper, directly or through another, under any name
    const helpers = [
      "function reg() { test('sub', () => {}); }",
      "const check = test;",
      "const h = { go() { return require('x').test('y', () => {}); } };",
      "const nt = require('node:test');",
      "const { test: alias } = require('node:test');",
      "const viaReg = () => reg();",
    ].join('\n');
    const tests = [
      "test('calls reg', () => { reg(); assert.equal(f(), 2); });",
      "test('uses check', () => { check('x', () => {}); assert.equal(f(), 2); });",
      "test('calls h', () => { h.go(); assert.equal(f(), 2); });",
      "test('uses nt', () => { nt.test('x', () => {}); assert.equal(f(), 2); });",
      "test('uses alias', () => { alias('x', () => {}); assert.equal(f(), 2); });",
      "test('through another', () => { viaReg(); assert.equal(f(), 2); });",
      "test('hands it on', () => { [1].forEach(reg); assert.equal(f(), 2); });",
      "test('plain', () => { assert.equal(f(), 2); });",
      "test('a key named reg', () => { const o = { reg: 1 }; assert.equal(o.reg, 1); });",
    ].join('\n');
    expect(unsafe(`${H}${helpers}\n${tests}\n`)).toEqual({ 'calls reg': true, 'uses check': true, 'calls h': true, 'uses nt': true, 'uses alias': true, 'through another': true, 'hands it on': true, plain: false, 'a key named reg': false });
    expect(unsafe("import { test as check } from 'node:test';\nimport { test } from 'node:test';\ntest('b', () => { check('x', () => {}); });\ntest('c', () => { assert.equal(f(), 2); });\n")).toEqual({ b: true, c: false });
    // a hook that registers runs while tests run: every test of the file may be a parent
    expect(unsafe(`${H}const { beforeEach } = require('node:test');\nbeforeEach(() => { test('z', () => {}); });\ntest('a', () => { assert.equal(f(), 2); });\n`)).toEqual({ a: true });
  });
});

describe('canary literals', () => {
  it('come only from the assertions after a test\'s last other statement, so a must-fail copy skips no clean-up (atkR15 #2)', () => {
    const src = [
      "it('releases', () => { const b = take(); assert.equal(count(), 2); release(b); });",
      "it('asserts last', async () => { const r = await f(); assert.equal(r, 1); await expect(g()).resolves.toBe(3); expect(h()).toEqual([4]); t.assert.equal(k(), 5); });",
      "it('closes between', () => { assert.equal(f(), 1); db.close(); assert.equal(g(), 2); });",
    ].join('\n');
    const lits = Object.fromEntries(findTests('e.test.js', src)!.map((t) => [t.title, t.literals.map((l) => l.value)]));
    expect(lits).toEqual({ releases: [], 'asserts last': [1, 4, 5], 'closes between': [2] });
  });
});
