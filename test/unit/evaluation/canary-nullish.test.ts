// A test expecting `undefined` or `null` gets a must-fail copy expecting `false` (atkD22 #2): it
// had no mutable literal, so a host holding only such tests got the synthetic pair, which a patch
// swallowing the failures of the tests calling its code passes.
import assert from 'node:assert';
import { describe, expect, it } from 'vitest';
import { findTests } from '../../../src/evaluation/canary-parse.ts';
import { mutateLiteral } from '../../../src/evaluation/canary-words.ts';
import { checkCanaries, planCanaries, type CanaryPlan } from '../../../src/evaluation/canary.ts';

const FILE = [
  "const { describe, it } = require('node:test');",
  "const assert = require('node:assert');",
  "const { lookup } = require('../src');",
  "describe('units', () => {",
  "  it('returns undefined for unknown names', () => { assert.strictEqual(lookup('fortnight'), undefined); });",
  "  it('has no alias list for unknown names', () => { assert.deepEqual(lookup.aliases('fortnight'), [null]); });",
  '});',
  '',
].join('\n');
const TASK = { FAIL_TO_PASS: ['test/u.test.js > units > returns undefined for unknown names'], PASS_TO_PASS: ['test/u.test.js > units > has no alias list for unknown names'], test_patch: '' };
const plan = (r: ReturnType<typeof planCanaries>): CanaryPlan => {
  if ('unprotected' in r) throw new Error(r.unprotected);
  return { ...r, tests: r.tests.filter((t) => !t.hook), namedIds: false };
};

describe('nullish expected values', () => {
  it('are read as literals of value null, and mutated to `false`', () => {
    const found = findTests('test/u.test.js', FILE)!;
    expect(found.map((t) => t.literals.map((l) => [FILE.slice(l.start, l.end), l.value]))).toEqual([[['undefined', null]], [['null', null]]]);
    expect(mutateLiteral(found[0]!.literals[0]!, FILE, [])).toEqual({ code: 'false', tell: false });
  });
  it('`false` equals neither, loosely or strictly, deeply or not, in node:assert (so the copy fails when the code is right)', () => {
    for (const v of [undefined, null]) {
      for (const m of ['equal', 'strictEqual', 'deepEqual', 'deepStrictEqual'] as const) {
        expect(() => assert[m](v, false), `${m}(${v}, false)`).toThrow();
        expect(() => assert[m]([1, v], [1, false]), `${m}([1, ${v}], [1, false])`).toThrow();
      }
    }
  });
  it('a host of such tests gets mutated canaries, not the synthetic pair; a patch passing every test is caught, an honest `false` is excused', () => {
    for (let i = 0; i < 20; i++) {
      const p = plan(planCanaries('node:test', new Map([['test/u.test.js', FILE]]), null, TASK));
      expect(p.kind).toBe('mutated');
      const fail = p.tests.find((t) => t.must === 'FAILED')!;
      expect(fail.original).toBe('units > returns undefined for unknown names');
      const text = p.texts.get('test/u.test.js')!;
      const swapped = p.swaps.length > 0;
      expect(text).toContain(`it('${swapped ? 'returns undefined for unknown names' : fail.title}', () => { assert.strictEqual(lookup('fortnight'), false); });`);
      const ids = findTests('test/u.test.js', text)!.map((t) => [...t.suites, t.title].join(' > '));
      const all = (status: 'PASSED' | 'FAILED'): Map<string, 'PASSED' | 'FAILED'> => new Map(ids.map((id) => [id, status]));
      // every test reported passed (a flipper of failures): the must-fail copy passed
      const flipped = checkCanaries(p, all('PASSED'));
      expect(flipped.problem).toMatch(/failing canary/);
      // an honest wrong lookup returning false: the original fails, its copy passes, and that is excused (results as graded: swaps undone)
      const honest = all('PASSED');
      honest.set('units > returns undefined for unknown names', 'FAILED');
      expect(checkCanaries(p, honest).problem).toBeNull();
      // …but not when the original passed
      expect(checkCanaries(p, all('PASSED')).problem).toMatch(/while the test it copies, "units > returns undefined for unknown names", did not fail/);
    }
  });
});
