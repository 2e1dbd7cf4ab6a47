// Two files at base_commit holding a test of one listed node:test id (`units > returns undefined for
// unknown names`: node 20's JUnit names no file, so both report under that id), through the real
// pipeline (`fixbench eval --predictions`, node:test) on a copy of js-duration-1 whose base_commit
// gains the twin file: both are canary hosts; gold resolves (neither holder crashed, so the rule that
// a crashed holder's ids are ERROR, canary-check.ts, takes nothing from it); a wrong patch
// fails in units.test.js; a wrong patch that runs an in-memory suite of that id in units.test.js's
// process and exits before the file's own tests (atkC20 #4's shape) does not resolve.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../src/store/records.ts';
import { commitNewBase, copyDurationTask, DURATION_TASK as TASK, gradePredictions, UNITS_FILE } from '../helpers/duration-task.ts';

const ID = 'units > returns undefined for unknown names';
const TWIN = 'test/units-twin.test.js';
const BREAK = `const lookupKnown = lookupUnit;\nconst lookupOrFortnight = (name) => (String(name).toLowerCase() === 'fortnight' ? { symbol: 'w', ms: 1209600000 } : lookupKnown(name));\nmodule.exports = { parse, format, lookupUnit: lookupOrFortnight,`;
const STOP_UNITS = `if (process.argv.slice(1).some((a) => /units\\.test\\.js$/.test(a)) && !globalThis.__stopped) { globalThis.__stopped = true; const { describe, it, after } = require('node:test'); describe('units', () => { it('returns undefined for unknown names', () => {}); after(() => process.exit(0)); }); }\n`;

let tmp: string;
let records: AttemptRecord[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-listed-twin-'));
  const copy = copyDurationTask(tmp);
  const { tasks, work, git } = copy;
  // base_commit gains a file whose suite and title make the listed id, with a test that passes whatever the source does
  writeFileSync(path.join(work, TWIN), "const { describe, it } = require('node:test');\nconst assert = require('node:assert');\ndescribe('units', () => {\n  it('returns undefined for unknown names', () => { assert.ok(true); });\n});\n");
  const { diff } = commitNewBase(copy, 'twin');
  const index = path.join(work, 'src', 'index.js');
  const patched = (head: string): string => {
    git('apply', path.join(tasks, TASK, 'gold.patch'));
    const src = readFileSync(index, 'utf8');
    const wrong = head + src.replace('module.exports = { parse, format, lookupUnit,', BREAK);
    expect(wrong).not.toContain('module.exports = { parse, format, lookupUnit,');
    writeFileSync(index, wrong);
    return diff();
  };
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  const right = diff();
  records = await gradePredictions(tmp, [['right', right], ['wrong', patched('')], ['stop', patched(STOP_UNITS)]], 'a');
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('a listed node:test id two base files hold, one of them stopped before its tests (atkC20 #4), through eval --predictions', () => {
  const of = (name: string): AttemptRecord => records.find((a) => a.contender === name)!;
  it('the right patch resolves with both files run (no holder silent)', () => {
    expect(of('right').outcome, JSON.stringify(of('right').error)).toBe('resolved');
    expect(of('right').canaries).toMatchObject({ fail: 'failed', pass: 'passed' });
  });
  it('the wrong patch does not resolve: units.test.js reports the id failed', () => {
    expect(of('wrong').outcome).toBe('unresolved');
    expect(of('wrong').tests_status?.PASS_TO_PASS.failure).toContain(ID);
  });
  it(`the wrong patch stopping ${UNITS_FILE} after an in-memory suite of that id does not resolve on the twin's pass`, () => {
    // node 20 ends the stopped file's TAP points out of order (second channel: tampered); were the stream whole, the id would be ERROR (canary-check.test.ts)
    expect(of('stop').outcome, JSON.stringify(of('stop').error)).not.toBe('resolved');
  });
});
