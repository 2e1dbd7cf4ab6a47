// `fixbench recommend <run>` through the real CLI: a stored synthetic run whose best policy is known (a
// per-difficulty assignment read from the tasks' task.yaml), its leave-one-task-out figure printed
// beside the in-sample one; a missing run lists the runs that exist; bad flags exit 2 with the fix.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { RunWriter } from '../../src/store/store.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from '../unit/analysis/fixtures.ts';

let tmp: string;
let results: string;
let tasksDir: string;
const tasks = ['e1', 'e2', 'e3', 'e4', 'h1', 'h2', 'h3', 'h4'];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-recommend-'));
  results = path.join(tmp, 'results');
  tasksDir = path.join(tmp, 'tasks');
  // easy tasks: cheap fixes them ($0.01); hard ones: only strong ($0.20). Best: cheap on easy, strong on hard.
  for (const t of tasks) {
    await mkdir(path.join(tasksDir, t), { recursive: true });
    await writeFile(
      path.join(tasksDir, t, 'task.yaml'),
      [`instance_id: ${t}`, 'repo: repo', `base_commit: ${'a'.repeat(40)}`, 'test_cmd: npm test', 'test_report: tap', 'FAIL_TO_PASS: ["x > y"]', `difficulty: ${t.startsWith('e') ? "'<15 min'" : '1-4 hours'}`, ''].join('\n'),
    );
  }
  const w = await RunWriter.create(path.join(results, 'r1'), makeHeader({ run_id: 'r1', suite: { hash: 'h', instance_ids: tasks }, contenders: [modelContender('strong'), modelContender('cheap'), referenceContender('gold')] }));
  for (const t of tasks) {
    await w.appendAttempt(makeAttempt('strong', t, 'resolved', 0.2, { run_id: 'r1' }));
    await w.appendAttempt(makeAttempt('cheap', t, t.startsWith('e') ? 'resolved' : 'unresolved', 0.01, { run_id: 'r1' }));
    await w.appendAttempt(makeAttempt('gold', t, 'resolved', null, { run_id: 'r1', agent: 'gold' }));
  }
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('fixbench recommend', () => {
  it('finds the known best policy, with the leave-one-task-out estimate beside the in-sample one and the oracle gap', async () => {
    const r = await runCli(['recommend', 'r1', '--results', results, '--tasks', tasksDir]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('the cheapest policy as accurate as the best single model (100.0%)');
    expect(r.stdout).toContain('policy:              by difficulty: 1-4 hours: strong; <15 min: cheap (a policy per task difficulty)');
    // $0.84 over 8 tasks
    expect(r.stdout).toMatch(/in-sample: +100\.0% \(8\/8 graded\) +\$0\.105 per task/);
    expect(r.stdout).toMatch(/leave-one-task-out: +100\.0% \(8\/8 graded\) +\$0\.105 per task +\(chosen on n−1 tasks, scored on the one left out; same pick in 8 of 8 folds\)/);
    expect(r.stdout).toMatch(/oracle router: +100\.0% \(8\/8 graded\) +\$0\.105 per task/);
    expect(r.stdout).toContain('gap to the oracle:   0.0 pp resolved; the pick costs the same per task as the oracle\n'); // not "$0 per task more"
  });

  it('without the task folders it still recommends among models and cascades, and says why groups are missing', async () => {
    const r = await runCli(['recommend', 'r1', '--results', results, '--tasks', path.join(tmp, 'nowhere'), '--target', '100%']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('policy:              cheap → strong (cascade)');
    expect(r.stderr).toContain('note: 8 of 8 task(s) have no task.yaml under');
  });

  it('prints JSON with --json', async () => {
    const r = await runCli(['recommend', 'r1', '--results', results, '--tasks', tasksDir, '--budget', '$0.05', '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ run_id: 'r1', criterion: { kind: 'budget', usdPerTask: 0.05 }, policy: { label: 'cheap' }, met: true, inSample: { rate: 0.5 }, loto: { rate: 0.5 } });
  });

  it('a run where no model ran (reference agents only, e.g. no key set) says so and how to run models, not to re-price it (exit 2)', async () => {
    const w = await RunWriter.create(path.join(results, 'refonly'), makeHeader({ run_id: 'refonly', suite: { hash: 'h', instance_ids: ['e1'] }, contenders: [referenceContender('gold'), referenceContender('noop')], skipped: [{ id: 'step-3.5-flash', reason: 'OPENROUTER_API_KEY is not set; set it to run this model' }] }));
    await w.appendAttempt(makeAttempt('gold', 'e1', 'resolved', null, { run_id: 'refonly', agent: 'gold' }));
    await w.appendAttempt(makeAttempt('noop', 'e1', 'unresolved', null, { run_id: 'refonly', agent: 'noop' }));
    const r = await runCli(['recommend', 'refonly', '--results', results, '--tasks', tasksDir], { env: { npm_command: 'exec', npm_lifecycle_event: undefined } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('recommend: run refonly: no model ran in this run, only reference agents (gold, noop) (skipped: OPENROUTER_API_KEY is not set (set it to run this model): step-3.5-flash');
    expect(r.stderr).toContain('fix: set OPENROUTER_API_KEY');
    expect(r.stderr).toContain('e.g. `npx fixbench run --models step-3.5-flash,claude-opus-4.6`, then `npx fixbench recommend <that run>`');
    expect(r.stderr).not.toContain('re-price');
  });

  it('a missing run lists the runs that exist (exit 2)', async () => {
    const r = await runCli(['recommend', 'nope', '--results', results]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no run "nope"');
    expect(r.stderr).toContain('  r1');
  });

  it('refuses a bad flag with exit 2 and the fix (the parser\'s cases: test/unit/cli/recommend-args.test.ts)', async () => {
    const r = await runCli(['recommend', 'r1', '--results', results, '--target', '80']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--target 80: not a resolved rate');
    expect(r.stderr).toContain('fix: a percentage such as --target 80% or a fraction such as --target 0.8');
  });
});
