// Swapped canary pairs through the real pipeline (`fixbench eval --predictions`, node:test with a
// JUnit report and the TAP second channel): a task whose failing test was already in the base tree
// (test.patch only changes its expected value), so a patch can read its title. A wrong patch that
// answers right only when called from the test of that title (it reads the test file at the
// caller's line) resolved every time before swaps; now it resolves only when its pair ran
// unswapped (the log names swapped pairs) and its group's third member copies the mutant, about a
// quarter of the time. Gold stays resolved, both channels agreeing on the swapped ids.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, patchFor } from '../helpers/git-repo.ts';
import { writeTinyTask } from '../helpers/tiny-task.ts';

const HEAD = "const { describe, test } = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/add.js');\n";
const tests = (adds: string): string => `${HEAD}describe('add', () => {\n  test('adds two numbers', () => ${adds});\n  test('is a function', () => assert.equal(typeof add, 'function'));\n});\n`;
const BASE = { 'src/add.js': 'exports.add = (a, b) => a - b;\n', 'test/add.test.js': tests('assert.equal(add(2, 0), 2)') };
/** Still subtracts, but adds when its caller is the test titled `adds two numbers` (found from the stack's test-file line). */
const FORGER = [
  "const fs = require('node:fs');",
  'exports.add = (a, b) => {',
  '  const m = /\\((\\/[^)]*\\.test\\.js):(\\d+):\\d+\\)/.exec(new Error().stack);',
  "  const line = m ? fs.readFileSync(m[1], 'utf8').split('\\n')[Number(m[2]) - 1] : '';",
  "  return /test\\('adds two numbers'/.test(line) ? a + b : a - b;",
  '};',
  '',
].join('\n');

const SUITE_FORGER = readFileSync(new URL('../fixtures/hostile/_canary-swap/suite-named-like-file.js', import.meta.url), 'utf8');

let tmp: string;

/** Grades `preds` (contender → src/add.js) on task `id` made from `base` and the hidden `hidden` test file; the records and a reader of their logs. */
async function grade(id: string, base: Record<string, string>, hidden: string, preds: [string, string][]): Promise<{ recs: AttemptRecord[]; log: (a: AttemptRecord) => Promise<string> }> {
  const repo = gitRepo(base);
  const tasks = path.join(tmp, `tasks-${id}`);
  writeTinyTask(tasks, repo, id, {
    yaml: { test_cmd: 'node --test --test-reporter=junit --test-reporter-destination=report.xml', test_report: 'junit:report.xml', FAIL_TO_PASS: ['add > adds two numbers'], PASS_TO_PASS: ['add > is a function'] },
    test: patchFor(repo, { 'test/add.test.js': hidden }),
  });
  await writeFile(path.join(tasks, id, 'problem_statement.md'), 'add() subtracts instead of adding.\n');
  const file = path.join(tmp, `preds-${id}.jsonl`);
  await writeFile(file, preds.map(([m, src]) => JSON.stringify({ instance_id: id, model_name_or_path: m, model_patch: patchFor(repo, { 'src/add.js': src }) })).join('\n') + '\n');
  const results = path.join(tmp, `results-${id}`);
  const r = await runCli(['eval', '--predictions', file, '--tasks', tasks, '--results', results, '--reports', path.join(tmp, `reports-${id}`), '--run-id', 's1', '--sandbox', 'local', '--json'], { timeoutMs: 240_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  const recs = (await readFile(path.join(results, 's1', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
  return { recs, log: (a) => readFile(path.join(results, 's1', 'logs', a.contender, a.instance_id, String(a.attempt), 'test_output.txt'), 'utf8') };
}
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-swap-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('swapped canary pairs (fixbench eval, node:test, two channels)', () => {
  it('a patch answering right only for the failing test whose title it can read resolves only when its pair ran unswapped; gold always', async () => {
    const repo = gitRepo(BASE);
    const tasks = path.join(tmp, 'tasks');
    writeTinyTask(tasks, repo, 'swap-1', {
      yaml: { test_cmd: 'node --test --test-reporter=junit --test-reporter-destination=report.xml', test_report: 'junit:report.xml', FAIL_TO_PASS: ['add > adds two numbers'], PASS_TO_PASS: ['add > is a function'] },
      test: patchFor(repo, { 'test/add.test.js': tests('assert.equal(add(2, 3), 5)') }),
    });
    // a statement that gave the expected value (5) would tell the original twin: no odds would be claimed
    await writeFile(path.join(tasks, 'swap-1', 'problem_statement.md'), 'add() subtracts instead of adding.\n');
    const N = 12;
    const preds = [['fix', patchFor(repo, { 'src/add.js': 'exports.add = (a, b) => a + b;\n' })], ...Array.from({ length: N }, (_, i) => [`forger-${i}`, patchFor(repo, { 'src/add.js': FORGER })])];
    await writeFile(path.join(tmp, 'preds.jsonl'), preds.map(([m, p]) => JSON.stringify({ instance_id: 'swap-1', model_name_or_path: m, model_patch: p })).join('\n') + '\n');
    const results = path.join(tmp, 'results');
    const r = await runCli(['eval', '--predictions', path.join(tmp, 'preds.jsonl'), '--tasks', tasks, '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 's1', '--sandbox', 'local', '--json'], { timeoutMs: 240_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const recs = (await readFile(path.join(results, 's1', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
    const log = (a: AttemptRecord): Promise<string> => readFile(path.join(results, 's1', 'logs', a.contender, a.instance_id, String(a.attempt), 'test_output.txt'), 'utf8');
    const gold = recs.find((a) => a.contender === 'fix')!;
    expect(gold, JSON.stringify(gold.error)).toMatchObject({ outcome: 'resolved', channels: 2, canaries: { fail: 'failed', pass: 'passed', kind: 'mutated', guess: 0.5 } });
    expect(gold.tests_status).toEqual({ FAIL_TO_PASS: { success: ['add > adds two numbers'], failure: [] }, PASS_TO_PASS: { success: ['add > is a function'], failure: [] } });
    const forgers = recs.filter((a) => a.contender.startsWith('forger-'));
    expect(forgers).toHaveLength(N);
    for (const a of forgers) {
      const swapped = /canary pairs ran swapped[^\n]*"add > adds two numbers" ⇄/.test(await log(a));
      // swapped: the forged title is the mutant's, which then passes while the original fails (a number mutant: excused), and
      // the original's failure is graded under its own id. Unswapped, the forged title is the original's: the group's third
      // member (canary-group.ts) decides — a copy of the test, under a new title, fails while the test passed (tampered), a
      // copy of the mutant fails as it must (resolved: both coin flips lost).
      if (swapped) {
        expect(a.outcome, `${a.contender} swapped ${JSON.stringify(a.error)}`).toBe('unresolved');
        expect(a.tests_status?.FAIL_TO_PASS).toEqual({ success: [], failure: ['add > adds two numbers'] });
      } else {
        expect(['resolved', 'tampered'], `${a.contender} ${JSON.stringify(a.error)}`).toContain(a.outcome);
        if (a.outcome === 'tampered') expect(a.error?.message).toMatch(/passing canary test .* came out failed, not passed while the test it copies, "add > adds two numbers", did not fail/);
      }
    }
    // Before swaps all 12 resolved; then each with odds 1/2; with groups 1/4 (all 12: 2^-24).
    expect(forgers.filter((a) => a.outcome !== 'resolved').length).toBeGreaterThan(0);
  }, 300_000);
  it('a test of the same title in an untouched test file (ids without file names) keeps the pair unswapped: gold resolved every time, odds 1 (atkH13 #1)', async () => {
    const other = `${HEAD}describe('add', () => {\n  test('adds two numbers', () => assert.ok(add));\n});\n`;
    const fix = 'exports.add = (a, b) => a + b;\n';
    const { recs, log } = await grade('swap-2', { ...BASE, 'test/other.test.js': other }, tests('assert.equal(add(2, 3), 5)'), Array.from({ length: 6 }, (_, i) => [`fix-${i}`, fix] as [string, string]));
    for (const a of recs) {
      expect(a.outcome, JSON.stringify(a.error)).toBe('resolved');
      // test/other.test.js writes the listed id too, so it is a canary host (ids without file names): its pair cannot swap either
      expect(a.canaries).toMatchObject({ guess: 1, weak: ['test/add.test.js', 'test/other.test.js'] });
      expect(await log(a)).not.toMatch(/canary pairs ran swapped/);
    }
  }, 300_000);

  it('code under test that registers a suite named like the test file (its copies of the twins, statuses as canaries must be) is tampered: such ids count beside the runner\'s own (atkH13 #3)', async () => {
    const { recs } = await grade('swap-3', BASE, tests('assert.equal(add(2, 3), 5)'), Array.from({ length: 6 }, (_, i) => [`suite-forger-${i}`, SUITE_FORGER] as [string, string]));
    for (const a of recs) {
      expect(a.outcome, JSON.stringify(a.error)).toBe('tampered');
      expect(a.error?.message).toMatch(/reported more than once/);
    }
  }, 300_000);
});
