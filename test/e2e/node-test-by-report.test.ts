// node:test known from the run's own report (integrity.ts `noteNodeTestReport`, atkU15 #1): a
// repository whose tests reach node:test through an import built at run time, run by a script that
// masks the exit status, showed node:test nowhere fixbench looks before the run (the command, the
// npm script, the test files' imports, `'node:test'` in the repository), so JUnit (or TAP read with
// every point) alone judged it, and a wrong patch failing only in a describe's after() hook resolved.
// node's reporters close their report with counts no other runner writes: such a run without a
// second channel is now no verdict, gold included, and `tasks validate` would refuse the task.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { writeTinyTask } from '../helpers/tiny-task.ts';

const BASE = {
  'package.json': '{ "name": "ws", "version": "1.0.0", "type": "module" }\n',
  'src.mjs': 'export const add = (a, b) => a - b;\nexport const setup = () => {};\n',
  // the suite's helpers reach node's runner without writing its name
  'test/helpers.mjs': "const runner = await import(['node', 'test'].join(':'));\nexport const { describe, it, after } = runner;\n",
  'junit.sh': '#!/bin/sh\nnode --test --test-reporter=junit --test-reporter-destination=report.xml test/ || echo "failures: see report.xml"\n',
  'tap.sh': '#!/bin/sh\nnode --test --test-reporter=tap test/ || echo "# failures above"\n',
};
const TEST = {
  'test/a.test.mjs': "import { describe, it, after } from './helpers.mjs';\nimport assert from 'node:assert/strict';\nimport { add, setup } from '../src.mjs';\n\ndescribe('math', () => {\n  after(() => setup());\n  it('adds two numbers', () => { assert.equal(add(1, 2), 3); });\n  it('adds zero', () => { assert.equal(add(5, 0), 5); });\n  it('adds negatives', () => { assert.equal(add(-1, -2), -3); });\n});\n",
};
const GOLD = { 'src.mjs': 'export const add = (a, b) => a + b;\nexport const setup = () => {};\n' };
// right in every test, but breaks the hook: node's JUnit shows no test failing
const WRONG = { 'src.mjs': "export const add = (a, b) => a + b;\nexport const setup = () => { throw new Error('broken'); };\n" };

let tmp: string;
let repo: GitRepo;
let records: AttemptRecord[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-node-report-'));
  repo = gitRepo(BASE);
  const tasks = path.join(tmp, 'tasks');
  const lists = { FAIL_TO_PASS: ['math > adds two numbers', 'math > adds negatives'], PASS_TO_PASS: ['math > adds zero'] };
  writeTinyTask(tasks, repo, 'junit', { yaml: { test_cmd: 'sh junit.sh', test_report: 'junit:report.xml', ...lists }, gold: patchFor(repo, GOLD), test: patchFor(repo, TEST) });
  writeTinyTask(tasks, repo, 'tap', { yaml: { test_cmd: 'sh tap.sh', test_report: 'tap', ...lists }, gold: patchFor(repo, GOLD), test: patchFor(repo, TEST) });
  const preds = ['junit', 'tap'].flatMap((id) => [
    { instance_id: id, model_name_or_path: 'right', model_patch: patchFor(repo, GOLD) },
    { instance_id: id, model_name_or_path: 'wrong', model_patch: patchFor(repo, WRONG) },
  ]);
  await writeFile(path.join(tmp, 'preds.jsonl'), preds.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const results = path.join(tmp, 'results');
  const r = await runCli(['eval', '--predictions', path.join(tmp, 'preds.jsonl'), '--tasks', tasks, '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'r', '--sandbox', 'local']);
  expect(r.exitCode, r.stderr).toBe(0);
  records = (await readFile(path.join(results, 'r', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
}, 180_000);
afterAll(async () => {
  repo?.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

describe('node:test known from its own report', () => {
  for (const task of ['junit', 'tap']) {
    for (const contender of ['wrong', 'right']) {
      it(`${contender} on the ${task} task behind a script: no verdict, naming the fix`, () => {
        const rec = records.find((a) => a.instance_id === task && a.contender === contender);
        expect(rec, `${task} ${contender}`).toBeDefined();
        expect(rec!.outcome, JSON.stringify(rec!.error)).toBe('unresolved');
        expect(rec!.error?.message).toMatch(/no test verdict with this patch: node's test runner wrote this (JUnit|TAP) report .*`node --test …`/);
      });
    }
  }
});
