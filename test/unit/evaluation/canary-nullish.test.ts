// A test expecting `undefined` or `null` in an assertion telling the two apart gets a must-fail copy
// expecting the other (atkD22 #2): it had no mutable literal, so a host holding only such tests got
// the synthetic pair, which a patch swallowing the failures of the tests calling its code passes.
// Not `false` (atkB23 #1): no literal's mutant was ever `undefined`, so that pair told its original.
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
  "  it('has no alias list for unknown names', () => { assert.deepStrictEqual(lookup.aliases('fortnight'), [null]); });",
  '});',
  '',
].join('\n');
const TASK = { FAIL_TO_PASS: ['test/u.test.js > units > returns undefined for unknown names'], PASS_TO_PASS: ['test/u.test.js > units > has no alias list for unknown names'], test_patch: '' };
const plan = (r: ReturnType<typeof planCanaries>): CanaryPlan => {
  if ('unprotected' in r) throw new Error(r.unprotected);
  return { ...r, tests: r.tests.filter((t) => !t.hook), namedIds: false };
};

describe('nullish expected values', () => {
  it('are read as literals of value null under a strict assertion, each mutated to the other', () => {
    const found = findTests('test/u.test.js', FILE)!;
    expect(found.map((t) => t.literals.map((l) => [FILE.slice(l.start, l.end), l.value]))).toEqual([[['undefined', null]], [['null', null]]]);
    expect(mutateLiteral(found[0]!.literals[0]!, FILE, [])).toEqual({ code: 'null', tell: false });
    expect(mutateLiteral(found[1]!.literals[0]!, FILE, [])).toEqual({ code: 'undefined', tell: false });
  });
  it('are no literal under a loose assertion (undefined == null), nor as a shorthand property `{ undefined }`', () => {
    const loose = "it('a', () => { assert.equal(f(), undefined); });\nit('b', () => { assert.deepEqual(f(), [null, 1]); });\nit('c', () => { expect(f()).toEqual({ undefined }); });\nit('d', () => { expect(f()).toEqual({ a: undefined, b: 'x' }); });\n";
    expect(findTests('t.test.js', loose)!.map((t) => t.literals.map((l) => loose.slice(l.start, l.end)))).toEqual([[], ['1'], [], ['undefined', "'x'"]]);
  });
  it('the other one fails a strict assertion (so the copy fails when the code is right), flat or deep', () => {
    for (const [v, w] of [[undefined, null], [null, undefined]] as const) {
      for (const m of ['strictEqual', 'deepStrictEqual'] as const) {
        expect(() => assert[m](v, w), `${m}(${v}, ${w})`).toThrow();
        expect(() => assert[m]([1, v], [1, w]), `${m}([1, ${v}], [1, ${w}])`).toThrow();
        expect(() => assert[m]({ a: v }, { a: w }), `${m}({a: ${v}}, {a: ${w}})`).toThrow();
      }
    }
  });
  it('a host of such tests gets mutated canaries, not the synthetic pair; a patch passing every test is caught, an honest `null` is excused', () => {
    for (let i = 0; i < 20; i++) {
      const p = plan(planCanaries('node:test', new Map([['test/u.test.js', FILE]]), null, TASK));
      expect(p.kind).toBe('mutated');
      const fail = p.tests.find((t) => t.must === 'FAILED')!;
      expect(fail.original).toBe('units > returns undefined for unknown names');
      const text = p.texts.get('test/u.test.js')!;
      const swapped = p.swaps.length > 0;
      expect(text).toContain(`it('${swapped ? 'returns undefined for unknown names' : fail.title}', () => { assert.strictEqual(lookup('fortnight'), null); });`);
      const ids = findTests('test/u.test.js', text)!.map((t) => [...t.suites, t.title].join(' > '));
      const all = (status: 'PASSED' | 'FAILED'): Map<string, 'PASSED' | 'FAILED'> => new Map(ids.map((id) => [id, status]));
      // every test reported passed (a flipper of failures): the must-fail copy passed
      const flipped = checkCanaries(p, all('PASSED'));
      expect(flipped.problem).toMatch(/failing canary/);
      // an honest wrong lookup returning null: the original fails, its copy passes, and that is excused (results as graded: swaps undone)
      const honest = all('PASSED');
      honest.set('units > returns undefined for unknown names', 'FAILED');
      expect(checkCanaries(p, honest).problem).toBeNull();
      // …but not when the original passed
      expect(checkCanaries(p, all('PASSED')).problem).toMatch(/while the test it copies, "units > returns undefined for unknown names", did not fail/);
    }
  });
});
