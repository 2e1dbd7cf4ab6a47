// Parser tests whose inputs hold their expected values (the js-csv tasks' shape), through the real
// pipeline (`fixbench eval --predictions`, node:test, JUnit and the TAP second channel). Every
// random mutant of such a value is told by its own test's input (echoTell, atkL14 #1), which
// recorded these files at odds 1 (weak); the mutant is now drawn from the strings its test writes
// (canary-echo.ts), so both twins are echoed and the odds are a guess's again. The mutant must still
// be a wrong answer: gold resolves in every grading (its must-fail canary fails), and a patch that
// changes nothing is not resolved.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, patchFor } from '../helpers/git-repo.ts';
import { writeTinyTask } from '../helpers/tiny-task.ts';

/** Splits text into rows of fields; the bug: a field's blanks are kept. */
const SPLIT = (trim: boolean): string => `exports.split = (text) => text.split('\\n').filter(Boolean).map((l) => l.split(',')${trim ? '.map((f) => f.trim())' : ''});\n`;
const TESTS = [
  "const { describe, test } = require('node:test');",
  "const assert = require('node:assert');",
  "const { split } = require('../src/split.js');",
  "describe('split', () => {",
  "  test('reads one row', () => assert.deepEqual(split('x, y'), [['x', 'y']]));",
  "  test('reads two rows', () => assert.deepEqual(split('u ,v\\nw, z'), [['u', 'v'], ['w', 'z']]));",
  "  test('reads a row of three', () => assert.deepEqual(split('p, q, r'), [['p', 'q', 'r']]));",
  "  test('reads nothing', () => assert.deepEqual(split(''), []));",
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
  it('records odds under 1 for parser tests whose inputs hold their answers; gold resolved in every grading, a no-op not', async () => {
    const repo = gitRepo({ 'src/split.js': SPLIT(false) });
    const tasks = path.join(tmp, 'tasks');
    writeTinyTask(tasks, repo, 'split-1', {
      yaml: {
        test_cmd: 'node --test --test-reporter=junit --test-reporter-destination=report.xml',
        test_report: 'junit:report.xml',
        FAIL_TO_PASS: ['split > reads one row', 'split > reads two rows', 'split > reads a row of three'],
        PASS_TO_PASS: ['split > reads nothing'],
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
