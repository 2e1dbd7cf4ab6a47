// node:test test files registering their tests under other names (atkD17 #6) through the real
// pipeline (`fixbench eval --predictions`, node:test, JUnit and the lean TAP) on a copy of the
// bundled js-duration-1 whose test files (test.patch) import node:test's `describe` and `it` as
// `group` and `check` (destructured with renames in one file, members of the module object in the
// other), so no `it(`/`describe(` is written in them. Before, such files got no canary at all (the
// run was `unprotected`); now the right patch is resolved with mutated canaries and no file left
// without a hook canary, and a wrong patch is unresolved.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../src/store/records.ts';
import { copyDurationTask, DURATION_TASK as TASK, gradePredictions, unhookedBeyondUnits } from '../helpers/duration-task.ts';
/** How each test file of test.patch binds node:test's `describe` and `it`. */
const HEADS: Record<string, string> = {
  'test/parse.test.js': "const { describe: group, it: check } = require('node:test');",
  'test/format.test.js': "const nodeTest = require('node:test');\nconst group = nodeTest.describe;\nconst check = nodeTest.it;",
};

let tmp: string;
let records: AttemptRecord[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-aliases-'));
  const { tasks, work, git, diff } = copyDurationTask(tmp);
  git('apply', path.join(tasks, TASK, 'test.patch'));
  for (const [file, head] of Object.entries(HEADS)) {
    const text = readFileSync(path.join(work, file), 'utf8')
      .replace("const { describe, it } = require('node:test');", head)
      .replace(/^(\s*)describe\(/gm, '$1group(')
      .replace(/^(\s*)it\(/gm, '$1check(');
    expect(text).not.toMatch(/\b(?:it|test|describe|suite)\s*\(/);
    writeFileSync(path.join(work, file), text);
  }
  writeFileSync(path.join(tasks, TASK, 'test.patch'), diff());
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  const gold = diff();
  writeFileSync(path.join(work, 'src', 'parse.js'), `${readFileSync(path.join(work, 'src', 'parse.js'), 'utf8')}// not a fix\n`);
  const wrong = diff();
  const preds = [['right', gold], ['wrong', wrong]];
  records = await gradePredictions(tmp, preds, 'a');
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('node:test files registering tests as `group`/`check` (atkD17 #6), through eval --predictions', () => {
  const rec = (m: string): AttemptRecord => records.find((a) => a.contender === m)!;
  it('the right patch is resolved, with mutated canaries and no test file left without a hook canary', () => {
    expect(rec('right').outcome, JSON.stringify(rec('right').error)).toBe('resolved');
    expect(rec('right').unprotected ?? null).toBeNull();
    expect(rec('right').canaries).toMatchObject({ fail: 'failed', pass: 'passed', kind: 'mutated' });
    expect(unhookedBeyondUnits(rec('right'))).toEqual([]);
  });
  it('a wrong patch is unresolved, its canaries as they must be', () => {
    expect(rec('wrong').outcome, JSON.stringify(rec('wrong').error)).toBe('unresolved');
    expect(rec('wrong').canaries).toMatchObject({ fail: 'failed', pass: 'passed' });
  });
});
