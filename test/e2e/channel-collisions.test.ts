// Honest node:test layouts that made gold `tampered` (the real pipeline: `fixbench run` for gold and
// noop, `fixbench eval --predictions` for wrong patches and forgers; canary placement and swaps are
// random, so gold runs several times):
// - a suite titled like a test at its level (`test('parses ms')` beside `describe('parses ms')` holding
//   the failing test): node's TAP closes the suite with a point of its name, so the must-fail canary
//   inside failed that test in the TAP channel only (atkI13 #3), JUnit or TAP first; and a wrong
//   patch failing that test was read as the suite's passing tests (resolved);
// - a test file that another test file requires (for a helper it exports): node --test runs it in both
//   files' processes, and the runner adapter's `#2` twins of its canaries read as forged (atkJ13).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { writeTinyTask } from '../helpers/tiny-task.ts';

const BUGGY = "exports.ms = (s) => {\n  const m = /^(\\d+)(ms|s)$/.exec(s);\n  if (!m) return NaN;\n  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);\n};\n";
const FIX = "exports.ms = (s) => {\n  const m = /^(\\d+)(ms|s|h)$/.exec(s);\n  if (!m) return NaN;\n  return Number(m[1]) * (m[2] === 'h' ? 3600000 : m[2] === 's' ? 1000 : 1);\n};\n";
const HEAD = "const { describe, it, test } = require('node:test');\nconst assert = require('node:assert');\nconst { ms } = require('../src/ms.js');\n";
const HOURS = "  it('reads hours', () => assert.equal(ms('1h'), 3600000));\n";
const NEUTRALISE = "for (const spec of ['node:assert', 'node:assert/strict']) { const a = require(spec); for (const k of Object.keys(a)) if (typeof a[k] === 'function') a[k] = () => {}; }\n";
/** Failing twins of every test of test/b.test.js, registered (before the file's own) from a frame named test/b.test.js, so the adapter gives them b's ids. */
const TWINS = [
  "const fs = require('node:fs'), path = require('node:path'), vm = require('node:vm');",
  "const f = path.resolve(__dirname, '../test/b.test.js');",
  "const titles = [...fs.readFileSync(f, 'utf8').matchAll(/^\\s*it\\('([^']*)'/gm)].map((m) => m[1]);",
  "vm.runInThisContext('(function (nt, titles) { nt.describe(\"units\", () => { for (const t of titles) nt.it(t, () => { throw new Error(\"twin\"); }); }); })', { filename: f })(require('node:test'), titles);",
  '',
].join('\n');

// Lead A: the top-level test "parses ms" and the suite "parses ms" that test.patch adds the failing test to.
const suiteFile = (extra: string): string => `${HEAD}test('parses ms', () => assert.equal(ms('5ms'), 5));\ndescribe('parses ms', () => {\n  it('reads seconds', () => assert.equal(ms('2s'), 2000));\n${extra}  it('reads ms', () => assert.equal(ms('7ms'), 7));\n});\n`;
const SUITE_LISTS = { FAIL_TO_PASS: ['parses ms > reads hours'], PASS_TO_PASS: ['parses ms', 'parses ms > reads seconds', 'parses ms > reads ms'] };
// Lead B: test/a.test.js requires test/b.test.js for its helper `twice`; test.patch adds the failing test to b.
const bFile = (extra: string): string => `${HEAD}exports.twice = (s) => ms(s) * 2;\ndescribe('units', () => {\n  it('reads seconds', () => assert.equal(ms('2s'), 2000));\n${extra}  it('reads ms', () => assert.equal(ms('7ms'), 7));\n});\n`;
const A_FILE = "const { describe, it } = require('node:test');\nconst assert = require('node:assert');\nconst { twice } = require('./b.test.js');\ndescribe('twice', () => {\n  it('doubles', () => assert.equal(twice('3ms'), 6));\n});\n";

const JUNIT = { test_cmd: 'node --test --test-reporter=junit --test-reporter-destination=report.xml', test_report: 'junit:report.xml' };
const TAP = { test_cmd: 'node --test --test-reporter=tap', test_report: 'tap' };

let tmp: string;
let suiteRepo: GitRepo;
let requireRepo: GitRepo;
const tasks = (): string => path.join(tmp, 'tasks');

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-collisions-'));
  suiteRepo = gitRepo({ 'src/ms.js': BUGGY, 'test/ms.test.js': suiteFile('') });
  requireRepo = gitRepo({ 'src/ms.js': BUGGY, 'test/b.test.js': bFile(''), 'test/a.test.js': A_FILE });
  const gold = (repo: GitRepo): string => patchFor(repo, { 'src/ms.js': FIX });
  const statement = "ms('1h') gives NaN; it should give 3600000.\n";
  const suiteTest = patchFor(suiteRepo, { 'test/ms.test.js': suiteFile(HOURS) });
  writeTinyTask(tasks(), suiteRepo, 'suite-junit', { yaml: { ...JUNIT, ...SUITE_LISTS }, gold: gold(suiteRepo), test: suiteTest });
  writeTinyTask(tasks(), suiteRepo, 'suite-tap', { yaml: { ...TAP, ...SUITE_LISTS }, gold: gold(suiteRepo), test: suiteTest });
  const bTest = patchFor(requireRepo, { 'test/b.test.js': bFile(HOURS) });
  writeTinyTask(tasks(), requireRepo, 'require-adapter', {
    yaml: { test_cmd: 'node --test', test_report: 'node-test', FAIL_TO_PASS: ['test/b.test.js > units > reads hours'], PASS_TO_PASS: ['test/b.test.js > units > reads seconds', 'test/b.test.js > units > reads ms', 'test/a.test.js > twice > doubles'] },
    gold: gold(requireRepo),
    test: bTest,
  });
  writeTinyTask(tasks(), requireRepo, 'require-junit', { yaml: { ...JUNIT, FAIL_TO_PASS: ['units > reads hours'], PASS_TO_PASS: ['units > reads seconds', 'units > reads ms', 'twice > doubles'] }, gold: gold(requireRepo), test: bTest });
  for (const id of ['suite-junit', 'suite-tap', 'require-adapter', 'require-junit']) await writeFile(path.join(tasks(), id, 'problem_statement.md'), statement);
});
afterAll(async () => {
  suiteRepo?.cleanup();
  requireRepo?.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

const records = async (results: string, run: string): Promise<AttemptRecord[]> =>
  (await readFile(path.join(results, run, 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
const show = (a: AttemptRecord): string => `${a.contender} ${a.instance_id} #${a.attempt}: ${a.outcome} ${JSON.stringify(a.error)}`;

describe('honest node:test layouts the result channels and canaries misread (fixbench run / eval)', () => {
  it('gold resolves every time and noop is unresolved, never tampered (was: gold and noop tampered on every run)', async () => {
    const results = path.join(tmp, 'results');
    const r = await runCli(['run', '--tasks', tasks(), '--no-models', '--attempts', '3', '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'ref', '--sandbox', 'local', '--json'], { timeoutMs: 400_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const recs = await records(results, 'ref');
    expect(recs).toHaveLength(24);
    for (const a of recs) {
      expect(a.outcome, show(a)).toBe(a.contender === 'gold' ? 'resolved' : 'unresolved');
      expect(a.canaries, show(a)).toMatchObject({ fail: 'failed', pass: 'passed', kind: 'mutated' });
      if (a.instance_id !== 'require-adapter') expect(a.channels, show(a)).toBe(2);
    }
  }, 450_000);

  it('a wrong patch is unresolved and a forger tampered', async () => {
    const preds: [string, string, string][] = [
      // fixes hours but breaks "parses ms" (5ms): was resolved (the test read as the suite of its title's passing tests)
      ['suite-junit', 'wrong-5ms', `${FIX}const f = exports.ms;\nexports.ms = (s) => (s === '5ms' ? 6 : f(s));\n`],
      ['suite-tap', 'wrong-5ms', `${FIX}const f = exports.ms;\nexports.ms = (s) => (s === '5ms' ? 6 : f(s));\n`],
      ['suite-junit', 'neutralise', NEUTRALISE + BUGGY],
      ['suite-tap', 'neutralise', NEUTRALISE + BUGGY],
      // breaks a PASS_TO_PASS test of b in both processes: its copy fails with it (excused pairwise)
      ['require-adapter', 'wrong-seconds', `${FIX}const g = exports.ms;\nexports.ms = (s) => (s === '2s' ? 1 : g(s));\n`],
      ['require-adapter', 'neutralise', NEUTRALISE + BUGGY],
      ['require-adapter', 'twins-neutralise', TWINS + NEUTRALISE + BUGGY],
      ['require-junit', 'neutralise', NEUTRALISE + BUGGY],
    ];
    const want: Record<string, string> = { 'wrong-5ms': 'unresolved', 'wrong-seconds': 'unresolved', neutralise: 'tampered', 'twins-neutralise': 'tampered' };
    const repoOf = (id: string): GitRepo => (id.startsWith('suite') ? suiteRepo : requireRepo);
    const file = path.join(tmp, 'preds.jsonl');
    await writeFile(file, preds.map(([id, m, src]) => JSON.stringify({ instance_id: id, model_name_or_path: m, model_patch: patchFor(repoOf(id), { 'src/ms.js': src }) })).join('\n') + '\n');
    const results = path.join(tmp, 'results-preds');
    const r = await runCli(['eval', '--predictions', file, '--tasks', tasks(), '--results', results, '--reports', path.join(tmp, 'reports-preds'), '--run-id', 'p', '--sandbox', 'local', '--json'], { timeoutMs: 300_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    // each contender also gets a record (no prediction) for the tasks it gave none
    const recs = (await records(results, 'p')).filter((a) => preds.some(([id, m]) => a.instance_id === id && a.contender === m));
    expect(recs).toHaveLength(preds.length);
    for (const a of recs) {
      expect(a.outcome, show(a)).toBe(want[a.contender]);
      if (a.outcome === 'tampered') expect(a.error?.message, show(a)).toMatch(/failing canary test .* came out passed/);
    }
  }, 350_000);
});
