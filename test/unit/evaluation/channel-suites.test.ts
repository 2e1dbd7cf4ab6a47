// The node --test second channel on suites and todos (src/evaluation/channels.ts compareChannels):
// node's TAP has a test point for every suite (failing when a test in it fails) and reads a failing
// todo SKIPPED, while node's JUnit report has leaf tests only and reads a failing todo FAILED. An
// honest run must never be judged `tampered` for that (round 8's false alarms), in either direction
// (a task reading JUnit gets a TAP channel, one reading TAP a JUnit channel), and a suite named like a
// listed test must never stand in for it. Real `node --test` runs, both reporters in one run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareChannels, planSecondChannel } from '../../../src/evaluation/channels.ts';
import { judgeRun, type Guard } from '../../../src/evaluation/integrity.ts';
import { parseReportText, reportKind, type TestResults } from '../../../src/evaluation/parse/index.ts';

const HEAD = "import { describe, it, test } from 'node:test';\n";
/** The task's tests: a listed leaf `parse` beside a `describe('parse')` holding an unrelated failing test, and a listed failing todo. */
const HONEST = `${HEAD}
it('parse', () => {});
describe('parse', () => { it('legacy quirk', () => { throw new Error('unrelated, known to fail'); }); });
describe('later', () => {
  it('todo fails', { todo: 'not yet' }, () => { throw new Error('not yet'); });
  it('todo passes', { todo: true }, () => {});
  it('works', () => {});
});
test('parent', async (t) => { await t.test('child', () => {}); });
describe('group', () => { it('breaks', () => { throw new Error('a regression'); }); });
`;
/** The listed FAIL_TO_PASS leaf `parses dates` fails; a describe of the same name (as a patch could register from the code under test) passes. */
const HIDDEN = `${HEAD}
it('parses dates', () => { throw new Error('still broken'); });
describe('parses dates', () => { it('looks fine', () => {}); });
it('other', () => {});
`;
/** The run a forger would like reported instead: the failing leaf gone, the same-named describe passing. */
const WITHOUT_LEAF = `${HEAD}
describe('parses dates', () => { it('looks fine', () => {}); });
it('other', () => {});
`;

const root = mkdtempSync(join(tmpdir(), 'fixbench-channel-suites-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  junit: TestResults;
  tap: TestResults;
  tapText: string;
}

/** Runs `file` under `node --test` as a JUnit task with its TAP channel (and as a TAP task with its JUnit channel: node's `tap` on stdout). */
function run(name: string, file: string): Run {
  const dir = join(root, name);
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'a.test.mjs'), file);
  const plan = planSecondChannel('node --test --test-reporter=junit --test-reporter-destination=report.xml', reportKind('junit:report.xml'))!;
  const cmd = plan.cmd.replace('node --test ', 'node --test --test-reporter=tap --test-reporter-destination=node.tap ');
  try {
    execFileSync('bash', ['-c', cmd], { cwd: dir, stdio: 'ignore' });
  } catch { /* failing tests: exit 1 */ }
  const tapText = readFileSync(join(dir, 'node.tap'), 'utf8');
  const lean = parseReportText('tap', readFileSync(join(dir, plan.path), 'utf8'));
  const tap = parseReportText('tap', tapText);
  expect([...lean]).toEqual([...tap]);
  return { junit: parseReportText('junit', readFileSync(join(dir, 'report.xml'), 'utf8')), tap, tapText };
}

const guard = (kind: 'tap' | 'junit'): Guard => ({ cmd: '', plan: null, channel: { cmd: '', path: '.fixbench-x', kind }, unprotected: null, tampered: null });
const lists = (F2P: string[], P2P: string[] = []) => ({ FAIL_TO_PASS: F2P, PASS_TO_PASS: P2P });

describe('the second channel on node:test suites and todos', () => {
  const honest = run('honest', HONEST);

  it('regression: a listed test named like a sibling describe holding a failing test is not tampered (JUnit task, TAP channel)', () => {
    expect(honest.junit.get('parse')).toBe('PASSED');
    expect(honest.tap.get('parse')).toBe('FAILED'); // the grading ids of TAP are kept: its suite's test point counts
    expect(compareChannels(honest.junit, honest.tap, ['parse', 'later > works'], 'TAP channel')).toEqual({ disagree: null, ambiguous: null });
    const v = judgeRun(guard('tap'), lists(['parse'], ['later > works']), honest.junit, honest.tap, 1);
    expect(v.tampered).toBeNull();
    expect(v.noVerdict).toBeNull();
  });

  it('regression: the same run read as a TAP task with a JUnit channel is not tampered either', () => {
    expect(compareChannels(honest.tap, honest.junit, ['parse', 'later > works', 'parent', 'parent > child'], 'JUnit channel')).toEqual({ disagree: null, ambiguous: null });
    expect(judgeRun(guard('junit'), lists(['parse'], ['later > works']), honest.tap, honest.junit, 1).tampered).toBeNull();
  });

  it('regression: a listed failing todo is not tampered: FAILED on both sides in a JUnit task (graded failed)', () => {
    expect(honest.junit.get('later > todo fails')).toBe('FAILED');
    expect(compareChannels(honest.junit, honest.tap, ['later > todo fails', 'later > todo passes'], 'TAP channel')).toEqual({ disagree: null, ambiguous: null });
  });

  it('a listed failing todo in a TAP task (read SKIPPED there) is no verdict, never tampered and never passed', () => {
    expect(honest.tap.get('later > todo fails')).toBe('SKIPPED');
    const c = compareChannels(honest.tap, honest.junit, ['later > todo fails', 'later > todo passes'], 'JUnit channel');
    expect(c.disagree).toBeNull();
    expect(c.ambiguous).toMatch(/1 listed test\(s\) failed as todo tests, which the report reads as not failed: "later > todo fails" \(report SKIPPED, its test FAILED\)$/);
  });

  it('a listed suite id of a TAP task is checked against the JUnit channel\'s tests in it', () => {
    // Passing suites (`later` around a failing todo, as node passes it): agreement (they were "JUnit channel MISSING" before).
    expect(compareChannels(honest.tap, honest.junit, ['parent', 'later'], 'JUnit channel')).toEqual({ disagree: null, ambiguous: null });
    expect(compareChannels(honest.tap, honest.junit, ['group'], 'JUnit channel')).toEqual({ disagree: null, ambiguous: null });
    // A forged TAP passing the suite `group` and its failing test: the JUnit channel has that test failed.
    const forged = parseReportText('tap', honest.tapText.replace(/^not ok (\d+) - group$/m, 'ok $1 - group').replace(/^(\s+)not ok 1 - breaks$/m, '$1ok 1 - breaks'));
    expect(forged.get('group')).toBe('PASSED');
    expect(compareChannels(forged, honest.junit, ['group'], 'JUnit channel').disagree).toMatch(/"group": report PASSED \(a suite\), JUnit channel "group > breaks" in it FAILED$/);
    // And the suite `parse` (beside the leaf `parse`) passed with its failing test.
    const both = parseReportText('tap', honest.tapText.replace(/^not ok (\d+) - parse$/m, 'ok $1 - parse').replace(/^(\s+)not ok 1 - legacy quirk$/m, '$1ok 1 - legacy quirk'));
    expect(both.get('parse')).toBe('PASSED');
    expect(compareChannels(both, honest.junit, ['parse'], 'JUnit channel').disagree).toMatch(/"parse": report PASSED \(a suite\), JUnit channel "parse > legacy quirk" in it FAILED$/);
  });
});

describe('a describe named like a listed failing test (the collision as an attack)', () => {
  const real = run('hidden', HIDDEN);
  const wanted = run('without-leaf', WITHOUT_LEAF);

  it('honest reports grade the listed test failed, and the channels agree', () => {
    expect(real.junit.get('parses dates')).toBe('FAILED');
    expect(real.tap.get('parses dates')).toBe('FAILED');
    expect(compareChannels(real.junit, real.tap, ['parses dates'], 'TAP channel').disagree).toBeNull();
    expect(compareChannels(real.tap, real.junit, ['parses dates'], 'JUnit channel').disagree).toBeNull();
  });

  it('a JUnit report rewritten to pass it is tampered: the TAP channel\'s leaf failed (its passing suite does not count)', () => {
    const forged = new Map(real.junit).set('parses dates', 'PASSED');
    expect(compareChannels(forged, real.tap, ['parses dates'], 'TAP channel').disagree).toMatch(/"parses dates": report PASSED, TAP channel FAILED/);
    // The JUnit report of the run without the leaf: `parses dates` is only a suite there (aliasFileNames would pass it).
    const alias = new Map(wanted.junit).set('parses dates', 'PASSED');
    expect(compareChannels(alias, real.tap, ['parses dates'], 'TAP channel').disagree).toMatch(/"parses dates": report PASSED, TAP channel FAILED/);
  });

  it('a TAP report of the run without the failing leaf (only the passing describe of that name) is tampered', () => {
    expect(wanted.tap.get('parses dates')).toBe('PASSED');
    const c = compareChannels(wanted.tap, real.junit, ['parses dates', 'other'], 'JUnit channel');
    expect(c.disagree).toMatch(/disagree on 1 test\(s\): "parses dates": report MISSING, JUnit channel FAILED$/);
    expect(judgeRun(guard('junit'), lists(['parses dates'], ['other']), wanted.tap, real.junit, 1).tampered).toMatch(/parses dates/);
  });

  it('a TAP channel of the run without the leaf, against an honest JUnit report, is tampered', () => {
    expect(compareChannels(real.junit, wanted.tap, ['parses dates'], 'TAP channel').disagree).toMatch(/"parses dates": report FAILED, TAP channel PASSED/);
  });
});
