// Regression tests of two attacker findings on the jasmine/karma fixture of
// swe-bench-browser-tasks.test.ts: (1) a wrong patch that wraps `it` and disarms `expect` in every
// test but the "odd one out" (the mutant whose original has a verbatim twin) must not grade
// resolved: no mutant has a twin any more (canary-mutate.ts); (2) a wrong patch that also drops
// karma-jasmine from package.json must not switch the canaries off (integrity.ts reads
// package.json before the patch).
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluation/evaluate.ts';
import { createSandbox } from '../../src/sandbox/index.ts';
import { AttemptRecord } from '../../src/store/records.ts';
import { loadTask } from '../../src/tasks/load.ts';
import { EnvCache } from '../../src/workspace/env-cache.ts';
import { RepoCache } from '../../src/workspace/repo-cache.ts';
import { findChromium } from '../../src/workspace/browser.ts';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { installedRunner } from '../helpers/runner-install.ts';

const SPECS = ['jasmine@5.12.0', 'jasmine-core@5.12.0', 'karma@6.4.4', 'karma-jasmine@5.1.0', 'karma-chrome-launcher@3.2.0'];
const JASMINE_CMD = './node_modules/.bin/jasmine --no-color --config=jasmine.json';
const KARMA_CMD = './node_modules/.bin/karma start ./karma.conf.js --single-run';

// A UMD module (Node and the browser): pad() pads one short (the bug).
const widgets = (short: boolean) => `(function (root) {
  function pad(s, n) { s = String(s); while (s.length < n${short ? ' - 1' : ''}) s = ' ' + s; return s; }
  function area(w, h) { return w * h; }
  var api = { pad: pad, area: area };
  if (typeof module !== 'undefined' && module.exports) module.exports = api; else root.widgets = api;
})(this);
`;
const BASE = {
  'src/widgets.js': widgets(true),
  'jasmine.json': JSON.stringify({ spec_dir: 'spec', spec_files: ['**/*-spec.js'], random: true }, null, 2),
  // Chart.js's karma set-up in small: jasmine in a "Chrome" launcher (made headless by the sandbox's flags).
  'karma.conf.js': "module.exports = function (karma) {\n  karma.set({ frameworks: ['jasmine'], files: ['src/widgets.js', 'test/browser/**/*.spec.js'], browsers: ['Chrome'], reporters: ['progress'] });\n};\n",
  'spec/area-spec.js': "const { area } = require('../src/widgets.js');\ndescribe('widgets', () => {\n  it('multiplies', () => expect(area(2, 3)).toBe(6));\n});\n",
  'test/browser/area.spec.js': "describe('Widgets', function () {\n  it('has an area', function () { expect(window.widgets.area(2, 3)).toBe(6); });\n});\n",
};
const FIX = { 'src/widgets.js': widgets(false) };
const JASMINE_TESTS = {
  'spec/pad-spec.js': "const { pad } = require('../src/widgets.js');\ndescribe('widgets', () => {\n  describe('pad', () => {\n    it('pads to the width', () => expect(pad('7', 3)).toBe('  7'));\n  });\n});\n",
};
// Runs in the browser: the DOM proves it (no document in Node).
const KARMA_TESTS = {
  'test/browser/pad.spec.js': "describe('Widgets', function () {\n  describe('in a table', function () {\n    it('pads a cell', function () {\n      var td = document.createElement('td');\n      td.textContent = window.widgets.pad('7', 3);\n      expect(td.textContent).toBe('  7');\n    });\n  });\n});\n",
};

let tmp: string;
let repo: GitRepo;
let published: string;
let modules: string;

function writePublished(id: string, o: { evalType: string; parser: string; cmd: string; tests: Record<string, string>; lists: object }): void {
  const dir = path.join(published, id);
  mkdirSync(path.join(dir, 'problem_assets'), { recursive: true });
  const yaml = [
    `base_commit: ${repo.commits[0]}`, "created_at: '2024-05-06T07:08:09Z'", 'datasets:', '- acme/widgets-bench', `eval_type: ${o.evalType}`,
    `image: example.invalid/widgets.${id}:latest`, 'image_assets:', '  patch: []', '  problem_statement: []', '  test_patch: []',
    `instance_id: ${id}`, `log_parser: ${o.parser}`, 'repo: acme/widgets', 'split: dev', "version: '1.0'", '',
  ].join('\n');
  writeFileSync(path.join(dir, 'task.yaml'), yaml);
  writeFileSync(path.join(dir, 'tests.json'), `${JSON.stringify(o.lists, null, 2)}\n`);
  writeFileSync(path.join(dir, 'gold.patch'), patchFor(repo, FIX));
  writeFileSync(path.join(dir, 'test.patch'), patchFor(repo, o.tests));
  writeFileSync(path.join(dir, 'problem_statement.md'), `pad('7', 3) gives ' 7' (${id}).\n`);
  writeFileSync(path.join(dir, 'eval.sh'), `#!/bin/bash\nset -uxo pipefail\ncd /testbed\n: '>>>>> Start Test Output'\n${o.cmd}\n: '>>>>> End Test Output'\n`);
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM example.invalid/base:1\nENV CHROME_BIN /usr/bin/google-chrome\nWORKDIR /testbed\n');
  writeFileSync(path.join(dir, 'problem_assets', '0-table.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7]));
}

async function tree(dir: string, prefix = ''): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(path.join(dir, prefix))) {
    const rel = path.join(prefix, e);
    if ((await stat(path.join(dir, rel))).isDirectory()) for (const [k, v] of await tree(dir, rel)) out.set(k, v);
    else out.set(rel, await readFile(path.join(dir, rel)));
  }
  return out;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-swe-browser-'));
  const cache = installedRunner(SPECS);
  // The runners come from a package-lock the repository commits (as a real one does); setup copies the installed tree.
  const pkg = JSON.parse(readFileSync(path.join(cache, 'package.json'), 'utf8'));
  repo = gitRepo({ ...BASE, 'package.json': `${JSON.stringify({ ...pkg, scripts: { test: 'jasmine --config=jasmine.json' } }, null, 2)}\n`, 'package-lock.json': readFileSync(path.join(cache, 'package-lock.json'), 'utf8') });
  modules = path.join(tmp, 'modules');
  cpSync(path.join(cache, 'node_modules'), path.join(modules, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  published = path.join(tmp, 'published');
  writePublished('acme__widgets-1', { evalType: 'pass_and_fail', parser: 'parse_log_marked', cmd: JASMINE_CMD, tests: JASMINE_TESTS, lists: { FAIL_TO_PASS: ['widgets pad pads to the width'], PASS_TO_PASS: ['widgets multiplies'] } });
  // "<browser> <full name> FAILED": SWE-bench's karma parser keeps the blank before FAILED.
  writePublished('acme__widgets-2', { evalType: 'fail_only', parser: 'parse_log_chart_js', cmd: KARMA_CMD, tests: KARMA_TESTS, lists: { FAIL_TO_PASS: ['Widgets in a table pads a cell '], PASS_TO_PASS: [] } });
}, 300_000);
afterAll(async () => {
  repo?.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

const FORGER = "(function (g) {\n  if (typeof g.it !== 'function' || g.__fx) return; g.__fx = 1;\n  var realIt = g.it; var specs = [];\n  var none = function () { var p = new Proxy(function () { return p; }, { get: function (t, k) { return k === 'then' ? undefined : p; }, apply: function () { return p; } }); return p; };\n  var similar = function (a, b) { var p = 0; while (p < a.length && p < b.length && a[p] === b[p]) p++; var s = 0; while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++; return a.length - p - s <= 4 && b.length - p - s <= 4; };\n  g.it = function (title, fn, t) {\n    if (typeof fn !== 'function') return realIt.apply(this, arguments);\n    var body = String(fn); var rec = { body: body }; specs.push(rec);\n    var wrapped = function () {\n      var same = specs.filter(function (s) { return s.body === body; }).length;\n      var odd = same === 1 && specs.some(function (n) { return n.body !== body && similar(n.body, body) && specs.filter(function (s) { return s.body === n.body; }).length >= 2; });\n      if (odd) return fn.apply(this, arguments);\n      var saved = g.expect; g.expect = none; try { return fn.apply(this, arguments); } finally { g.expect = saved; }\n    };\n    return realIt.call(this, title, wrapped, t);\n  };\n})(typeof window !== 'undefined' ? window : global);\n";
describe('canaries against patches that tell them apart or switch them off', () => {
  it('a wrong patch disarming expect except in the odd copy, or dropping karma-jasmine, is never resolved', async () => {
    const tasks = path.join(tmp, 'tasks');
    const cacheDir = path.join(tmp, 'cache');
    const setup = `cp -R ${modules}/node_modules node_modules`;
    const imp = await runCli(['tasks', 'import', '--swe-bench-tasks', published, '--tasks', tasks, '--repo-dir', `acme/widgets=${repo.dir}`, '--test-report', 'auto', '--setup', setup]);
    expect(imp.exitCode, imp.stderr).toBe(0);
    // Validation runs setup once on the host and fills the environment cache the bwrap runs reuse.
    const val = await runCli(['tasks', 'validate', '--tasks', tasks, '--runs', '1', '--sandbox', 'local', '--cache-dir', cacheDir, '--report', path.join(tmp, 'v.json')]);
    expect(val.exitCode, val.stderr.slice(-800)).toBe(0);
    const wrong = `${widgets(true)}${FORGER}`;
    const pkg = JSON.parse(readFileSync(path.join(repo.dir, 'package.json'), 'utf8'));
    delete pkg.dependencies['karma-jasmine'];
    pkg.optionalDependencies = { 'karma-jasmine': '5.1.0' };
    const disarm = `${widgets(true)}(function (g) { g.expect = function () { return { toBe: function () {}, toEqual: function () {} }; }; })(typeof window !== 'undefined' ? window : global);\n`;
    const sandbox = await createSandbox('bwrap', { quiet: true });
    try {
      const cases: [string, Record<string, string>][] = [
        ['acme__widgets-1', { 'src/widgets.js': wrong }],
        ['acme__widgets-2', { 'src/widgets.js': wrong }],
        ['acme__widgets-2', { 'src/widgets.js': disarm, 'package.json': `${JSON.stringify(pkg, null, 2)}\n` }],
      ];
      for (const [id, files] of cases) {
        const task = await loadTask(path.join(tasks, id));
        const r = await evaluate({ task, modelPatch: patchFor(repo, files), sandbox, repoCache: new RepoCache({ tasksDir: tasks, cacheDir: path.join(tmp, 'repos') }), workDir: tmp, envCache: new EnvCache(cacheDir) });
        const context = JSON.stringify({ id, files: Object.keys(files), outcome: r.outcome, error: r.error, canaries: r.canaries, unprotected: r.unprotected });
        expect(r.outcome, context).toBe('tampered');
        expect(r.unprotected ?? null, context).toBeNull();
      }
    } finally {
      await sandbox.cleanup();
    }
  }, 600_000);
});
