// The jasmine/karma SWE-bench fixture shared by test/e2e/swe-bench-browser-tasks.test.ts and
// test/e2e/canary-forge.test.ts (original content): a repository `acme/widgets` whose pad() pads one
// short, and two task folders in the published SWE-bench Multimodal layout — acme__widgets-1
// (jasmine, pass_and_fail, SWE-bench's full spec names) and acme__widgets-2 (karma in headless
// Chromium, fail_only, a name ending in the blank SWE-bench's karma parser keeps).
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { gitRepo, patchFor, type GitRepo } from './git-repo.ts';
import { installedRunner } from './runner-install.ts';

/** The fixture's folders, filled in by the `beforeAll` {@link useWidgetsFixture} registers. */
export interface WidgetsFixture {
  /** Temporary folder holding everything below (removed after the file's tests). */
  tmp: string;
  repo: GitRepo;
  /** The two published task folders' parent. */
  published: string;
  /** A folder whose `node_modules` holds the installed runners (a task's setup copies it). */
  modules: string;
}

const f = {} as WidgetsFixture;

export const SPECS = ['jasmine@5.12.0', 'jasmine-core@5.12.0', 'karma@6.4.4', 'karma-jasmine@5.1.0', 'karma-chrome-launcher@3.2.0'];
export const JASMINE_CMD = './node_modules/.bin/jasmine --no-color --config=jasmine.json';
export const KARMA_CMD = './node_modules/.bin/karma start ./karma.conf.js --single-run';

// A UMD module (Node and the browser): pad() pads one short (the bug).
export const widgets = (short: boolean) => `(function (root) {
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


/** What a published SWE-bench Multimodal task folder holds beyond the repository: see {@link writeSweTask}. */
export interface SweTaskSpec {
  evalType: string;
  parser: string;
  cmd: string;
  /** test.patch's files (path → text). */
  tests: Record<string, string>;
  lists: object;
  /** gold.patch's files (path → text); the widgets fix when absent. */
  fix?: Record<string, string>;
}

function writePublished(id: string, o: SweTaskSpec): void {
  writeSweTask(f.published, f.repo, id, o);
}

/** Writes task folder `published/id` in the published SWE-bench Multimodal layout, its patches against `repo`'s first commit. */
export function writeSweTask(published: string, repo: GitRepo, id: string, o: SweTaskSpec): void {
  const dir = path.join(published, id);
  mkdirSync(path.join(dir, 'problem_assets'), { recursive: true });
  const yaml = [
    `base_commit: ${repo.commits[0]}`, "created_at: '2024-05-06T07:08:09Z'", 'datasets:', '- acme/widgets-bench', `eval_type: ${o.evalType}`,
    `image: example.invalid/widgets.${id}:latest`, 'image_assets:', '  patch: []', '  problem_statement: []', '  test_patch: []',
    `instance_id: ${id}`, `log_parser: ${o.parser}`, 'repo: acme/widgets', 'split: dev', "version: '1.0'", '',
  ].join('\n');
  writeFileSync(path.join(dir, 'task.yaml'), yaml);
  writeFileSync(path.join(dir, 'tests.json'), `${JSON.stringify(o.lists, null, 2)}\n`);
  writeFileSync(path.join(dir, 'gold.patch'), patchFor(repo, o.fix ?? FIX));
  writeFileSync(path.join(dir, 'test.patch'), patchFor(repo, o.tests));
  writeFileSync(path.join(dir, 'problem_statement.md'), `pad('7', 3) gives ' 7' (${id}).\n`);
  writeFileSync(path.join(dir, 'eval.sh'), `#!/bin/bash\nset -uxo pipefail\ncd /testbed\n: '>>>>> Start Test Output'\n${o.cmd}\n: '>>>>> End Test Output'\n`);
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM example.invalid/base:1\nENV CHROME_BIN /usr/bin/google-chrome\nWORKDIR /testbed\n');
  writeFileSync(path.join(dir, 'problem_assets', '0-table.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7]));
}

export async function tree(dir: string, prefix = ''): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(path.join(dir, prefix))) {
    const rel = path.join(prefix, e);
    if ((await stat(path.join(dir, rel))).isDirectory()) for (const [k, v] of await tree(dir, rel)) out.set(k, v);
    else out.set(rel, await readFile(path.join(dir, rel)));
  }
  return out;
}

/** Registers the hooks that build the fixture before the file's tests and remove it after; returns it. */
export function useWidgetsFixture(): WidgetsFixture {
  beforeAll(async () => {
    f.tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-swe-browser-'));
    const cache = installedRunner(SPECS);
    // The runners come from a package-lock the repository commits (as a real one does); setup copies the installed tree.
    const pkg = JSON.parse(readFileSync(path.join(cache, 'package.json'), 'utf8'));
    f.repo = gitRepo({ ...BASE, 'package.json': `${JSON.stringify({ ...pkg, scripts: { test: 'jasmine --config=jasmine.json' } }, null, 2)}\n`, 'package-lock.json': readFileSync(path.join(cache, 'package-lock.json'), 'utf8') });
    f.modules = path.join(f.tmp, 'modules');
    cpSync(path.join(cache, 'node_modules'), path.join(f.modules, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    f.published = path.join(f.tmp, 'published');
    writePublished('acme__widgets-1', { evalType: 'pass_and_fail', parser: 'parse_log_marked', cmd: JASMINE_CMD, tests: JASMINE_TESTS, lists: { FAIL_TO_PASS: ['widgets pad pads to the width'], PASS_TO_PASS: ['widgets multiplies'] } });
    // "<browser> <full name> FAILED": SWE-bench's karma parser keeps the blank before FAILED.
    writePublished('acme__widgets-2', { evalType: 'fail_only', parser: 'parse_log_chart_js', cmd: KARMA_CMD, tests: KARMA_TESTS, lists: { FAIL_TO_PASS: ['Widgets in a table pads a cell '], PASS_TO_PASS: [] } });
  }, 300_000);
  afterAll(async () => {
    f.repo?.cleanup();
    await rm(f.tmp, { recursive: true, force: true });
  });
  return f;
}
