// A test file another test file loads (`require('./b.test.js')` for a helper it exports): node --test
// runs each file in its own process, so b's tests, canaries included, run and are reported twice. A
// runner adapter tells the second apart as `<id> #2` (runners/entries.ts); the canary check reads
// one test's id with its ` #n` twins as that test reported again (every result must come out as the
// canary must), and only ids of different tests ending in a canary's title as forged twins
// (atkJ13: gold was `tampered` on every run).
import { describe, expect, it } from 'vitest';
import { checkCanaries, type CanaryPlan } from '../../../src/evaluation/canary.ts';
import type { TestResults } from '../../../src/evaluation/parse/index.ts';
import type { TestStatus } from '../../../src/evaluation/types.ts';

const file = 'test/b.test.js';
const PLAN: CanaryPlan = {
  runner: 'node:test', kind: 'mutated', texts: new Map([[file, '']]), guess: 0.5, weak: [], swaps: [], namedIds: true,
  tests: [
    { file, suite: 'units', title: 'seconds hours', must: 'FAILED', original: 'units > reads hours' },
    { file, suite: 'units', title: 'ms seconds', must: 'PASSED', original: 'units > reads seconds' },
  ],
};
const STRICT: CanaryPlan = { ...PLAN, tests: [{ ...PLAN.tests[0]!, strict: true }, PLAN.tests[1]!] };
type S = TestStatus;
/** The adapter's ids of b's tests as each of `runs` (one per process that ran b) reported them: [original hours, mutant, original seconds, copy]. */
const results = (...runs: [S, S, S, S][]): TestResults => {
  const m: TestResults = new Map();
  runs.forEach((r, i) => {
    const sfx = i === 0 ? '' : ` #${i + 1}`;
    m.set(`${file} > units > reads hours${sfx}`, r[0]).set(`${file} > units > seconds hours${sfx}`, r[1]);
    m.set(`${file} > units > reads seconds${sfx}`, r[2]).set(`${file} > units > ms seconds${sfx}`, r[3]);
  });
  return m;
};
const GOLD: [S, S, S, S] = ['PASSED', 'FAILED', 'PASSED', 'PASSED'];

describe('canaries of a test file run in two processes (adapter twins `#2`)', () => {
  it('regression: gold (every result as it must, twice) is no tampering (was "reported more than once")', () => {
    const r = checkCanaries(PLAN, results(GOLD, GOLD));
    expect(r.problem).toBeNull();
    expect(r.canaries).toMatchObject({ fail: 'failed', pass: 'passed' });
    expect([...r.rest.keys()]).toEqual([`${file} > units > reads hours`, `${file} > units > reads seconds`, `${file} > units > reads hours #2`, `${file} > units > reads seconds #2`]);
  });

  it('a mutant that passed in either process is tampered, also beside a failing twin registered first', () => {
    const flipped: [S, S, S, S] = ['PASSED', 'PASSED', 'PASSED', 'PASSED'];
    expect(checkCanaries(PLAN, results(GOLD, flipped)).problem).toMatch(/failing canary test "units > seconds hours" .* came out passed, not failed while the test it copies/);
    // a forger's failing twins of every test (registered before the file's own, as if from b), all assertions neutralised
    expect(checkCanaries(PLAN, results(['FAILED', 'FAILED', 'FAILED', 'FAILED'], flipped)).problem).toMatch(/failing canary test .* came out passed/);
    expect(checkCanaries(PLAN, results(flipped, ['FAILED', 'FAILED', 'FAILED', 'FAILED'])).problem).toMatch(/failing canary test .* came out passed/);
  });

  it('an honest wrong patch that breaks a copied test in both processes is excused pairwise, not tampered', () => {
    const broke: [S, S, S, S] = ['PASSED', 'FAILED', 'FAILED', 'FAILED'];
    expect(checkCanaries(PLAN, results(broke, broke)).problem).toBeNull();
    // a number mutant whose value a wrong patch returns while the original fails, in both processes
    const hours: [S, S, S, S] = ['FAILED', 'PASSED', 'PASSED', 'PASSED'];
    expect(checkCanaries(PLAN, results(hours, hours)).problem).toBeNull();
    // …but never a string mutant (a forger's wrong guess), nor a copy whose original passed at its place
    expect(checkCanaries(STRICT, results(hours, hours)).problem).toMatch(/failing canary test .* came out passed/);
    expect(checkCanaries(PLAN, results(hours, ['PASSED', 'PASSED', 'PASSED', 'PASSED'])).problem).toMatch(/failing canary test .* came out passed/);
  });

  it('no excuse when the original is reported more or fewer times than the copy (a forged failing twin of the original only)', () => {
    const m = results(['PASSED', 'PASSED', 'PASSED', 'PASSED']);
    m.set(`${file} > units > reads hours #2`, 'FAILED');
    expect(checkCanaries(PLAN, m).problem).toMatch(/failing canary test "units > seconds hours" .* came out passed, not failed while the test it copies/);
  });

  it('an error or skip in either process is never excused', () => {
    expect(checkCanaries(PLAN, results(GOLD, ['PASSED', 'FAILED', 'PASSED', 'ERROR'])).problem).toMatch(/passing canary test "units > ms seconds" .* came out error/);
    expect(checkCanaries(PLAN, results(['FAILED', 'FAILED', 'FAILED', 'FAILED'], ['FAILED', 'SKIPPED', 'FAILED', 'FAILED'])).problem).toMatch(/failing canary test .* came out skipped/);
  });

  it('twins under the ids of another test ending in the canary\'s title (ids without files) are still tampering', () => {
    const p: CanaryPlan = { ...PLAN, namedIds: false };
    const m: TestResults = new Map([
      ['units > reads hours', 'PASSED'], ['units > seconds hours', 'PASSED'], ['compat > units > seconds hours', 'FAILED'],
      ['units > reads seconds', 'PASSED'], ['units > ms seconds', 'PASSED'],
    ]);
    expect(checkCanaries(p, m).problem).toMatch(/"units > seconds hours" in test\/b.test.js was reported more than once/);
  });
});
