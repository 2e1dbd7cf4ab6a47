// A SWE-bench task folder whose listed names are `<suite>.<title>`, as SWE-bench's highlight.js
// log parser (`parse_log_highlightjs`) reads mocha's spec reporter (original fixture built here:
// a tiny grammar library, its tests run by mocha 10 through `npm run test`, one title carrying a
// count the fix changes). Import keeps `log_parser`; the run answers those names from mocha's
// JSON report: gold 100%, noop 0%.
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { installedRunner } from '../helpers/runner-install.ts';

const BASE = {
  'package.json': '{"name":"tiny-grammars","private":true,"scripts":{"test":"mocha test"}}\n',
  '.gitignore': 'node_modules\n',
  // Rules of a toy grammar; the bug: tables are not marked up.
  'src/grammar.js': "module.exports = { name: 'toml', rules: [/#.*/, /\"[^\"]*\"/] };\nmodule.exports.markup = (s) => s.replace(/\"[^\"]*\"/g, (m) => `<str>${m}</str>`);\n",
};
const FIX = {
  'src/grammar.js':
    "module.exports = { name: 'toml', rules: [/#.*/, /\"[^\"]*\"/, /^\\[[^\\]]*\\]/m] };\nmodule.exports.markup = (s) => s.replace(/\"[^\"]*\"/g, (m) => `<str>${m}</str>`).replace(/^\\[[^\\]]*\\]/gm, (m) => `<sec>${m}</sec>`);\n",
};
// Nested describes (the innermost title has a space), a count in a title, a test outside any describe.
const TESTS = {
  'test/index.js': [
    "const assert = require('assert');",
    "const g = require('../src/grammar.js');",
    "it('loads the module', () => assert.ok(g));",
    "describe('render() output', () => {",
    "  describe('toml files', () => {",
    "    it('has a name', () => assert.equal(g.name, 'toml'));",
    "    it('should markup tables', () => assert.equal(g.markup('[a]'), '<sec>[a]</sec>'));",
    '  });',
    '});',
    "describe('COMBINED: every grammar', () => {",
    '  it(`counts ${g.rules.length} rules`, () => {});',
    '});',
    '',
  ].join('\n'),
};

let tmp: string;
let repo: GitRepo;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-swe-suite-dot-'));
  repo = gitRepo(BASE);
  const id = 'acme__grammars-7';
  const dir = path.join(tmp, 'published', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'task.yaml'),
    `base_commit: ${repo.commits[0]}\ncreated_at: '2024-02-03T04:05:06Z'\neval_type: pass_and_fail\ninstance_id: ${id}\nlog_parser: parse_log_highlightjs\nrepo: acme/grammars\nsplit: test\nversion: '1.0'\n`,
  );
  const lists = {
    FAIL_TO_PASS: ['toml files.should markup tables', 'COMBINED: every grammar.counts 3 rules'],
    PASS_TO_PASS: ['toml files.has a name', 'loads the module'],
  };
  writeFileSync(path.join(dir, 'tests.json'), `${JSON.stringify(lists, null, 2)}\n`);
  writeFileSync(path.join(dir, 'gold.patch'), patchFor(repo, FIX));
  writeFileSync(path.join(dir, 'test.patch'), patchFor(repo, TESTS));
  writeFileSync(path.join(dir, 'problem_statement.md'), 'TOML tables are not highlighted.\n');
  writeFileSync(path.join(dir, 'eval.sh'), "#!/bin/bash\ncd /testbed\n: '>>>>> Start Test Output'\nnpm run test\n: '>>>>> End Test Output'\n");
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM example.invalid/base:1\n');
}, 120_000);
afterAll(async () => {
  repo.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

describe('SWE-bench suite-dot names (parse_log_highlightjs)', () => {
  it('import keeps log_parser; gold resolves and noop does not, on names mocha never prints itself', async () => {
    const cache = installedRunner(['mocha@10.8.2']);
    const tasks = path.join(tmp, 'tasks');
    const imp = await runCli(['tasks', 'import', '--swe-bench-tasks', path.join(tmp, 'published'), '--tasks', tasks, '--repo-dir', `acme/grammars=${repo.dir}`, '--setup', `cp -R ${cache}/node_modules node_modules`, '--test-report', 'mocha']);
    expect(imp.exitCode, imp.stderr).toBe(0);
    const run = await runCli(['run', '--tasks', tasks, '--no-models', '--sandbox', 'local', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports')]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/gold acme__grammars-7#0: resolved/);
    expect(run.stderr).toMatch(/noop acme__grammars-7#0: unresolved/);
    // noop: the count in the title differs (2 rules), so that listed name is never reported.
    expect(run.stderr).toMatch(/not in the test results: "COMBINED: every grammar\.counts 3 rules"/);
  }, 240_000);
});
