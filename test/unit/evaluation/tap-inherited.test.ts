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
      "const sub = (t) => t.test('inner', () => {});",
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
});
