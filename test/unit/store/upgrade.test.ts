// Version-1 records become version 2 on read, by one function (src/store/upgrade.ts); the committed
// version-1 fixture reads whole; trajectories of both agents are read and written by the store.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.ts';
import { readRun } from '../../../src/store/store.ts';
import { upgradeAttemptRecord, upgradeRunHeader } from '../../../src/store/upgrade.ts';
import { readTrajectory, trajectoryPath, trajectorySink } from '../../../src/store/trajectory.ts';
import { secretRedactor } from '../../../src/core/redact.ts';
import { trajectoryCalls, trajectorySteps, type Trajectory } from '../../../src/core/trajectory.ts';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'results-v1', 'v1-run');
const limits = { steps: 40, attempt_usd: 0.5, wall_ms: 1_200_000, command_timeout_ms: 60_000, run_budget_usd: 2, run_budget_tokens: null };
const tmps: string[] = [];
afterAll(async () => {
  for (const t of tmps) await rm(t, { recursive: true, force: true });
});

async function v1Line(n: number): Promise<Record<string, unknown>> {
  return JSON.parse((await readFile(path.join(FIXTURE, 'attempts.jsonl'), 'utf8')).trim().split('\n')[n]!);
}

describe('reading a version-1 results folder', () => {
  it('upgrades the header and every record: contender, structured error and limit, binary_files_dropped', async () => {
    const { header, attempts } = await readRun(FIXTURE);
    expect(header).toMatchObject({ format_version: 2, upgraded_from: 1, run_id: 'v1-run', sandbox: 'local' });
    expect(attempts.map((a) => [a.format_version, a.contender, a.outcome])).toEqual([
      [2, 'gold', 'resolved'],
      [2, 'noop', 'unresolved'],
      [2, 'fake-coder', 'resolved'],
      [2, 'fake-coder@scripted', 'resolved'],
    ]);
    for (const a of attempts) {
      expect(a).not.toHaveProperty('model');
      expect(a).not.toHaveProperty('binary_hunks_dropped');
      expect(a).toMatchObject({ error: null, limit: null, binary_files_dropped: 0 });
    }
  });

  it('types each version-1 prose error by its stage, keeps the message, and names the limit with its value', async () => {
    const base = await v1Line(2);
    const up = (over: Record<string, unknown>) => {
      const u = upgradeAttemptRecord({ ...base, ...over }, limits);
      if (!u.ok) throw new Error(u.problems.join('; '));
      return u.value;
    };
    expect(up({ outcome: 'infra_error', exit_status: 'env_error', error: 'harness: ENOSPC' }).error).toEqual({ stage: 'workspace', kind: 'harness_fault', message: 'harness: ENOSPC' });
    const budget = up({ outcome: 'infra_error', exit_status: 'cost_limit', error: 'run budget reached during the attempt (api_error)' });
    expect(budget.error).toMatchObject({ stage: 'run', kind: 'run_budget' });
    expect(budget.limit).toEqual({ kind: 'run_budget_usd', value: 2 });
    const steps = up({ outcome: 'agent_error', exit_status: 'step_limit', error: 'step limit of 40 reached' });
    expect(steps.error).toEqual({ stage: 'agent', kind: 'step_limit', message: 'step limit of 40 reached' });
    expect(steps.limit).toEqual({ kind: 'steps', value: 40 });
    expect(up({ exit_status: 'time_limit', outcome: 'agent_error', error: 'wall' }).limit).toEqual({ kind: 'wall_ms', value: 1_200_000 });
    expect(up({ outcome: 'tampered', error: 'the failing canary test came out passed' }).error).toMatchObject({ stage: 'grading', kind: 'tampered' });
    expect(up({ binary_hunks_dropped: 3 }).binary_files_dropped).toBe(3);
  });

  it('reports what is wrong with an invalid version-1 line or header, never guessing', async () => {
    const base = await v1Line(0);
    const bad = upgradeAttemptRecord({ ...base, outcome: 'great' }, limits);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems.join()).toMatch(/outcome/);
    expect(upgradeAttemptRecord({ ...base, apply_strategy: 'magic' }, limits)).toMatchObject({ ok: false, problems: [expect.stringMatching(/apply_strategy: "magic" is none of git apply/)] });
    const header = JSON.parse(await readFile(path.join(FIXTURE, 'run.json'), 'utf8'));
    expect(upgradeRunHeader({ ...header, sandbox: 'vm' })).toMatchObject({ ok: false, problems: [expect.stringMatching(/sandbox: "vm" is none of local, bwrap, docker/)] });
  });
});

describe('trajectories through the store', () => {
  it('reads both agents\' formats; an external agent\'s calls become its steps', async () => {
    const bash = await readTrajectory(FIXTURE, { contender: 'fake-coder', instance_id: 'js-duration-1', attempt: 0 });
    const cmd = await readTrajectory(FIXTURE, { contender: 'fake-coder@scripted', instance_id: 'js-duration-1', attempt: 0 });
    expect(bash.kind).toBe('ok');
    expect(cmd.kind).toBe('ok');
    const b = (bash as { file: Trajectory }).file;
    const c = (cmd as { file: Trajectory }).file;
    expect([b.format, c.format]).toEqual(['fixbench-trajectory/1', 'fixbench-command-trajectory/1']);
    expect(trajectorySteps(c).map((s) => [s.step, s.context_tokens, s.command])).toEqual([[1, 1500, null], [2, 1500, null]]);
    expect(trajectoryCalls(c)).toHaveLength(2);
    expect(trajectoryCalls(b)).toHaveLength(2);
    expect(await readTrajectory(FIXTURE, { contender: 'gold', instance_id: 'js-duration-1', attempt: 0 })).toEqual({ kind: 'missing' });
  });

  it('the sink validates, redacts and replaces the file; an invalid document is refused and the last one stays', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-traj-'));
    tmps.push(dir);
    const ref = { contender: 'm@x', instance_id: 't', attempt: 2 };
    const save = trajectorySink(dir, ref, secretRedactor(['sk-secret-0123456789abcdef']));
    const doc: Trajectory = {
      format: 'fixbench-command-trajectory/1', agent: 'x', model: 'up/m', instance_id: 't', command: 'run --key sk-secret-0123456789abcdef',
      wall_limit_ms: 1000, cost_limit_usd: null, exit_status: null, error: null, process: null, calls: [], refusals: null, upstream_errors: null, output: null,
    };
    await save(doc);
    await save({ ...doc, exit_status: 'submitted' });
    const text = await readFile(trajectoryPath(dir, ref), 'utf8');
    expect(trajectoryPath(dir, ref)).toBe(path.join(dir, 'trajectories', 'm@x', 't', '2.json'));
    expect(text).not.toContain('sk-secret');
    expect(JSON.parse(text)).toMatchObject({ exit_status: 'submitted', command: 'run --key [REDACTED]' });
    await expect(save({ ...doc, exit_status: 'bored' } as never)).rejects.toThrow(/exit_status/);
    expect(JSON.parse(await readFile(trajectoryPath(dir, ref), 'utf8')).exit_status).toBe('submitted');
  });
});
