// A node:test suite titled like a test at its level (`describe('parses ms')` beside
// `test('parses ms')`, or a nested suite named like a sibling test): node's TAP closes the suite with
// a test point of the suite's name, its JUnit report writes the suite as a <testsuite> and names
// only tests. Read from a real `node --test` run writing both reports (the second channel's lean TAP
// reporter and node's junit): node:test's TAP read leaves-only gives exactly the JUnit ids, so a
// failing test inside the suite (a must-fail canary) no longer reads as the same-titled test's
// failure in one channel only (atkI13 #3: gold `tampered`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareChannels, readsNodeTestTap } from '../../../src/evaluation/channels.ts';
import { LEAN_TAP_REPORTER } from '../../../src/evaluation/channel-reporter.ts';
import { parseJunit } from '../../../src/evaluation/parse/junit.ts';
import { parseTap } from '../../../src/evaluation/parse/tap.ts';
import { parseReportText, testCount, type TestResults } from '../../../src/evaluation/parse/index.ts';
import { checkCanaries, type CanaryPlan } from '../../../src/evaluation/canary.ts';

const FILE = `import { describe, it, test } from 'node:test';
import assert from 'node:assert';
test('parses ms', () => assert.equal(1, 1));
describe('parses ms', () => {
  it('reads seconds', () => assert.equal(1, 1));
  it('parses hours', () => assert.equal(1, 2));
});
describe('outer', () => {
  it('inner', () => assert.equal(1, 1));
  describe('inner', () => { it('fails', () => assert.equal(1, 2)); });
});
describe('empty', () => {});
test('parent', async (t) => { await t.test('child', () => {}); });
describe('skips', () => { it.skip('skipped', () => {}); });
`;

describe('node --test: a suite titled like a test (both reports of one run)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fixbench-suite-title-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'ms.test.mjs'), FILE);
  try {
    execFileSync(process.execPath, ['--test', `--test-reporter=${LEAN_TAP_REPORTER}`, '--test-reporter-destination=out.tap', '--test-reporter=junit', '--test-reporter-destination=out.xml', 'ms.test.mjs'], { cwd: dir, stdio: 'ignore' });
  } catch { /* the failing tests make it exit 1 */ }
  const tapText = readFileSync(join(dir, 'out.tap'), 'utf8');
  const junit = parseJunit(readFileSync(join(dir, 'out.xml'), 'utf8'));

  it('read leaves-only, the TAP gives exactly the JUnit ids and statuses, each id one test', () => {
    const tap = parseTap(tapText, { leaves: true });
    expect(Object.fromEntries(tap)).toEqual(Object.fromEntries(junit));
    expect(Object.fromEntries(tap)).toEqual({
      'parses ms': 'PASSED', 'parses ms > reads seconds': 'PASSED', 'parses ms > parses hours': 'FAILED',
      'outer > inner': 'PASSED', 'outer > inner > fails': 'FAILED',
      empty: 'PASSED', 'parent > child': 'PASSED', 'skips > skipped': 'SKIPPED',
    });
    for (const id of tap.keys()) expect(testCount(tap, id)).toBe(1);
    expect(parseReportText('tap', tapText, { tapLeaves: true })).toEqual(tap);
  });

  it('regression: the channels agree on the test sharing a suite\'s title, either channel first (was "parses ms": report PASSED, TAP channel FAILED)', () => {
    const tap = parseTap(tapText, { leaves: true });
    expect(compareChannels(junit, tap, [...junit.keys()], 'TAP channel')).toEqual({ disagree: null, ambiguous: null });
    expect(compareChannels(tap, junit, [...tap.keys()], 'JUnit channel')).toEqual({ disagree: null, ambiguous: null });
  });

  it('with every point kept (other runners\' TAP) the suite\'s failure still lands on the test of its title: why node:test\'s TAP is read leaves-only', () => {
    const all = parseTap(tapText);
    expect(all.get('parses ms')).toBe('FAILED');
    expect(testCount(all, 'parses ms')).toBe(2);
    expect(compareChannels(junit, all, ['parses ms'], 'TAP channel').disagree).toMatch(/"parses ms": report PASSED, TAP channel FAILED/);
  });

  it('a failing test of the suite\'s title flipped to pass in one report is still caught', () => {
    const tap = parseTap(tapText, { leaves: true });
    const forged = new Map(junit).set('parses ms > parses hours', 'PASSED');
    expect(compareChannels(forged, tap, ['parses ms > parses hours'], 'TAP channel').disagree).toMatch(/report PASSED, TAP channel FAILED/);
    // …and a failing test made into a "suite" in the edited TAP (a child added under it) is missing there: tampered.
    const hidden = parseTap(tapText.replace(/^(\s*)not ok (\d+) - parses hours$/m, '$1    # Subtest: x\n$1    ok 1 - x\n$1    1..1\n$1ok $2 - parses hours'), { leaves: true });
    expect(hidden.has('parses ms > parses hours')).toBe(false);
    expect(compareChannels(junit, hidden, ['parses ms > parses hours'], 'TAP channel').disagree).toMatch(/report FAILED, TAP channel MISSING/);
  });
});

describe('checkCanaries: a test titled like the suite that holds a canary keeps its own result', () => {
  const file = 'test/ms.test.js';
  const plan: CanaryPlan = {
    runner: 'node:test', kind: 'mutated', texts: new Map([[file, '']]), guess: 0.5, weak: [], swaps: [], namedIds: false,
    tests: [
      { file, suite: 'parses ms', title: 'parses days', must: 'FAILED', original: 'parses ms > parses hours' },
      { file, suite: 'parses ms', title: 'reads minutes', must: 'PASSED', original: 'parses ms > reads seconds' },
    ],
  };
  // A wrong patch: the top-level test "parses ms" fails, everything in the suite "parses ms" passes (the mutant fails as it must).
  const results: TestResults = new Map([
    ['parses ms', 'FAILED'], ['parses ms > reads seconds', 'PASSED'], ['parses ms > reads minutes', 'PASSED'],
    ['parses ms > parses hours', 'PASSED'], ['parses ms > parses days', 'FAILED'],
  ]);

  it('regression: the failing test is not overwritten by the suite\'s tests\' status (a wrong patch resolved)', () => {
    const r = checkCanaries(plan, results);
    expect(r.problem).toBeNull();
    expect(r.rest.get('parses ms')).toBe('FAILED');
  });

  it('a report that names suites (TAP of another runner, `suites`) still settles the suite point that held the failing canary', () => {
    const tap: TestResults = new Map([...results, ['parses ms', 'FAILED']]);
    expect(checkCanaries(plan, tap, new Set(), true).rest.get('parses ms')).toBe('PASSED');
  });
});

describe('readsNodeTestTap', () => {
  it.each([
    ['node --test', true],
    ['node --test --test-reporter=tap', true],
    ['node --test-reporter=tap --import ./t.js ./test/a.test.js', true],
    ['FOO=1 node --experimental-vm-modules --test test/', true],
    ['npx tap -R tap', false],
    ['npx tape test/*.js', false],
    ['npm test', false],
    ['node test/run.js --test', false],
    ['node --test --test-reporter=junit --test-reporter-destination=r.xml --test-reporter=tap --test-reporter-destination=stdout', true],
    ['node --test --test-reporter=./timed-tap.mjs', false],
    ["node --test '--test-reporter=data:text/javascript;base64,AAAA'", false],
  ])('%s → %s', (cmd, want) => {
    expect(readsNodeTestTap(cmd)).toBe(want);
  });
});
