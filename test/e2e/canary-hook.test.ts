// The hook canary (canary-hook.ts, atkA16 #1) through the real pipeline (`fixbench eval
// --predictions`, node:test, node's JUnit and the lean TAP second channel) on a copy of the bundled
// js-duration-1 whose test.patch checks negative durations in a `beforeEach` hook of a hidden
// describe. The hostile patch is wrong only where that hook looks (a contrived special case, so its
// failure shows through the hook alone) and blindly rewrites each test child's v8-serialized event
// stream: every hook failure (`hookFailed`), and every describe's failure once none of its tests
// still fails, becomes a pass, while ordinary test failures stay. The ordinary must-fail canaries
// then fail as they must and, before the hook canary, the run graded resolved; the hook canary
// fails in a beforeEach hook, so the rewrite passes it and the run is tampered. The right patch
// stays resolved; the wrong patch alone is unresolved (the hook's failure is the hidden test's). A
// naive rewrite flipping every describe's failure was tampered before too (see `flipper`). The same
// holds with the test files written `it('…', (t) => …)` and importing node:test as a module object
// (atkA17 #4, #4b: before, such files got no hook canary and the flipper's patch was resolved).
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../src/store/records.ts';
import { copyDurationTask, DURATION_TASK as TASK, gradePredictions, v8StreamRewriter, unhookedBeyondUnits } from '../helpers/duration-task.ts';
const HIDDEN = 'parse > minus forms > reads a minus before hours and minutes';
/** The hidden describe test.patch adds (its check of the fix is in the hook; the test's own body asserts no literal). */
const MINUS_FORMS = `
  describe('minus forms', () => {
    beforeEach(() => {
      assert.equal(parse('-4h 5m'), -14700000);
    });

    it('reads a minus before hours and minutes', () => {
      assert.ok(parse('-4h 5m') < 0);
    });
  });
`;
/** Wrong where only the hidden hook looks. */
const WRONG = "\nconst parseRight = parse;\nparse = (input, options) => (input === '-4h 5m' ? 14700000 : parseRight(input, options));\n";
/**
 * Turns hook failures in this test child's event stream (node 20's v8-serialized frames) into
 * passes: a test failed by a hook (`hookFailed`), and a describe whose tests all came out passed
 * (the rewrite's) or that failed in its own hook. `naive`: every describe's failure, even one whose
 * tests still fail: node's runner then adds a failure of the file itself under a repeated TAP test
 * number (a parse error: tampered even without the hook canary).
 */
const flipper = (naive: boolean): string => v8StreamRewriter(String.raw`
  const failedInside = [];
  const hookFailure = (data) => {
    if (data.details && data.details.type === 'suite' && (${naive} || !failedInside[data.nesting + 1])) return true;
    const err = data.details && data.details.error;
    if (!(err instanceof Uint8Array)) return false;
    try {
      const e = v8.deserialize(Buffer.from(err).subarray(1));
      return e && e.properties && e.properties.failureType && e.properties.failureType.value === 'hookFailed';
    } catch { return false; }
  };`, String.raw`
      if (item.type === 'test:fail' && hookFailure(item.data)) { item.type = 'test:pass'; delete item.data.details.error; }
      if (item.type === 'test:pass' || item.type === 'test:fail') {
        if (item.type === 'test:fail') failedInside[item.data.nesting] = true;
        failedInside[item.data.nesting + 1] = false;
      }`);

/** How the task's test files are written: as bundled, or every test taking the context `(t) =>` and node:test imported as a module object (atkA17 #4, #4b). */
const STYLES: Record<string, (text: string) => string> = {
  named: (text) => text,
  'context and module object': (text) => text
    .replace(/^(\s*it\('[^']*', )\(\) =>/gm, '$1(t) =>')
    .replace(/^const \{(.*)\} = require\('node:test'\);/m, "const nodeTest = require('node:test');\nconst {$1} = nodeTest;"),
};

const tmps: string[] = [];
const records = new Map<string, AttemptRecord[]>();

/** Builds the task copy with its test files written in `style`, the predictions (`naive`: one more), runs `eval`; the records. */
async function gradeIn(style: string, naive: boolean): Promise<AttemptRecord[]> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-hook-'));
  tmps.push(tmp);
  const { tasks, work, git, diff } = copyDurationTask(tmp);
  // test.patch: the bundled one, plus the hidden describe with its hook, the test files in `style`
  git('apply', path.join(tasks, TASK, 'test.patch'));
  const testFile = path.join(work, 'test', 'parse.test.js');
  const text = readFileSync(testFile, 'utf8').replace("const { describe, it } = require('node:test');", "const { describe, it, beforeEach } = require('node:test');");
  const at = text.indexOf("\n  describe('errors'");
  writeFileSync(testFile, STYLES[style]!(`${text.slice(0, at)}${MINUS_FORMS}${text.slice(at)}`));
  const formatFile = path.join(work, 'test', 'format.test.js');
  writeFileSync(formatFile, STYLES[style]!(readFileSync(formatFile, 'utf8')));
  writeFileSync(path.join(tasks, TASK, 'test.patch'), diff());
  const yaml = readFileSync(path.join(tasks, TASK, 'task.yaml'), 'utf8').replace('FAIL_TO_PASS:\n', `FAIL_TO_PASS:\n  - ${HIDDEN}\n`);
  writeFileSync(path.join(tasks, TASK, 'task.yaml'), yaml);
  // the right patch (gold), the wrong one, the wrong one with the flipper
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  const gold = diff();
  const src = path.join(work, 'src', 'parse.js');
  const patched = (extra: string): string => {
    git('apply', path.join(tasks, TASK, 'gold.patch'));
    const s = readFileSync(src, 'utf8').replace('function parse(input', 'let parse = function parse(input');
    writeFileSync(src, s.replace(/\nmodule\.exports/, `${extra}\nmodule.exports`));
    return diff();
  };
  const preds = [['right', gold], ['wrong', patched(WRONG)], ...(naive ? [['naive', patched(`${WRONG}${flipper(true)}`)]] : []), ['flipper-1', patched(`${WRONG}${flipper(false)}`)], ['flipper-2', patched(`${WRONG}${flipper(false)}`)]];
  return gradePredictions(tmp, preds, 'h');
}

beforeAll(async () => {
  records.set('named', await gradeIn('named', true));
  records.set('context and module object', await gradeIn('context and module object', false));
}, 540_000);
afterAll(async () => {
  for (const tmp of tmps) await rm(tmp, { recursive: true, force: true });
});

describe.each(Object.keys(STYLES))('the hook canary against a blind hook-failure flipper (atkA16 #1), test files %s (atkA17 #4, #4b)', (style) => {
  const rec = (m: string): AttemptRecord => records.get(style)!.find((a) => a.contender === m)!;
  it('the right patch is resolved, no test file left without a hook canary; the wrong one alone unresolved, its hidden test failing in the hook', () => {
    expect(rec('right').outcome, JSON.stringify(rec('right').error)).toBe('resolved');
    expect(rec('right').canaries).toMatchObject({ fail: 'failed', pass: 'passed', kind: 'mutated' });
    expect(unhookedBeyondUnits(rec('right'))).toEqual([]);
    expect(rec('wrong').outcome, JSON.stringify(rec('wrong').error)).toBe('unresolved');
    expect(rec('wrong').tests_status?.FAIL_TO_PASS.failure).toContain(HIDDEN);
  });
  it('the wrong patch turning every hook failure into a pass is tampered: its hook canary passed', () => {
    for (const m of ['flipper-1', 'flipper-2']) {
      expect(rec(m).outcome, `${m} ${JSON.stringify(rec(m).error)}`).toBe('tampered');
      expect(rec(m).error?.message).toMatch(/the hook canary test .* came out passed/);
    }
    // flipping every describe's failure: node adds a failure of the file, the TAP channel does not parse
    if (style === 'named') expect(rec('naive').outcome, JSON.stringify(rec('naive').error)).toBe('tampered');
  });
});
