// Canary copies get titles unique against the suites' titles too, not only the tests': a copy
// named like a sibling `describe` shares its id with the suite, which the two result channels of
// node --test read differently (JUnit has no suite results; a suite's TAP closing line is not a test).
import { describe, expect, it } from 'vitest';
import { mutateHost } from '../../../src/evaluation/canary-mutate.ts';

const FILE = `const { describe, test } = require('node:test');
const assert = require('node:assert');
test('parse one', () => { assert.strictEqual(f(1), 'one'); });
test('parse two', () => { assert.strictEqual(f(2), 'two'); });
describe('parse three', () => {
  test('inner', () => { assert.strictEqual(f(3), 'three'); });
});
`;

describe('mutateHost and suite titles', () => {
  it('regression: puts every suite title in `taken`, so no copy can take one (only test titles were)', () => {
    const taken = new Set<string>();
    const out = mutateHost('a.test.js', FILE, { failToPass: [], passToPass: [], added: new Set(), taken, join: ' > ' });
    expect(out).not.toBeNull();
    expect(taken.has('parse three')).toBe(true);
    for (const t of out!.tests) expect(['parse one', 'parse two', 'parse three', 'inner']).not.toContain(t.title);
  });
});
