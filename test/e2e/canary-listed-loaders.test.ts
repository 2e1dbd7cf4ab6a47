// A listed node:test id run by several test files (canary-runs.ts), through the real pipeline
// (`fixbench eval --predictions`, node:test) on a copy of js-duration-1 whose base_commit gains a
// module of shared cases (`testlib/unit-cases.js`, not a file node runs as a test) holding the
// listed `units > returns undefined for unknown names`, and two test files loading it, one CommonJS
// and one ESM: with test/units.test.js, three processes must report the id. A patch that stops the
// ESM loader at load (atkI21 A's shape: `process.exit(0)` under node --test) leaves the id to the
// other two files' passes; it must not resolve, and the test output says why. Nor may one keeping
// the suite's body from running in that process only while the file's other suite runs (atkH21 A3).
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../src/store/records.ts';
import { commitNewBase, copyDurationTask, DURATION_TASK as TASK, gradePredictions } from '../helpers/duration-task.ts';

const ID = 'units > returns undefined for unknown names';
const CASES = "'use strict';\nconst { describe, it } = require('node:test');\nconst assert = require('node:assert');\ndescribe('units', () => {\n  it('returns undefined for unknown names', () => { assert.strictEqual(globalThis.durationLib.lookupUnit('fortnight'), undefined); });\n});\n";
const STOP_ESM = "if (process.argv.some((a) => /loader-esm\\.test\\.mjs$/.test(a))) process.exit(0);\n";
// atkH21 A3's shape: in the ESM loader's process only, the suite holding the id is registered with no body, while its other suite runs (the file is not silent)
const SKIP_ESM = "if (process.argv.some((a) => /loader-esm\\.test\\.mjs$/.test(a))) { const t = require('node:test'); const d = t.describe; t.describe = (name, fn) => d(name, name === 'units' ? () => {} : fn); }\n";

let tmp: string;
let records: AttemptRecord[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-listed-loaders-'));
  const copy = copyDurationTask(tmp);
  const { tasks, work, git } = copy;
  mkdirSync(path.join(work, 'testlib'));
  writeFileSync(path.join(work, 'testlib', 'unit-cases.js'), CASES);
  writeFileSync(path.join(work, 'test', 'loader-cjs.test.js'), "'use strict';\nglobalThis.durationLib = require('..');\nrequire('../testlib/unit-cases.js');\n");
  writeFileSync(path.join(work, 'test', 'loader-esm.test.mjs'), "import lib from '../src/index.js';\nimport '../testlib/unit-cases.js';\nimport { describe, it } from 'node:test';\nglobalThis.durationLib = lib;\ndescribe('esm', () => { it('loads', () => {}); });\n");
  const { diff } = commitNewBase(copy, 'shared cases');
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  const right = diff();
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  const index = path.join(work, 'src', 'index.js');
  writeFileSync(index, STOP_ESM + readFileSync(index, 'utf8'));
  const stop = diff();
  git('apply', path.join(tasks, TASK, 'gold.patch'));
  writeFileSync(index, SKIP_ESM + readFileSync(index, 'utf8'));
  const skip = diff();
  records = await gradePredictions(tmp, [['right', right], ['stop', stop], ['skip', skip]], 'a');
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('a listed node:test id in a module of shared cases two test files load (atkI21 A), through eval --predictions', () => {
  const of = (name: string): AttemptRecord => records.find((a) => a.contender === name)!;
  const log = (name: string): string => readFileSync(path.join(tmp, 'results', 'a', 'logs', name, TASK, '0', 'test_output.txt'), 'utf8');
  it('the right patch resolves: every file running the id reported it', () => {
    expect(of('right').outcome, JSON.stringify(of('right').error)).toBe('resolved');
    expect(log('right')).not.toContain('test files node runs run it');
  });
  it('a patch stopping the ESM loader at load does not resolve: the id reads ERROR, and the output names the files', () => {
    expect(of('stop').outcome, JSON.stringify(of('stop').error)).toBe('unresolved');
    expect(of('stop').tests_status?.PASS_TO_PASS.failure).toContain(ID);
    expect(log('stop')).toContain(`${JSON.stringify(ID)} was reported 2 times, but 3 test files node runs run it (test/loader-cjs.test.js, test/loader-esm.test.mjs, test/units.test.js)`);
  });
  it('a patch keeping the suite body from running in the ESM loader only (its other suite runs) does not resolve either (atkH21 A3)', () => {
    expect(of('skip').outcome, JSON.stringify(of('skip').error)).toBe('unresolved');
    expect(of('skip').tests_status?.PASS_TO_PASS.failure).toContain(ID);
    expect(log('skip')).toContain(`${JSON.stringify(ID)} was reported 2 times`);
  });
});
