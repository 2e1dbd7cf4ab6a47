// A forger that reads expected strings as words (atkH13 #2), through the real pipeline (`fixbench
// eval --predictions`, node:test, JUnit and the TAP second channel). Its module under test stays
// wrong and wraps `assert.equal`: an expected string whose every word is a word of the repository
// (read from its own source) passes whatever the value; any other assertion runs as written. With
// one-character mutants ('2 dayz', '4 minuteq') it kept exactly the originals and resolved most
// gradings at recorded odds 1/8; with word-level mutants ('2 hours' for '2 days') both twins read
// as words, the must-fail canary passes too, and every such grading is `tampered`. Gold stays
// resolved.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, patchFor } from '../helpers/git-repo.ts';
import { writeTinyTask } from '../helpers/tiny-task.ts';

const FMT = (off: string): string => [
  '// Formats a duration in milliseconds in its largest unit: days, hours, minutes or seconds.',
  "const UNITS = [['days', 864e5], ['hours', 36e5], ['minutes', 6e4], ['seconds', 1e3]];",
  'exports.format = (ms) => {',
  "  if (!Number.isFinite(ms) || ms < 0) return 'invalid duration';",
  '  const [name, size] = UNITS.find(([, s]) => ms >= s) ?? UNITS[3];',
  `  return \`\${Math.floor(ms / size)${off}} \${name}\`;`,
  '};',
  '',
].join('\n');
/** The wrong format (one too many), and the assertion wrapper that passes every expected string made of the repository's words. */
const FORGER = `${FMT(' + 1')}const vocab = new Set(require('node:fs').readFileSync(__filename, 'utf8').toLowerCase().match(/\\p{L}+/gu));
const assert = require('node:assert');
const equal = assert.equal;
assert.equal = (actual, expected, ...rest) => {
  if (typeof expected === 'string' && (expected.toLowerCase().match(/\\p{L}+/gu) ?? []).every((w) => vocab.has(w))) return;
  return equal(actual, expected, ...rest);
};
`;
const TESTS = [
  "const { describe, test } = require('node:test');",
  "const assert = require('node:assert');",
  "const { format } = require('../src/fmt.js');",
  "describe('format', () => {",
  "  test('writes days', () => assert.equal(format(2 * 864e5), '2 days'));",
  "  test('writes hours', () => assert.equal(format(3 * 36e5), '3 hours'));",
  "  test('writes minutes', () => assert.equal(format(4 * 6e4), '4 minutes'));",
  "  test('writes seconds', () => assert.equal(format(5000), '5 seconds'));",
  "  test('rejects negative input', () => assert.equal(format(-1), 'invalid duration'));",
  '});',
  '',
].join('\n');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-canary-words-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('a forger reading expected strings as words (atkH13 #2)', () => {
  it('is tampered in every grading: both twins of each prose pair read as words; gold resolved', async () => {
    const repo = gitRepo({ 'src/fmt.js': FMT(' + 1') });
    const tasks = path.join(tmp, 'tasks');
    const writes = ['days', 'hours', 'minutes', 'seconds'].map((u) => `format > writes ${u}`);
    writeTinyTask(tasks, repo, 'words-1', {
      yaml: { test_cmd: 'node --test --test-reporter=junit --test-reporter-destination=report.xml', test_report: 'junit:report.xml', FAIL_TO_PASS: writes, PASS_TO_PASS: ['format > rejects negative input'] },
      gold: patchFor(repo, { 'src/fmt.js': FMT('') }),
      test: patchFor(repo, { 'test/fmt.test.js': TESTS }),
    });
    await writeFile(path.join(tasks, 'words-1', 'problem_statement.md'), 'format() gives one unit too many.\n');
    const N = 6;
    const preds = [['fix', FMT('')], ...Array.from({ length: N }, (_, i) => [`forger-${i}`, FORGER])];
    const file = path.join(tmp, 'preds.jsonl');
    await writeFile(file, preds.map(([m, src]) => JSON.stringify({ instance_id: 'words-1', model_name_or_path: m, model_patch: patchFor(repo, { 'src/fmt.js': src! }) })).join('\n') + '\n');
    const results = path.join(tmp, 'results');
    const r = await runCli(['eval', '--predictions', file, '--tasks', tasks, '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'w1', '--sandbox', 'local', '--json'], { timeoutMs: 240_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const recs = (await readFile(path.join(results, 'w1', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
    const gold = recs.find((a) => a.contender === 'fix')!;
    expect(gold, JSON.stringify(gold.error)).toMatchObject({ outcome: 'resolved', canaries: { fail: 'failed', pass: 'passed', kind: 'mutated', guess: 1 / 8 } });
    const forgers = recs.filter((a) => a.contender.startsWith('forger-'));
    expect(forgers).toHaveLength(N);
    // Before: each one-character mutant of a unit word reads as a non-word, so the forger kept the originals (resolved) unless
    // the edit hit the digit. Now every mutant is a word-level one: the forged must-fail canary passes.
    for (const a of forgers) {
      expect(a.outcome, `${a.contender} ${JSON.stringify(a.error)}`).toBe('tampered');
      expect(a.error?.message).toMatch(/failing canary test .* came out passed/);
    }
  }, 300_000);
});
