// `tasks validate` on a bundled task whose parser tests expect slices of their inputs (js-ini-1):
// the weak-protection warning names a test, the value its input reveals and the fix, and the
// report keeps them (`canaries.echoed`), each value of a file test.patch touches written in test.patch.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';
import { ValidationReport } from '../../src/tasks/validate.ts';
import { echoedText } from '../../src/cli/tasks-check.ts';

const tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-validate-echoed-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('tasks validate: a test whose input holds its answer', () => {
  it('names the test, the value and the fix (js-ini-1)', async () => {
    const report = path.join(tmp, 'v.json');
    const r = await runCli(['tasks', 'validate', 'js-ini-1', '--runs', '1', '--report', report]);
    expect(r.exitCode, r.stderr).toBe(0);
    const warning = r.stderr.split('\n').find((l) => l.includes('warning: js-ini-1: weakly protected'));
    expect(warning, r.stderr).toBeDefined();
    // Which tests get a canary is a random draw, so either tell may name them.
    expect(warning).toMatch(/test\/parse\.test\.js: "parse > [^"]+" expects "[^"]+", which the rest of that test (writes \(its input\)|gives away by a count)/);
    expect(warning).toContain('add a failing test whose expected answer is not a slice of its input');
    const v = ValidationReport.parse(JSON.parse(await readFile(report, 'utf8')));
    const echoed = v.tasks[0]!.runs.find((x) => x.phase === 'gold_and_test_patch')!.canaries!.echoed!;
    expect(echoed.length).toBeGreaterThan(0);
    const testPatch = await readFile(path.join(ROOT, 'tasks', 'js-ini-1', 'test.patch'), 'utf8');
    // the warning names the first three; a file test.patch leaves alone holding listed tests is a host too (atkC18 #7)
    for (const e of echoed.slice(0, 3)) expect(warning).toContain(echoedText(e));
    for (const e of echoed.filter((x) => testPatch.includes(`+++ b/${x.file}\n`))) expect(testPatch).toContain(e.value);
  }, 300_000);
});
