// An expected `undefined` or `null` is no literal a must-fail copy changes: every mutant of them
// told its original — `false` (no literal's mutant is ever `undefined`: atkB23 #1), the other one
// (a file spells its missing values one way: atkC23 #1) — and `assert.equal` is strict or loose
// by where `assert` came from (atkC23 #2). A host of only such tests keeps the synthetic pair.
import { describe, expect, it } from 'vitest';
import { findTests } from '../../../src/evaluation/canary-parse.ts';
import { planCanaries } from '../../../src/evaluation/canary.ts';

describe('nullish expected values', () => {
  it('are no literal, in any assertion; the literals beside them still are', () => {
    const text = `it('a', () => { assert.strictEqual(f(), undefined); });
it('b', () => { assert.deepStrictEqual(f(), [null, 1]); });
it('c', () => { expect(f()).toEqual({ undefined }); });
it('d', () => { expect(f()).toEqual({ a: undefined, b: 'x' }); });
`;
    expect(findTests('t.test.js', text)!.map((t) => t.literals.map((l) => text.slice(l.start, l.end)))).toEqual([[], ['1'], [], ["'x'"]]);
  });
  it('a host of only such tests gets the synthetic pair', () => {
    const file = "const { it } = require('node:test');\nconst assert = require('node:assert/strict');\nit('returns undefined for unknown names', () => { assert.equal(lookup('fortnight'), undefined); });\nit('has no alias', () => { assert.strictEqual(alias('x'), null); });\n";
    const p = planCanaries('node:test', new Map([['test/u.test.js', file]]), null);
    expect('unprotected' in p ? p.unprotected : p.kind).toBe('synthetic');
  });
});
