// The files `node --test` runs come from the task's test command (atkB18 #11), through the real
// pipeline (`fixbench eval --predictions`, node:test, node's JUnit and the lean TAP) on a copy of the
// bundled js-duration-1 whose test_cmd names `test/*.test.js`: test.patch adds a CLI fixture
// `test/fixtures/test-cli.js` (a test-file name, `test-*`, but not one of the command's files) and
// `test/cli.test.js` spawning it, with a hidden FAIL_TO_PASS test. The fixture used to get the
// synthetic pair, so every spawn of it ran a must-fail canary and exited 1: the right patch came
// out unresolved. Now it is left untouched and the right patch is resolved.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../src/store/records.ts';
import { copyDurationTask, DURATION_TASK as TASK, gradePredictions } from '../helpers/duration-task.ts';

const FIXTURE = "'use strict';\nconst { parse } = require('../..');\nprocess.stdout.write(`${parse(process.argv[2])}\\n`);\n";
const CLI_TEST = [
  "'use strict';",
  "const { describe, it } = require('node:test');",
  "const assert = require('node:assert/strict');",
  "const { execFileSync } = require('node:child_process');",
  "const path = require('node:path');",
  "const cli = (arg) => execFileSync(process.execPath, [path.join(__dirname, 'fixtures', 'test-cli.js'), arg], { encoding: 'utf8' });",
  '',
  "describe('cli', () => {",
  "  it('prints a negative duration', () => {\n    assert.equal(cli('-4h 5m'), '-14700000\\n');\n  });",
  '',
  "  it('prints a positive duration', () => {\n    assert.equal(cli('4h 5m'), '14700000\\n');\n  });",
  '',
  "  it('prints minutes', () => {\n    assert.equal(cli('5m'), '300000\\n');\n  });",
  '});',
  '',
].join('\n');

let tmp: string;
let records: AttemptRecord[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-cmd-'));
  const { tasks, work, git, diff } = copyDurationTask(tmp);
  git('apply', path.join(tasks, TASK, 'test.patch'));
  mkdirSync(path.join(work, 'test', 'fixtures'), { recursive: true });
  writeFileSync(path.join(work, 'test', 'fixtures', 'test-cli.js'), FIXTURE);
  writeFileSync(path.join(work, 'test', 'cli.test.js'), CLI_TEST);
  writeFileSync(path.join(tasks, TASK, 'test.patch'), diff());
  const yaml = path.join(tasks, TASK, 'task.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8')
    .replace(/^test_cmd: .*$/m, 'test_cmd: node --test --test-reporter=junit --test-reporter-destination=report.xml test/*.test.js')
    .replace('FAIL_TO_PASS:\n', 'FAIL_TO_PASS:\n  - cli > prints a negative duration\n')
    .replace('PASS_TO_PASS:\n', 'PASS_TO_PASS:\n  - cli > prints a positive duration\n  - cli > prints minutes\n'));
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  records = await gradePredictions(tmp, [['right', diff()]], 'a');
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('a test-named fixture the test command does not run (atkB18 #11), through eval --predictions', () => {
  it('gets no canary, and the right patch is resolved', () => {
    const right = records.find((a) => a.contender === 'right')!;
    expect(right.outcome, JSON.stringify(right.error)).toBe('resolved');
    expect(right.canaries).toMatchObject({ fail: 'failed', pass: 'passed', kind: 'mutated' });
    expect(right.canaries?.unhooked?.map((u) => u.file) ?? []).not.toContain('test/fixtures/test-cli.js');
  });
});
