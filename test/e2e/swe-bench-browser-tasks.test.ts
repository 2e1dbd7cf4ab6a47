// SWE-bench task folders in the published SWE-bench Multimodal layout (original content built
// here) for the jasmine and karma adapters: a jasmine task (pass_and_fail, SWE-bench's full spec
// names) and a karma task run in headless Chromium inside the bwrap sandbox (fail_only, its name
// ending in the blank SWE-bench's karma parser keeps). Import, lint, validate, gold 100% / noop
// 0%, a patch that disarms expect is tampered (canaries), and export gives the folders back byte
// for byte.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluation/evaluate.ts';
import { createSandbox } from '../../src/sandbox/index.ts';
import { AttemptRecord } from '../../src/store/records.ts';
import { loadTask } from '../../src/tasks/load.ts';
import { EnvCache } from '../../src/workspace/env-cache.ts';
import { RepoCache } from '../../src/workspace/repo-cache.ts';
import { findChromium } from '../../src/workspace/browser.ts';
import { runCli } from '../helpers/cli.ts';
import { patchFor } from '../helpers/git-repo.ts';
import { JASMINE_CMD, KARMA_CMD, tree, useWidgetsFixture, widgets } from '../helpers/widgets-swe.ts';

const f = useWidgetsFixture();

describe.skipIf(!findChromium())('SWE-bench task folders: jasmine and karma (headless Chromium)', () => {
  it('imports (runner and browser detected), lints, validates, grades gold 100% / noop 0% in the bwrap sandbox, catches a disarmed expect, and exports the folders byte for byte', async () => {
    const tasks = path.join(f.tmp, 'tasks');
    const cacheDir = path.join(f.tmp, 'cache');
    const setup = `cp -R ${f.modules}/node_modules node_modules`;
    const imp = await runCli(['tasks', 'import', '--swe-bench-tasks', f.published, '--tasks', tasks, '--repo-dir', `acme/widgets=${f.repo.dir}`, '--test-report', 'auto', '--setup', setup]);
    expect(imp.exitCode, imp.stderr).toBe(0);
    const y1 = parse(await readFile(path.join(tasks, 'acme__widgets-1', 'task.yaml'), 'utf8'));
    expect(y1).toMatchObject({ test_cmd: JASMINE_CMD, ids: 'swe-bench', FAIL_TO_PASS: ['widgets pad pads to the width'] });
    expect(y1.browser).toBeUndefined();
    const y2 = parse(await readFile(path.join(tasks, 'acme__widgets-2', 'task.yaml'), 'utf8'));
    expect(y2).toMatchObject({ test_cmd: KARMA_CMD, eval_type: 'fail_only', browser: 'chromium', FAIL_TO_PASS: ['Widgets in a table pads a cell '] });

    const lint = await runCli(['tasks', 'lint', '--tasks', tasks]);
    expect(lint.exitCode, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout + lint.stderr).not.toMatch(/unprotected/); // jasmine and karma take canaries

    // validate fills the environment cache the bwrap run restores (setup copies a host folder the sandbox cannot see).
    const report = path.join(f.tmp, 'validate.json');
    const val = await runCli(['tasks', 'validate', '--tasks', tasks, '--runs', '1', '--sandbox', 'local', '--cache-dir', cacheDir, '--report', report]);
    expect(val.exitCode, val.stdout + val.stderr).toBe(0);

    const results = path.join(f.tmp, 'results');
    const run = await runCli(['run', '--tasks', tasks, '--no-models', '--sandbox', 'bwrap', '--cache-dir', cacheDir, '--results', results, '--reports', path.join(f.tmp, 'reports'), '--run-id', 'browser']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/gold: resolved 2\/2 \(100\.0%\)/);
    expect(run.stderr).toMatch(/noop: resolved 0\/2 \(0\.0%\)/);
    // The karma run went through the browser, headless, in the sandbox: its report names Chrome Headless.
    const logs = await tree(path.join(results, 'browser'));
    const karmaLog = [...logs].find(([k, v]) => k.includes('acme__widgets-2') && /karma report/.test(v.toString()))?.[1].toString() ?? '';
    expect(karmaLog).toMatch(/"browser":"Chrome Headless/);
    expect(karmaLog).toMatch(/"full":"Widgets in a table pads a cell"/);
    // Both runners carried canaries (a must-fail and a must-pass spec appended to the test file), and they held.
    const records = (await readFile(path.join(results, 'browser', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
    for (const id of ['acme__widgets-1', 'acme__widgets-2']) {
      const gold = records.find((r) => r.instance_id === id && r.contender === 'gold');
      expect(gold, id).toMatchObject({ outcome: 'resolved', canaries: { fail: 'failed', pass: 'passed' } });
      expect(gold!.unprotected ?? null, id).toBeNull();
    }

    // A patch that swaps the global expect for one that never fails (in Node and in the browser)
    // makes the must-fail canary pass: tampered, not resolved.
    const hostile = `${widgets(false)}(function (g) { g.expect = function () { return { toBe: function () {}, toEqual: function () {} }; }; })(typeof window !== 'undefined' ? window : global);\n`;
    const sandbox = await createSandbox('bwrap', { quiet: true });
    try {
      for (const id of ['acme__widgets-1', 'acme__widgets-2']) {
        const task = await loadTask(path.join(tasks, id));
        const r = await evaluate({ task, modelPatch: patchFor(f.repo, { 'src/widgets.js': hostile }), sandbox, repoCache: new RepoCache({ tasksDir: tasks, cacheDir: path.join(f.tmp, 'repos') }), workDir: f.tmp, envCache: new EnvCache(cacheDir) });
        expect(r.outcome, `${id}: ${r.error}`).toBe('tampered');
        expect(r.canaries?.fail, id).toBe('passed');
      }
    } finally {
      await sandbox.cleanup();
    }

    const out = path.join(f.tmp, 'exported');
    const exp = await runCli(['tasks', 'export', '--tasks', tasks, '--as', 'swe-bench-tasks', '--out', out]);
    expect(exp.exitCode, exp.stderr).toBe(0);
    const want = await tree(f.published);
    const got = await tree(out);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, v] of want) expect(got.get(k)?.equals(v), k).toBe(true);
  }, 600_000);
});
