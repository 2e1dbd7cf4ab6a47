// Tests whose inputs hold their expected values (a field picked out of a line), through the real
// pipeline (`fixbench eval --predictions`, node:test, JUnit and the TAP second channel). Every
// random mutant of such a value is told by its own test's input (echoTell, atkL14 #1), which
// recorded these files at odds 1 (weak) in most plans; the mutant is now drawn from the strings
// its test writes (canary-echo.ts: another field of the line, written as often), so both twins are
// echoed alike and the odds are a guess's again. The mutant must still be a wrong answer: gold
// resolves in every grading (its must-fail canary fails), and a patch that keeps the bug does not.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, patchFor } from '../helpers/git-repo.ts';
import { writeTinyTask } from '../helpers/tiny-task.ts';

/** Field `i` of a comma-separated line; the bug: its blanks are kept. */
const SPLIT = (trim: boolean): string => `exports.nth = (line, i) => line.split(',')[i]${trim ? '?.trim()' : ''};\n`;
const TESTS = [
  "const { describe, test } = require('node:test');",
  "const assert = require('node:assert');",
  "const { nth } = require('../src/split.js');",
  "describe('split', () => {",
  "  test('picks the second field', () => assert.equal(nth('x, y, z', 1), 'y'));",
  "  test('picks the first field', () => assert.equal(nth('u ,v ,w', 0), 'u'));",
  "  test('picks the last field', () => assert.equal(nth('p, q, r', 2), 'r'));",
  "  test('picks no field', () => assert.equal(nth('', 1), undefined));",
  '});',
  '',
].join('\n');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-echo-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('mutants drawn from their own test\'s input (atkL14 #1, round 15)', () => {
  it('records odds under 1 for tests whose inputs hold their answers; gold resolved in every grading, a patch keeping the bug not', async () => {
    const repo = gitRepo({ 'src/split.js': SPLIT(false) });
    const tasks = path.join(tmp, 'tasks');
    writeTinyTask(tasks, repo, 'split-1', {
      yaml: {
        test_cmd: 'node --test --test-reporter=junit --test-reporter-destination=report.xml',
        test_report: 'junit:report.xml',
        FAIL_TO_PASS: ['split > picks the second field', 'split > picks the first field', 'split > picks the last field'],
        PASS_TO_PASS: ['split > picks no field'],
      },
      gold: patchFor(repo, { 'src/split.js': SPLIT(true) }),
      test: patchFor(repo, { 'test/split.test.js': TESTS }),
    });
    await writeFile(path.join(tasks, 'split-1', 'problem_statement.md'), 'split() keeps the blanks around fields.\n');
    const N = 6;
    // `same`: a patch that leaves the bug (a comment added)
    const preds = [...Array.from({ length: N }, (_, i) => [`fix-${i}`, SPLIT(true)]), ['same', `// split\n${SPLIT(false)}`]];
    const file = path.join(tmp, 'preds.jsonl');
    await writeFile(file, preds.map(([m, src]) => JSON.stringify({ instance_id: 'split-1', model_name_or_path: m, model_patch: patchFor(repo, { 'src/split.js': src! }) })).join('\n') + '\n');
    const results = path.join(tmp, 'results');
    const r = await runCli(['eval', '--predictions', file, '--tasks', tasks, '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'e1', '--sandbox', 'local', '--json'], { timeoutMs: 240_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const recs = (await readFile(path.join(results, 'e1', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
    const golds = recs.filter((a) => a.contender.startsWith('fix-'));
    expect(golds).toHaveLength(N);
    for (const a of golds) {
      expect(a, JSON.stringify(a.error)).toMatchObject({ outcome: 'resolved', canaries: { fail: 'failed', pass: 'passed', kind: 'mutated' } });
      // before: every mutant echoed one twin only (odds 1, the file weak)
      expect(a.canaries!.guess).toBeLessThan(1);
      expect(a.canaries!.weak ?? []).toEqual([]);
    }
    expect(recs.find((a) => a.contender === 'same')?.outcome).toBe('unresolved');
  }, 300_000);
});
