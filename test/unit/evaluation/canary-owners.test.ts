// checkCanaries' `owners` (canary-listed-hosts.ts: listed id → the added hosts holding it) and
// `holders` (node:test: every host node runs holding it): under node:test, whose ids name no file, a
// listed id held by a host that crashed on load (its canaries missing, a file-level failure of its own) is ERROR (that holder's test never ran: atkC20 #4, an in-memory run of one file's
// suite credited to its twin); every holder silent and the id reported is tampered.
import { describe, expect, it } from 'vitest';
import { checkCanaries, planCanaries, tailOfTest, type CanaryPlan } from '../../../src/evaluation/canary.ts';
import type { TestResults } from '../../../src/evaluation/parse/index.ts';

const FILE = (suite: string): string => `'use strict';\nconst { describe, it } = require('node:test');\nconst assert = require('node:assert/strict');\ndescribe(${JSON.stringify(suite)}, () => { it('finds units', () => assert.equal(1 + 1, 2)); it('lists units', () => assert.equal(2 + 2, 4)); });\n`;
const ID = 'units > finds units';
const plan = (runner: 'node:test' | 'mocha'): CanaryPlan => {
  const r = planCanaries(runner, new Map([['test/a.test.js', FILE('units')], ['test/b.test.js', FILE('units')], ['test/c.test.js', FILE('parse')]]), null);
  if ('unprotected' in r) throw new Error(r.unprotected);
  return r;
};
/** The canaries of `files` reported as they must come out. */
const canaries = (p: CanaryPlan, files: string[]): [string, 'PASSED' | 'FAILED'][] =>
  p.tests.filter((t) => files.includes(t.file)).map((t) => [tailOfTest(t), t.must === 'FAILED' ? 'FAILED' : 'PASSED']);
const owners = new Map([[ID, ['test/a.test.js', 'test/b.test.js']]]);

describe('checkCanaries with owners (node:test)', () => {
  const p = plan('node:test');
  it('both holders ran: the id keeps its status', () => {
    const parsed: TestResults = new Map([[ID, 'PASSED'], [`${ID} #2`, 'PASSED'], ...canaries(p, ['test/a.test.js', 'test/b.test.js'])]);
    const r = checkCanaries(p, parsed, new Set([ID]), false, owners);
    expect(r.problem).toBeNull();
    expect(r.rest.get(ID)).toBe('PASSED');
  });
  it('one holder crashed on load (a file-level failure, its canaries missing) while the id was reported: the id is ERROR, the run not tampered', () => {
    const parsed: TestResults = new Map([[ID, 'PASSED'], ['/tmp/ws/repo/test/a.test.js', 'FAILED'], ...canaries(p, ['test/b.test.js', 'test/c.test.js'])]);
    const r = checkCanaries(p, parsed, new Set([ID]), false, owners);
    expect(r.problem).toBeNull();
    expect(r.silent).toEqual(['test/a.test.js']);
    expect(r.rest.get(ID)).toBe('ERROR');
    // an id the crashed file neither holds nor writes keeps its status
    const other = checkCanaries(p, new Map([...parsed, ['parse > reads', 'PASSED']]), new Set([ID, 'parse > reads']), false, owners);
    expect(other.rest.get('parse > reads')).toBe('PASSED');
  });
  it('a holder silent with no result of its own (its suites\' bodies kept from running) makes the ids it holds ERROR too (atkG21 A)', () => {
    const parsed: TestResults = new Map([[ID, 'PASSED'], ...canaries(p, ['test/b.test.js', 'test/c.test.js'])]);
    const r = checkCanaries(p, parsed, new Set([ID]), false, owners);
    expect(r.problem).toBeNull();
    expect(r.rest.get(ID)).toBe('ERROR');
  });
  it('a holder node ran (a passing file-level result) that registered none of its tests, exited 0 at load: the ids it holds are ERROR (atkF21 A), a self-skipping guard in its text or not (atkH21 A)', () => {
    const parsed: TestResults = new Map([[ID, 'PASSED'], ['/ws/test/a.test.js', 'PASSED'], ...canaries(p, ['test/b.test.js', 'test/c.test.js'])]);
    expect(checkCanaries(p, parsed, new Set([ID]), false, owners).rest.get(ID)).toBe('ERROR');
    // a guard that skips the file by its own text reads the same as a patch stopping it: no excuse (atkH21 A)
    const bun = planCanaries('node:test', new Map([['test/a.test.js', `if (typeof Bun === 'undefined') return;\n${FILE('units')}`], ['test/b.test.js', FILE('units')], ['test/c.test.js', FILE('parse')]]), null);
    if ('unprotected' in bun) throw new Error(bun.unprotected);
    const parsedBun: TestResults = new Map([[ID, 'PASSED'], ['/ws/test/a.test.js', 'PASSED'], ...canaries(bun, ['test/b.test.js', 'test/c.test.js'])]);
    expect(checkCanaries(bun, parsedBun, new Set([ID]), false, owners).rest.get(ID)).toBe('ERROR');
  });
  it('a crashed host that writes a listed title in quotes without a test fixbench parses (an options argument) is a holder all the same (atkE21 B)', () => {
    const parsed: TestResults = new Map([[ID, 'PASSED'], ['test/a.test.js', 'ERROR'], ...canaries(p, ['test/b.test.js', 'test/c.test.js'])]);
    const r = checkCanaries(p, parsed, new Set([ID]), false, new Map());
    expect(r.rest.get(ID)).toBe('ERROR');
  });
  it('holders (test.patch\'s files too) apart from owners: a crashed test.patch file holding the id makes it ERROR, never tampered', () => {
    const parsed: TestResults = new Map([[ID, 'PASSED'], ['test/a.test.js', 'FAILED'], ...canaries(p, ['test/b.test.js', 'test/c.test.js'])]);
    const r = checkCanaries(p, parsed, new Set([ID]), false, new Map(), owners);
    expect(r.problem).toBeNull();
    expect(r.rest.get(ID)).toBe('ERROR');
  });
  it('every holder silent and the id reported: tampered', () => {
    const r = checkCanaries(p, new Map([[ID, 'PASSED'], ...canaries(p, ['test/c.test.js'])]), new Set([ID]), false, owners);
    expect(r.problem).toMatch(/none of the canary tests added to test\/a\.test\.js, test\/b\.test\.js was reported, yet their listed test "units > finds units" was/);
  });
});

describe('checkCanaries with owners (ids that name their file)', () => {
  it('mocha: a holder the runner does not run (its canaries silent) takes nothing from the id another holder reported', () => {
    const p = plan('mocha');
    const parsed: TestResults = new Map([[ID, 'PASSED'], ...canaries(p, ['test/b.test.js']).map(([id, s]) => [`test/b.test.js > ${id}`, s] as [string, 'PASSED' | 'FAILED'])]);
    const r = checkCanaries(p, parsed, new Set([ID]), false, owners);
    expect(r.rest.get(ID)).toBe('PASSED');
  });
});
