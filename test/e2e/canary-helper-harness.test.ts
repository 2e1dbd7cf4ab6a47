// A node:test test file that gets node:test's functions from a helper module under other names
// (atkA18 #2) through the real pipeline (`fixbench eval --predictions`, node:test, node's JUnit and
// the lean TAP) on a copy of the bundled js-duration-1: test.patch adds `test/harness.js`
// (`module.exports = { group: nodeTest.describe, check: nodeTest.it }`) and `test/signs.test.js`
// (`const { group, check } = require('./harness')`), holding a hidden FAIL_TO_PASS test; the same
// with the file named `test/signs.js` (atkB18 #1: node 20's `node --test` with no operands runs
// every .js under test/). fixbench reads no test of the file, and its text names no node:test; node
// runs it as a test file, so it gets the synthetic canary pair and an `unhooked` note; so does
// harness.js, which node runs too (under test/), and whose pair also registers in the file loading
// it (atkB18 #5: gold stays resolved). A wrong patch flipping every failure of that file's test
// child (scoped by its name, no title known) was resolved before (no canary there); now the
// synthetic must-fail canary passes and the run is tampered. The right patch stays resolved.
// Third layout (atkD18 #2, atkC18 #6): test/signs.js run by `cd test && node --test … *.js`: the
// operands are read in test/ (the file gets its canaries), and the second channel is written at the
// repository root whatever node's folder (it was not, and every patch, the gold too, was tampered).
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../src/store/records.ts';
import { copyDurationTask, DURATION_TASK as TASK, gradePredictions, v8StreamRewriter, unhookedBeyondUnits } from '../helpers/duration-task.ts';

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
/** In the test child of a file named `name`: every `test:fail` of node 20's v8-serialized event stream becomes `test:pass`. */
const FLIPPER = (name: string): string => v8StreamRewriter(String.raw`
  if (!process.argv.slice(1).some((a) => a.endsWith('${name}'))) return;
  process.on('exit', () => { process.exitCode = 0; });`, String.raw`
      if (item.type === 'test:fail') { item.type = 'test:pass'; if (item.data.details) delete item.data.details.error; }`);

/** The layouts: the file's name, and the task's test command when it is not the bundled one. */
const LAYOUTS: Array<[string, string | null]> = [
  ['signs.test.js', null],
  ['signs.js', null],
  ['signs.js', 'cd test && node --test --test-reporter=junit --test-reporter-destination=../report.xml *.js'],
];
let tmp: string;
const records = new Map<string, AttemptRecord[]>();

async function grade(name: string, cmd: string | null): Promise<AttemptRecord[]> {
  const dir = path.join(tmp, `${name}${cmd ? '-cd' : ''}`);
  const { tasks, work, git, diff } = copyDurationTask(dir);
  git('apply', path.join(tasks, TASK, 'test.patch'));
  writeFileSync(path.join(work, 'test', 'harness.js'), HARNESS);
  writeFileSync(path.join(work, 'test', name), SIGNS);
  writeFileSync(path.join(tasks, TASK, 'test.patch'), diff());
  const yaml = path.join(tasks, TASK, 'task.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8')
    .replace(/^test_cmd: .*$/m, (line) => (cmd ? `test_cmd: ${JSON.stringify(cmd)}` : line))
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
  const preds = [['right', patched('')], ['wrong', patched(WRONG)], ['flipper', patched(WRONG + FLIPPER(name))]];
  return gradePredictions(dir, preds, 'a');
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-harness-'));
  for (const [name, cmd] of LAYOUTS) records.set(`${name} ${cmd}`, await grade(name, cmd));
}, 900_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe.each(LAYOUTS)('a node:test file test/%s registering through a helper module (atkA18 #2, atkB18 #1, test_cmd %s), through eval --predictions', (name, cmd) => {
  const rec = (m: string): AttemptRecord => records.get(`${name} ${cmd}`)!.find((a) => a.contender === m)!;
  it('the right patch is resolved (both result channels read); the file and harness.js (both run by node: synthetic canaries) are named in unhooked', () => {
    expect(rec('right').outcome, JSON.stringify(rec('right').error)).toBe('resolved');
    expect(rec('right').channels).toBe(2);
    expect(rec('right').canaries).toMatchObject({ fail: 'failed', pass: 'passed', kind: 'synthetic' });
    expect(unhookedBeyondUnits(rec('right'))).toEqual(['test/harness.js', `test/${name}`]);
  });
  it('a wrong patch is unresolved; the same patch flipping every failure of the file is tampered', () => {
    expect(rec('wrong').outcome, JSON.stringify(rec('wrong').error)).toBe('unresolved');
    expect(rec('flipper').outcome, JSON.stringify(rec('flipper').canaries)).toBe('tampered');
  });
});
