// The main job (`npm start` = `fixbench run`) on the bundled suite, without any API key:
// gold resolves every bundled task, noop none, every model is listed as skipped, and the report is written.
import { readFile, readdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, ROOT } from '../helpers/cli.ts';
import type { AttemptRecord, RunHeader } from '../../src/store/records.ts';

describe('fixbench run on the bundled suite (the main job)', () => {
  it('gold resolves every bundled task, noop none; models without a key are skipped by name; the report is written', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-main-'));
    const results = path.join(tmp, 'results');
    const reports = path.join(tmp, 'reports');
    const r = await runCli(['run', '--results', results, '--reports', reports, '--run-id', 'main-job'], { timeoutMs: 870_000 });
    expect(r.exitCode, r.stderr).toBe(0);

    const bundled = (await readdir(path.join(ROOT, 'tasks'), { withFileTypes: true }))
      .filter((d) => d.isDirectory() && d.name !== 'repos')
      .map((d) => d.name)
      .sort();
    // The suite README.md and tasks/README.md describe: 16 tasks over 4 fixture repositories.
    expect(bundled.length).toBeGreaterThanOrEqual(16);
    const repos = (await readdir(path.join(ROOT, 'tasks', 'repos'))).filter((f) => f.endsWith('.bundle'));
    expect(repos.length).toBeGreaterThanOrEqual(4);

    const header = JSON.parse(await readFile(path.join(results, 'main-job', 'run.json'), 'utf8')) as RunHeader;
    expect(header.status).toBe('finished');
    expect(header.suite.instance_ids).toEqual(bundled);
    expect(header.skipped.map((s) => s.id)).toHaveLength(9);
    for (const s of header.skipped) expect(s.reason).toMatch(/OPENROUTER_API_KEY is not set/);

    const attempts = (await readFile(path.join(results, 'main-job', 'attempts.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AttemptRecord);
    const by = (agent: string) => Object.fromEntries(attempts.filter((a) => a.agent === agent).map((a) => [a.instance_id, a.outcome]));
    expect(by('gold')).toEqual(Object.fromEntries(bundled.map((id) => [id, 'resolved'])));
    // noop's empty patch is graded too: every FAIL_TO_PASS test fails without a fix.
    expect(by('noop')).toEqual(Object.fromEntries(bundled.map((id) => [id, 'unresolved'])));
    for (const a of attempts.filter((x) => x.agent === 'noop')) {
      expect(a.tests_status!.FAIL_TO_PASS.success).toEqual([]);
      expect(a.tests_status!.PASS_TO_PASS.failure).toEqual([]);
    }
    for (const a of attempts.filter((x) => x.agent === 'gold')) {
      expect(a.tests_status!.FAIL_TO_PASS.failure).toEqual([]);
      expect(a.tests_status!.PASS_TO_PASS.failure).toEqual([]);
      expect(a.visible_check).toBe(true);
      expect(a.apply_strategy).toBe('git apply');
    }
    // Every attempt has its SWE-bench-style report and logs.
    const report = JSON.parse(await readFile(path.join(results, 'main-job', 'logs', 'gold', bundled[0]!, '0', 'report.json'), 'utf8'));
    expect(report[bundled[0]!]).toMatchObject({ resolved: true, patch_successfully_applied: true });
    // The test report, with its failure messages, is kept in the log: JUnit XML, and mocha's JSON.
    const testOutput = (id: string) => readFile(path.join(results, 'main-job', 'logs', 'noop', id, '0', 'test_output.txt'), 'utf8');
    expect(await testOutput('js-duration-1')).toMatch(/<testcase/);
    expect(await testOutput('js-csv-1')).toMatch(/"fullTitle": "parse byte order mark ignores it before a quoted first field"/);

    expect(r.stdout).toContain(path.join(reports, 'main-job', 'index.html'));
    const html = await readFile(path.join(reports, 'main-job', 'index.html'), 'utf8');
    expect(html).toMatch(/gold/);
    expect(html).toMatch(/OPENROUTER_API_KEY/);
    expect(html).not.toMatch(/<script|(src|href)=["']?https?:/i);
    await rm(tmp, { recursive: true, force: true });
  }, 900_000); // 16 tasks × (gold, noop), each attempt with its own checkout, `npm ci` and test runs
});
