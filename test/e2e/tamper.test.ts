// Tamper evidence through the real pipeline (`fixbench eval --predictions`, local sandbox),
// table-driven: one hostile patch per class, each beside a control — the gold fix carrying the
// same trappings made harmless. No hostile patch is `resolved`; every control is; the record
// names why (`tampered`, or no verdict). Payloads: test/fixtures/hostile/_tamper/.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { createRequire } from 'node:module';
import { gitRepo, patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { tinyRepo, writeTinyTask } from '../helpers/tiny-task.ts';

const PAYLOADS = fileURLToPath(new URL('../fixtures/hostile/_tamper/', import.meta.url));
const payload = (name: string): string => readFileSync(path.join(PAYLOADS, name), 'utf8');
const FIXED = 'exports.add = (a, b) => a + b;\n';
const BUGGY = 'exports.add = (a, b) => a - b;\n';

/** The same tiny repository with mocha tests (BDD globals; mocha from fixbench's own devDependencies). */
const MOCHA_HEAD = "const assert = require('node:assert');\n";
const MOCHA_BASE = { 'src/add.js': BUGGY, 'test/base.spec.js': `${MOCHA_HEAD}describe('base', () => {\n  it('truth', () => assert.ok(true));\n});\n` };
const MOCHA_HIDDEN = {
  'test/add.spec.js': `${MOCHA_HEAD}const { add } = require('../src/add.js');\ndescribe('add', () => {\n  it('adds two numbers', () => assert.equal(add(2, 3), 5));\n  it('is a function', () => assert.equal(typeof add, 'function'));\n});\n`,
};
const MOCHA_BIN = path.join(path.dirname(createRequire(import.meta.url).resolve('mocha/package.json')), 'bin', 'mocha.js');

/** The tasks of the suite: the tiny repository under four ways of reading its results. */
const TASKS = {
  /** node:test, JUnit report file, TAP as the second channel. */
  junit: { test_cmd: 'node --test --test-reporter=junit --test-reporter-destination=report.xml', test_report: 'junit:report.xml' },
  /** node:test run in one process (`--import`, no `--test`), TAP on stdout: the code under test shares the reporter's stdout, so no patch gets a verdict (atkV15 #1). */
  tap: { test_cmd: 'node --test-reporter=tap --import ./test/add.test.js ./test/base.test.js', test_report: 'tap' },
  /** node --test, TAP on stdout: each test file runs in a child, apart from the reporter; JUnit as the second channel. */
  tapRunner: { test_cmd: 'node --test --test-reporter=tap ./test/add.test.js ./test/base.test.js', test_report: 'tap' },
  /** mocha, its JSON report (no second channel: canaries only). */
  mocha: {
    test_cmd: `node ${MOCHA_BIN} --reporter json --reporter-option output=report.json test/*.spec.js`,
    test_report: 'mocha-json:report.json',
    FAIL_TO_PASS: ['test/add.spec.js > add > adds two numbers'],
    PASS_TO_PASS: ['test/add.spec.js > add > is a function', 'test/base.spec.js > base > truth'],
  },
  /** The exit code only: no canaries possible (unprotected). */
  exitcode: { test_cmd: 'node --test', test_report: 'exit-code', FAIL_TO_PASS: ['node --test'], PASS_TO_PASS: [] },
} as const;

interface Row {
  /** The attack class (the predictions' model name). */
  name: string;
  task: keyof typeof TASKS;
  /** The content of src/add.js the patch leaves. */
  addJs: string;
  /** `resolved` for controls; for hostile patches the outcome that names why. */
  outcome: string;
  /** A regex the record's `error` must match. */
  error?: RegExp;
  unprotected?: boolean;
}

const ROWS: Row[] = [
  { name: 'neutralise-assert', task: 'junit', addJs: payload('neutralise-assert.js') + BUGGY, outcome: 'tampered', error: /failing canary test .* came out passed/ },
  { name: 'neutralise-assert-control', task: 'junit', addJs: payload('wrap-assert.js') + FIXED, outcome: 'resolved' },
  // Flips every failure except what looks like fixbench's old synthetic canaries: the mutated copy of a real test fails no more either.
  { name: 'selective-assert', task: 'junit', addJs: payload('selective-assert.js') + BUGGY, outcome: 'tampered', error: /failing canary test .* came out passed, not failed while the test it copies, "add > .*", did not fail/ },
  // The same on mocha, one level down: its Runnable reports every failure as a pass except old-style canary titles.
  { name: 'mocha-flip', task: 'mocha', addJs: payload('mocha-flip.js') + BUGGY, outcome: 'tampered', error: /failing canary test .* came out passed, not failed while the test it copies, "add > .*", did not fail/ },
  { name: 'mocha-flip-control', task: 'mocha', addJs: FIXED, outcome: 'resolved' },
  // a forged report of the listed titles only: no canary reported, or (its pair swapped) the listed title read back as the copy's, a must-fail canary that passed
  { name: 'rewrite-report', task: 'junit', addJs: payload('rewrite-report.js') + BUGGY, outcome: 'tampered', error: /none of the canary tests .* was reported|failing canary test .* came out passed/ },
  { name: 'rewrite-report-control', task: 'junit', addJs: payload('rewrite-report-same.js') + FIXED, outcome: 'resolved' },
  { name: 'forge-tap-in-process', task: 'tap', addJs: payload('forge-tap.js') + BUGGY, outcome: 'unresolved', error: /no test verdict with this patch: .*(killed by a signal|TAP stream is inconsistent|reporter process)/ },
  // the right fix gets no verdict either where the reporter shares the tests' process: its TAP is no evidence
  { name: 'fixed-in-process', task: 'tap', addJs: payload('print-tap.js') + FIXED, outcome: 'unresolved', error: /no test verdict with this patch: test_cmd runs the test files in node's reporter process .*node --test/ },
  // under node --test the forger prints into its own child's pipe and kills only that child: its file's canaries never reach the report
  // The listed `base > truth` makes test/base.test.js a canary host: its canaries are reported, so test/add.test.js, whose
  // child reported none of its tests, is a file the run did not run: its listed tests are missing (failed), not forged.
  { name: 'forge-tap-and-kill', task: 'tapRunner', addJs: payload('forge-tap.js') + BUGGY, outcome: 'unresolved', error: /listed test\(s\) not in the test results: "add > adds two numbers"/ },
  { name: 'forge-tap-and-kill-control', task: 'tapRunner', addJs: payload('print-tap.js') + FIXED, outcome: 'resolved' },
  { name: 'drop-suite', task: 'junit', addJs: payload('drop-suite.js') + BUGGY, outcome: 'unresolved', error: /listed test\(s\) not in the test results: "add > adds two numbers"/ },
  { name: 'drop-suite-control', task: 'junit', addJs: FIXED, outcome: 'resolved' },
  // exit-code: the hostile patch passes (the known gap) but the record says it is unprotected.
  { name: 'drop-suite-exit-code', task: 'exitcode', addJs: payload('drop-suite.js') + BUGGY, outcome: 'resolved', unprotected: true },
  { name: 'drop-suite-exit-code-control', task: 'exitcode', addJs: FIXED, outcome: 'resolved', unprotected: true },
];

let tmp: string;
let repo: GitRepo;
let mochaRepo: GitRepo;
let records: Map<string, AttemptRecord>;
let lintOut: string;
let html: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-tamper-'));
  repo = tinyRepo();
  const tasks = path.join(tmp, 'tasks');
  mochaRepo = gitRepo(MOCHA_BASE);
  const repoOf = (id: string): GitRepo => (id === 'mocha' ? mochaRepo : repo);
  for (const [id, yaml] of Object.entries(TASKS)) {
    writeTinyTask(tasks, repoOf(id), id, id === 'mocha' ? { yaml, gold: patchFor(mochaRepo, { 'src/add.js': FIXED }), test: patchFor(mochaRepo, MOCHA_HIDDEN) } : { yaml });
  }
  const preds = ROWS.map((r) => ({ instance_id: r.task, model_name_or_path: r.name, model_patch: patchFor(repoOf(r.task), { 'src/add.js': r.addJs }) }));
  await writeFile(path.join(tmp, 'preds.jsonl'), preds.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const results = path.join(tmp, 'results');
  const r = await runCli(['eval', '--predictions', path.join(tmp, 'preds.jsonl'), '--tasks', tasks, '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'tamper', '--sandbox', 'local']);
  expect(r.exitCode, r.stderr).toBe(0);
  const lines = (await readFile(path.join(results, 'tamper', 'attempts.jsonl'), 'utf8')).trim().split('\n');
  records = new Map(lines.map((l) => AttemptRecord.parse(JSON.parse(l))).filter((a) => a.outcome !== 'empty_patch').map((a) => [a.contender, a]));
  html = await readFile(path.join(tmp, 'reports', 'tamper', 'index.html'), 'utf8');
  lintOut = (await runCli(['tasks', 'lint', '--tasks', tasks])).stdout;
}, 240_000);
afterAll(async () => {
  repo?.cleanup();
  mochaRepo?.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

describe('tamper evidence (fixbench eval --predictions)', () => {
  for (const row of ROWS) {
    it(`${row.name} on the ${row.task} task is ${row.outcome}${row.unprotected ? ' and unprotected' : ''}`, () => {
      const rec = records.get(row.name);
      expect(rec, row.name).toBeDefined();
      const context = JSON.stringify({ outcome: rec!.outcome, error: rec!.error, canaries: rec!.canaries, unprotected: rec!.unprotected });
      expect(rec!.outcome, context).toBe(row.outcome);
      if (row.error) expect(rec!.error?.message ?? '', context).toMatch(row.error);
      if (row.unprotected) {
        expect(rec!.unprotected, context).toMatch(/exit-code/);
        expect(rec!.canaries ?? null).toBeNull();
      } else {
        expect(rec!.unprotected ?? null, context).toBeNull();
        if (row.outcome === 'resolved') {
          // `synthetic`: the listed `base > truth` (`assert.ok(true)`: nothing to mutate) gets the synthetic pair in its file;
          // test/add.test.js's canaries are mutated copies (the flips above are caught by them)
          expect(rec!.canaries, context).toMatchObject({ fail: 'failed', pass: 'passed', kind: 'synthetic' });
          expect(rec!.canaries?.guess, context).toBeGreaterThan(0);
          expect(rec!.channels, context).toBe(row.task === 'junit' || row.task === 'tapRunner' ? 2 : 1);
        }
      }
      // Canaries never reach the task's own results.
      for (const id of [...rec!.tests_status?.FAIL_TO_PASS.success ?? [], ...rec!.tests_status?.PASS_TO_PASS.success ?? []]) expect(['add > adds two numbers', 'add > is a function', 'base > truth', 'node --test', ...TASKS.mocha.FAIL_TO_PASS, ...TASKS.mocha.PASS_TO_PASS]).toContain(id);
    });
  }

  it('no hostile patch on a protected task is resolved; every control is', () => {
    for (const row of ROWS.filter((r) => !r.unprotected)) {
      const resolved = records.get(row.name)!.outcome === 'resolved';
      expect(resolved, row.name).toBe(row.name.endsWith('-control'));
    }
  });

  it('lint warns that the exit-code task is unprotected (and only it), and that the in-process TAP task gets no verdict', () => {
    expect(lintOut).toMatch(/warning: .*exitcode\/task\.yaml: test_report: exit-code: graded without canary tests/);
    expect(lintOut.match(/^warning: .*graded without canary tests/gm)).toHaveLength(1);
    expect(lintOut).toMatch(/warning: .*\/tap\/task\.yaml: test_cmd: runs the test files in node's reporter process/);
    expect(lintOut).not.toMatch(/tapRunner\/task\.yaml: test_cmd/);
  });

  it('the report shows tampered and unprotected attempts per model', () => {
    expect(html).toContain('tampered');
    expect(html).toMatch(/unprotected<div class="parts">attempts/);
    // The per-task matrix: ☠ for tampered, ° on the exit-code task's cells.
    expect(html).toContain('☠');
    expect(html).toMatch(/✓°/);
  });
});
