// --rerun-failed: an unresolved attempt's tests are re-run; a listed test whose result changes
// between runs is recorded as flaky (the outcome stays the first run's) and shown in the report.
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/runner/run.ts';
import { buildRunConfig } from '../../src/runner/run-config.ts';
import { buildReport } from '../../src/report/build.ts';
import { LocalSandbox } from '../../src/sandbox/local.ts';
import { RepoCache } from '../../src/workspace/repo-cache.ts';
import type { TaskSpec } from '../../src/config/task.ts';
import { gitRepo, patchFor, type GitRepo } from '../helpers/git-repo.ts';

const root = mkdtempSync(join(tmpdir(), 'fixbench-rerun-'));
const counter = join(root, 'counter');
const sandbox = new LocalSandbox();
let repo: GitRepo;

afterAll(async () => {
  await sandbox.cleanup();
  repo?.cleanup();
  rmSync(root, { recursive: true, force: true });
});


describe('--rerun-failed', () => {
  it('re-runs an unresolved attempt and records the test whose result changed as flaky', async () => {
    repo = gitRepo({
      'package.json': '{ "type": "module" }\n',
      'src/add.js': 'export const add = (a, b) => a - b;\n',
      // The flaky test fails on odd-numbered runs of the suite and passes on even ones (a counter
      // file outside the workspace, moved once per run when the file loads), so its flakiness is
      // deterministic. Its file holds a listed test, so grading copies it as a canary: the copies
      // read the same count, and the counter moves once per run whatever the canaries.
      'test/clock.test.js':
        "import { describe, it } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { readFileSync, writeFileSync } from 'node:fs';\n\n" +
        "let n = 0;\ntry { n = Number(readFileSync(process.env.COUNTER, 'utf8')); } catch {}\nwriteFileSync(process.env.COUNTER, String(n + 1));\n\n" +
        "describe('clock', () => {\n  it('ticks', () => {\n    assert.equal(n % 2, 1);\n  });\n});\n",
    });
    const gold = patchFor(repo, { 'src/add.js': 'export const add = (a, b) => a + b;\n' });
    const testPatch = patchFor(repo, {
      'test/add.test.js':
        "import { describe, it } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/add.js';\n\n" +
        "describe('add', () => {\n  it('adds', () => assert.equal(add(2, 3), 5));\n});\n",
    });
    const task: TaskSpec = {
      instance_id: 'tiny-flaky-1',
      repo: repo.dir,
      base_commit: repo.commits[0]!,
      setup: '',
      test_cmd: `COUNTER=${counter} node --test --test-reporter=junit --test-reporter-destination=report.xml`,
      test_report: 'junit:report.xml',
      FAIL_TO_PASS: ['add > adds'],
      PASS_TO_PASS: ['clock > ticks'],
      timeout_s: 60,
      tags: [],
      dir: join(root, 'tasks', 'tiny-flaky-1'),
      problem_statement: 'add subtracts',
      patch: gold,
      test_patch: testPatch,
    };
    const summary = await runSuite({
      runId: 'rerun',
      resultsDir: join(root, 'results'),
      tasks: [task],
      contenders: [{ kind: 'reference', agent: 'gold' }],
      skipped: [],
      config: buildRunConfig({
        plans: [{ kind: 'reference', agent: 'gold' }],
        priceSheet: { file: 'prices/test.yaml', sheet: { as_of: '2026-04-01', source: 'test', currency: 'USD', unit: 'USD per million tokens', models: {} } },
        limits: { steps: 1, attempt_usd: null, wall_ms: 60_000, command_timeout_ms: 10_000, output_chars: 1000 },
        runBudget: { usd: null, tokens: null },
        attempts: 1,
        rerunFailed: 2,
      }),
      concurrency: 1,
      sandbox,
      repoCache: new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') }),
      harness: { version: 'test', commit: null },
      suiteHash: 'h',
    });
    const [rec] = summary.attempts;
    // Run 1 (counter 0): `clock > ticks` fails → unresolved; run 2 passes, run 3 fails.
    expect(rec!.outcome).toBe('unresolved');
    expect(rec!.test_runs).toBe(3);
    expect(rec!.flaky_tests).toEqual(['clock > ticks']);
    expect(Number(await readFile(counter, 'utf8'))).toBe(3);
    const stored = (await readFile(join(root, 'results', 'rerun', 'attempts.jsonl'), 'utf8')).trim();
    expect(JSON.parse(stored).flaky_tests).toEqual(['clock > ticks']);

    const html = await readFile(await buildReport({ header: summary.header, attempts: summary.attempts, outDir: join(root, 'report') }), 'utf8');
    expect(html).toMatch(/title="unresolved; flaky over 3 runs: clock &gt; ticks"><a href=attempts\/\d+\/\d+\.html>✗~<\/a>/);
  });
});
