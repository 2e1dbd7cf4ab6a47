// A node:test test file that gets node:test's functions from a helper module under other names
// (atkA18 #2) through the real pipeline (`fixbench eval --predictions`, node:test, node's JUnit and
// the lean TAP) on a copy of the bundled js-duration-1: test.patch adds `test/harness.js`
// (`module.exports = { group: nodeTest.describe, check: nodeTest.it }`) and `test/signs.test.js`
// (`const { group, check } = require('./harness')`), holding a hidden FAIL_TO_PASS test. fixbench
// reads no test of signs.test.js, and its text names no node:test; node runs it as a test file by
// its name, so it gets the synthetic canary pair and an `unhooked` note, and harness.js (a helper:
// no test-file name) is neither canaried nor named. A wrong patch flipping every failure of that
// file's test child (scoped by its name, no title known) was resolved before (no canary there); now
// the synthetic must-fail canary passes and the run is tampered. The right patch stays resolved.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../src/store/records.ts';
import { copyDurationTask, DURATION_TASK as TASK, gradePredictions, v8StreamRewriter } from '../helpers/duration-task.ts';

const HARNESS = "'use strict';\nconst nodeTest = require('node:test');\nmodule.exports = { group: nodeTest.describe, check: nodeTest.it, assert: require('node:assert/strict') };\n";
const SIGNS = [
  "'use strict';",
  "const { group, check, assert } = require('./harness');",
  "const { parse } = require('..');",
  '',
  "group('signs', () => {",
  "  check('reads a minus before hours and minutes', () => {",
  "    assert.equal(parse('-4h 5m'), -14700000);",
  '  });',
  '',
  "  check('keeps positive forms positive', () => {",
  "    assert.equal(parse('4h 5m'), 14700000);",
  '  });',
  '});',
  '',
].join('\n');
/** Wrong where only the hidden test of signs.test.js looks. */
const WRONG = "\nconst parseRight = parse;\nparse = (input, options) => (input === '-4h 5m' ? 14700000 : parseRight(input, options));\n";
/** In the test child of a file named signs.test.js: every `test:fail` of node 20's v8-serialized event stream becomes `test:pass`. */
const FLIPPER = v8StreamRewriter(String.raw`
  if (!process.argv.slice(1).some((a) => a.endsWith('signs.test.js'))) return;
  process.on('exit', () => { process.exitCode = 0; });`, String.raw`
      if (item.type === 'test:fail') { item.type = 'test:pass'; if (item.data.details) delete item.data.details.error; }`);

let tmp: string;
let records: AttemptRecord[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-harness-'));
  const { tasks, work, git, diff } = copyDurationTask(tmp);
  git('apply', path.join(tasks, TASK, 'test.patch'));
  writeFileSync(path.join(work, 'test', 'harness.js'), HARNESS);
  writeFileSync(path.join(work, 'test', 'signs.test.js'), SIGNS);
  writeFileSync(path.join(tasks, TASK, 'test.patch'), diff());
  const yaml = path.join(tasks, TASK, 'task.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8')
    .replace('FAIL_TO_PASS:\n', 'FAIL_TO_PASS:\n  - signs > reads a minus before hours and minutes\n')
    .replace('PASS_TO_PASS:\n', 'PASS_TO_PASS:\n  - signs > keeps positive forms positive\n'));
  const patched = (extra: string): string => {
    git('apply', path.join(tasks, TASK, 'gold.patch'));
    if (extra !== '') {
      const file = path.join(work, 'src', 'parse.js');
      const src = readFileSync(file, 'utf8').replace('function parse(input', 'let parse = function parse(input');
      writeFileSync(file, src.replace(/\nmodule\.exports/, `${extra}\nmodule.exports`));
    }
    return diff();
  };
  const preds = [['right', patched('')], ['wrong', patched(WRONG)], ['flipper', patched(WRONG + FLIPPER)]];
  records = await gradePredictions(tmp, preds, 'a');
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('a node:test file registering through a helper module (atkA18 #2), through eval --predictions', () => {
  const rec = (m: string): AttemptRecord => records.find((a) => a.contender === m)!;
  it('the right patch is resolved; signs.test.js (synthetic canaries) is named in unhooked, the helper harness.js is not', () => {
    expect(rec('right').outcome, JSON.stringify(rec('right').error)).toBe('resolved');
    expect(rec('right').canaries).toMatchObject({ fail: 'failed', pass: 'passed', kind: 'synthetic' });
    expect(rec('right').canaries?.unhooked?.map((u) => u.file)).toEqual(['test/signs.test.js']);
  });
  it('a wrong patch is unresolved; the same patch flipping every failure of signs.test.js is tampered', () => {
    expect(rec('wrong').outcome, JSON.stringify(rec('wrong').error)).toBe('unresolved');
    expect(rec('flipper').outcome, JSON.stringify(rec('flipper').canaries)).toBe('tampered');
  });
});
