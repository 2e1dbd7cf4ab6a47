// `fixbench tasks mine` on a history built here: one commit per kind of candidate (a real fix, a
// change whose tests pass before it, a flaky test, a refactor with too many FAIL_TO_PASS tests) and
// commits that are no candidates (tests only, source only). Exactly the valid one is kept, and
// every rejection is named in the report.
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MineReport } from '../../src/tasks/mine.ts';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, type GitRepo } from '../helpers/git-repo.ts';
import { BASE_FILES, FIX_FILES, HIDDEN_TESTS, TEST_CMD } from '../helpers/tiny-task.ts';

const HEAD = "const test = require('node:test');\nconst assert = require('node:assert');\n";
let tmp: string;
let repo: GitRepo;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'fixbench-mine-e2e-'));
  const counter = path.join(tmp, 'flip-count');
  repo = gitRepo(BASE_FILES, [
    // 1: a real fix with its test: valid.
    { ...FIX_FILES, ...HIDDEN_TESTS },
    // 2: source and tests change, but the new test passes before the fix: no FAIL_TO_PASS.
    { 'src/add.js': '// adds\nexports.add = (a, b) => a + b;\n', 'test/truth.test.js': `${HEAD}test('still true', () => assert.ok(true));\n` },
    // 3: tests only, then source only: no candidates.
    { 'test/more.test.js': `${HEAD}test('more', () => assert.ok(true));\n` },
    { 'README.md': 'tiny\n' },
    // 5: a new module whose test fails in the 5th evaluation of the fixed code (run 2 of validation): flaky.
    {
      'src/flip.js': 'exports.flip = (x) => !x;\n',
      'test/flip.test.js':
        `${HEAD}const fs = require('node:fs');\nconst f = ${JSON.stringify(counter)};\nconst n = fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) : 0;\nfs.writeFileSync(f, String(n + 1));\n` +
        "test('flips', () => { const { flip } = require('../src/flip.js'); assert.equal(flip(true), false); assert.notEqual(n, 5); });\n",
    },
    // 6: a new module with three new tests: a feature, more FAIL_TO_PASS than --max-fail-to-pass 2.
    {
      'src/mul.js': 'exports.mul = (a, b) => a * b;\n',
      'test/mul.test.js': `${HEAD}const mul = (a, b) => require('../src/mul.js').mul(a, b);\ntest('m1', () => assert.equal(mul(2, 3), 6));\ntest('m2', () => assert.equal(mul(0, 3), 0));\ntest('m3', () => assert.equal(mul(1, 1), 1));\n`,
    },
  ]);
});
afterAll(async () => {
  repo.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

describe('fixbench tasks mine', () => {
  it('keeps exactly the valid candidates and names each rejection', async () => {
    const tasks = path.join(tmp, 'tasks');
    const report = path.join(tmp, 'mine.json');
    const r = await runCli([
      'tasks', 'mine', '--repo', repo.dir, '--test-cmd', TEST_CMD, '--test-report', 'tap', '--tasks', tasks, '--report', report,
      '--max-fail-to-pass', '2', '--upstream', 'acme/tiny', '--sandbox', 'local', '--no-env-cache',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const rep = MineReport.parse(JSON.parse(await readFile(report, 'utf8')));
    const c = repo.commits;
    const id = (n: number) => `${path.basename(repo.dir)}-${c[n]!.slice(0, 7)}`;
    expect(rep.commits_scanned).toBe(7);
    expect(rep.candidates.map((x) => [x.commit, x.verdict]), JSON.stringify(rep.candidates, null, 1)).toEqual([
      [c[1], 'valid'],
      [c[2], 'no_fail_to_pass'],
      [c[5], 'flaky'],
      [c[6], 'too_many_fail_to_pass'],
    ]);
    const [, noF2p, flaky, many] = rep.candidates;
    expect(noF2p!.reason).toMatch(/no test fails before the fix and passes after it/);
    expect(flaky!.reason).toMatch(/flaky test "flips" with gold\.patch \+ test\.patch: run 1 PASSED, run 2 FAILED, run 3 PASSED/);
    expect(many!.reason).toMatch(/3 FAIL_TO_PASS tests \(more than --max-fail-to-pass 2\)/);
    expect(rep.kept).toEqual([id(1)]);
    expect((await readdir(tasks)).sort()).toEqual([id(1), 'repos'].sort());
    const y = parse(await readFile(path.join(tasks, id(1), 'task.yaml'), 'utf8')) as Record<string, unknown>;
    expect(y).toMatchObject({ base_commit: c[0], FAIL_TO_PASS: ['add > adds two numbers'], swe_bench: { repo: 'acme/tiny' } });
    expect(y.created_at).toMatch(/^2024-01-01T01:00:00/);
    const table = await readFile(path.join(tmp, 'mine.txt'), 'utf8');
    expect(table).toMatch(/7 commit\(s\) walked, 4 candidate\(s\), 1 kept/);
    expect(table).toMatch(/valid: 1, no_fail_to_pass: 1, flaky: 1, too_many_fail_to_pass: 1/);

    // Again with --created-after the first fix's date and --max 1: the first fix is outside the
    // window, and the walk stops at the first valid task (the flaky test now passes every run).
    const again = await runCli([
      'tasks', 'mine', '--repo', repo.dir, '--test-cmd', TEST_CMD, '--test-report', 'tap', '--tasks', tasks, '--report', report,
      '--created-after', '2024-01-01T01:30:00Z', '--max', '1', '--sandbox', 'local', '--no-env-cache',
    ]);
    expect(again.exitCode, again.stderr).toBe(0);
    const rep2 = MineReport.parse(JSON.parse(await readFile(report, 'utf8')));
    expect(rep2.created_after).toBe('2024-01-01T01:30:00Z');
    expect(rep2.candidates.map((x) => [x.commit, x.verdict])).toEqual([[c[2], 'no_fail_to_pass'], [c[5], 'valid']]);
    expect(rep2.kept).toEqual([id(5)]);
  });

  it('takes the plain command as create does (test_report auto) and never duplicates a task with the same base and fix', async () => {
    const c = repo.commits;
    const id1 = `${path.basename(repo.dir)}-${c[1]!.slice(0, 7)}`;
    const fresh = path.join(tmp, 'plain-tasks');
    const plain = ['tasks', 'mine', '--repo', repo.dir, '--ref', c[1]!, '--test-cmd', 'node --test', '--runs', '1', '--sandbox', 'local', '--no-env-cache'];
    const r = await runCli([...plain, '--tasks', fresh, '--report', path.join(tmp, 'plain.json')]);
    expect(r.exitCode, r.stderr).toBe(0);
    const y = parse(await readFile(path.join(fresh, id1, 'task.yaml'), 'utf8')) as Record<string, unknown>;
    expect(y).toMatchObject({ base_commit: c[0], test_cmd: 'node --test', test_report: 'node-test', FAIL_TO_PASS: ['test/add.test.js > add > adds two numbers'] });

    // The same fix under another id (a task created by hand, say): `exists`, nothing written, exit 3.
    const other = path.join(fresh, 'add-fix-by-hand');
    await cp(path.join(fresh, id1), other, { recursive: true });
    await writeFile(path.join(other, 'task.yaml'), (await readFile(path.join(other, 'task.yaml'), 'utf8')).replace(`instance_id: ${id1}`, 'instance_id: add-fix-by-hand'));
    await rm(path.join(fresh, id1), { recursive: true });
    const again = await runCli([...plain, '--tasks', fresh, '--report', path.join(tmp, 'dup.json'), '--force']);
    expect(again.exitCode, again.stderr).toBe(3);
    const rep = MineReport.parse(JSON.parse(await readFile(path.join(tmp, 'dup.json'), 'utf8')));
    expect(rep.candidates.map((x) => [x.commit, x.verdict])).toEqual([[c[1], 'exists']]);
    expect(rep.candidates[0]!.reason).toMatch(/task add-fix-by-hand in .* already has this base_commit and fix/);
    expect((await readdir(fresh)).sort()).toEqual(['add-fix-by-hand', 'repos']);
  });

  it('--help shows the same run-spec options as tasks create (one definition)', async () => {
    const opts = (help: string) => help.split('\n  --').filter((o) => /^(test-cmd|test-report|setup|test-files|timeout|bundle-name|no-bundle|upstream|cache-dir|no-env-cache|sandbox) /.test(o)).map((o) => o.replace(/\s+/g, ' ').replace(/ -h, --help .*$/, '')); // the last option's text stops before --help and the examples
    const mine = opts((await runCli(['tasks', 'mine', '--help'])).stdout);
    const create = opts((await runCli(['tasks', 'create', '--help'])).stdout);
    expect(mine).toHaveLength(11);
    expect(mine).toEqual(create);
    expect(mine.join('\n')).toMatch(/test-report <kind> how to read per-test results: auto .*node:test.* \(default: "auto"\)/);
  });
});

