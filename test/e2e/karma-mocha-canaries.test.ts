// Canaries under karma + mocha (karma-mocha, no chai: bpmn-js's set-up in small, original content
// built here): a SWE-bench Multimodal task folder whose karma configuration runs mocha in headless
// Chromium, in the bwrap sandbox. test.patch brings one spec file asserting through a local
// `assert.equal` (mutated canaries: copies of its tests) and one asserting by a plain throw (the
// synthetic pair, in mocha's form, asserting by a throw too). Gold resolves with the canaries held
// and no `unprotected`; a patch that makes every spec report passed (it swaps mocha's
// Runnable#run for one that swallows each test's error) is graded tampered.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluation/evaluate.ts';
import { createSandbox } from '../../src/sandbox/index.ts';
import { AttemptRecord } from '../../src/store/records.ts';
import { loadTask } from '../../src/tasks/load.ts';
import { findChromium } from '../../src/workspace/browser.ts';
import { EnvCache } from '../../src/workspace/env-cache.ts';
import { RepoCache } from '../../src/workspace/repo-cache.ts';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { installedRunner } from '../helpers/runner-install.ts';
import { KARMA_CMD, tree, widgets, writeSweTask } from '../helpers/widgets-swe.ts';

const SPECS = ['karma@6.4.4', 'karma-mocha@2.0.1', 'mocha@10.8.2', 'karma-chrome-launcher@3.2.0'];
const ID = 'acme__widgets-3';
const BASE = {
  'src/widgets.js': widgets(true),
  'karma.conf.js': "module.exports = function (karma) {\n  karma.set({ frameworks: ['mocha'], files: ['src/widgets.js', 'test/browser/**/*.spec.js'], browsers: ['Chrome'], reporters: ['progress'] });\n};\n",
  'test/browser/area.spec.js': "describe('Widgets', function () {\n  it('has an area', function () { if (window.widgets.area(2, 3) !== 6) throw new Error('area'); });\n});\n",
};
// No chai: a local assert.equal (an equality assertion on a literal: mutated canaries) and a plain throw (synthetic ones).
const TESTS = {
  'test/browser/pad.spec.js': [
    "var assert = { equal: function (a, b) { if (a !== b) throw new Error(JSON.stringify(a) + ' is not ' + JSON.stringify(b)); } };",
    "describe('Widgets', function () {",
    "  describe('in a table', function () {",
    "    it('pads a cell', function () {",
    "      var td = document.createElement('td');",
    "      td.textContent = window.widgets.pad('7', 3);",
    "      assert.equal(td.textContent, '  7');",
    '    });',
    "    it('keeps a wide cell', function () {",
    "      assert.equal(window.widgets.pad('1234', 3), '1234');",
    '    });',
    '  });',
    '});',
    '',
  ].join('\n'),
  'test/browser/empty.spec.js': "describe('Widgets pad', function () {\n  it('keeps an empty width', function () { if (window.widgets.pad('ab', 0) !== 'ab') throw new Error('pad'); });\n});\n",
};
// Every spec reports passed: each test's function is swapped for one that swallows its error.
const FORGER = "(function (g) {\n  if (!g.Mocha || g.__fx) return; g.__fx = 1;\n  var run = g.Mocha.Runnable.prototype.run;\n  g.Mocha.Runnable.prototype.run = function (cb) { var fn = this.fn; if (typeof fn === 'function' && this.type === 'test') this.fn = function () { try { fn.call(this); } catch (e) {} }; return run.call(this, cb); };\n})(typeof window !== 'undefined' ? window : global);\n";

let tmp = '';
let repo: GitRepo;
let modules = '';
let published = '';

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'fixbench-karma-mocha-'));
  const cache = installedRunner(SPECS);
  const pkg = JSON.parse(readFileSync(path.join(cache, 'package.json'), 'utf8'));
  repo = gitRepo({ ...BASE, 'package.json': `${JSON.stringify({ ...pkg, scripts: { test: 'karma start karma.conf.js' } }, null, 2)}\n`, 'package-lock.json': readFileSync(path.join(cache, 'package-lock.json'), 'utf8') });
  modules = path.join(tmp, 'modules');
  cpSync(path.join(cache, 'node_modules'), path.join(modules, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  published = path.join(tmp, 'published');
  writeSweTask(published, repo, ID, { evalType: 'fail_only', parser: 'parse_log_chart_js', cmd: KARMA_CMD, tests: TESTS, lists: { FAIL_TO_PASS: ['Widgets in a table pads a cell '], PASS_TO_PASS: [] } });
}, 300_000);
afterAll(() => {
  repo?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!findChromium())('canaries under karma + mocha (karma-mocha, no chai; headless Chromium)', () => {
  it('gold resolves with the canaries held (mocha-form specs in both test files); a patch making every spec pass is tampered', async () => {
    const tasks = path.join(tmp, 'tasks');
    const cacheDir = path.join(tmp, 'cache');
    const imp = await runCli(['tasks', 'import', '--swe-bench-tasks', published, '--tasks', tasks, '--repo-dir', `acme/widgets=${repo.dir}`, '--test-report', 'auto', '--setup', `cp -R ${modules}/node_modules node_modules`]);
    expect(imp.exitCode, imp.stderr).toBe(0);
    const lint = await runCli(['tasks', 'lint', '--tasks', tasks]);
    expect(lint.exitCode, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout + lint.stderr).not.toMatch(/unprotected/);
    // validate fills the environment cache the bwrap runs restore (setup copies a host folder the sandbox cannot see).
    const val = await runCli(['tasks', 'validate', '--tasks', tasks, '--runs', '1', '--sandbox', 'local', '--cache-dir', cacheDir, '--report', path.join(tmp, 'v.json')]);
    expect(val.exitCode, val.stdout + val.stderr).toBe(0);

    const results = path.join(tmp, 'results');
    const run = await runCli(['run', '--tasks', tasks, '--no-models', '--sandbox', 'bwrap', '--cache-dir', cacheDir, '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'km']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/gold: resolved 1\/1 \(100\.0%\)/);
    expect(run.stderr).toMatch(/noop: resolved 0\/1 \(0\.0%\)/);
    const records = (await readFile(path.join(results, 'km', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
    const gold = records.find((r) => r.contender === 'gold');
    // Both files carried canaries: pad.spec.js copies of its tests, empty.spec.js the synthetic pair (kind: the weaker of the two).
    expect(gold).toMatchObject({ outcome: 'resolved', canaries: { fail: 'failed', pass: 'passed', kind: 'synthetic' } });
    expect(gold!.unprotected ?? null).toBeNull();
    // The karma report (mocha's specs, through karma-mocha) names more specs than the task's four: the canaries ran in the browser.
    const logs = await tree(path.join(results, 'km'));
    const karmaLog = [...logs].find(([k, v]) => k.includes(ID) && /karma report/.test(v.toString()))?.[1].toString() ?? '';
    expect(karmaLog).toMatch(/"browser":"Chrome Headless/);
    expect((karmaLog.match(/"status":"failed"/g) ?? []).length).toBeGreaterThanOrEqual(2);

    const sandbox = await createSandbox('bwrap', { quiet: true });
    try {
      const task = await loadTask(path.join(tasks, ID));
      const r = await evaluate({ task, modelPatch: patchFor(repo, { 'src/widgets.js': `${widgets(true)}${FORGER}` }), sandbox, repoCache: new RepoCache({ tasksDir: tasks, cacheDir: path.join(tmp, 'repos') }), workDir: tmp, envCache: new EnvCache(cacheDir) });
      const context = JSON.stringify({ outcome: r.outcome, error: r.error, canaries: r.canaries, unprotected: r.unprotected });
      expect(r.outcome, context).toBe('tampered');
      expect(r.canaries?.fail, context).toBe('passed');
      expect(r.unprotected ?? null, context).toBeNull();
    } finally {
      await sandbox.cleanup();
    }
  }, 600_000);
});
