// A job's error (the results disk full while an attempt's record is written) stops the run cleanly:
// no attempt starts after it, those in flight are awaited before runSuite rejects, run.json says
// "failed" with the error, the lock is released, and --resume completes the run losing no attempt.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite, type RunOptions } from '../../src/runner/run.ts';
import { RunStoppedError } from '../../src/runner/run-failure.ts';
import { LocalSandbox } from '../../src/sandbox/local.ts';
import type { ExecOptions, Sandbox } from '../../src/sandbox/types.ts';
import type { TaskSpec } from '../../src/config/task.ts';
import { readRun } from '../../src/store/store.ts';
import type { GitRepo } from '../helpers/git-repo.ts';
import { slowAddTasks } from '../helpers/slow-add-tasks.ts';
import { enospc, referenceRunOptions } from '../helpers/reference-run.ts';

const root = mkdtempSync(join(tmpdir(), 'fixbench-stopped-'));
const local = new LocalSandbox();
let repo: GitRepo;
let tasks: TaskSpec[];

// Sandbox commands in flight, and those started after runSuite rejected.
let inFlight = 0;
let afterReject = 0;
let rejected = false;
const counting: Sandbox = {
  kind: 'local',
  async exec(command: string, o: ExecOptions) {
    inFlight++;
    if (rejected) afterReject++;
    try {
      return await local.exec(command, o);
    } finally {
      inFlight--;
    }
  },
};

beforeAll(() => {
  ({ repo, tasks } = slowAddTasks(root, 400));
  // 6 tasks (each twice) × gold, noop = 12 attempts: more than a pipelined run at --concurrency 2
  // holds in flight (2 testing, 2 preparing, and those that started as they entered their tests)
  // when its first record is written, so some are left unstarted by the error.
  tasks = [...tasks, ...tasks.map((t) => ({ ...t, instance_id: `${t.instance_id}-again` }))];
});
afterAll(async () => {
  await local.cleanup();
  repo?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

const options = (runId: string, over: Partial<RunOptions> = {}): RunOptions => referenceRunOptions(root, tasks, counting, runId, over);

describe('a run stopped by a job error (a full results disk)', () => {
  it('awaits the attempts in flight, starts none after, says "failed", unlocks; --resume completes it', async () => {
    const dir = join(root, 'results', 'full');
    let thrown = 0;
    let inFlightAtReject = -1;
    const error = await runSuite(options('full', {
      onAttempt: () => {
        if (thrown++ === 0) throw enospc(); // the first record's job fails (as a failed log or record write does)
      },
    })).then(
      () => null,
      (e: unknown) => {
        rejected = true;
        inFlightAtReject = inFlight;
        return e;
      },
    );
    expect(inFlightAtReject).toBe(0); // nothing of the run still running when it rejects
    const stopped = await readRun(dir);
    expect(stopped.header.status).toBe('failed');
    expect(error).toBeInstanceOf(RunStoppedError);
    expect((error as Error).message).toMatch(/^results disk full: .*full \(ENOSPC\); the run stopped/);
    expect(stopped.header.note).toMatch(/^failed: ENOSPC: no space left on device, write; .*--resume/);
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
    const recordedAtReject = stopped.attempts.length;
    expect(recordedAtReject).toBeGreaterThan(0);
    expect(recordedAtReject).toBeLessThan(12); // no new attempt started after the error
    rejected = false;

    const resumed = await runSuite(options('full', { resume: true }));
    expect(afterReject).toBe(0); // nothing ran between the rejection and the resume
    expect(resumed.header.status).toBe('finished');
    expect(resumed.ran).toBe(12 - recordedAtReject);
    const keys = resumed.attempts.map((a) => a.key);
    expect(new Set(keys).size).toBe(12);
    expect(resumed.gate).toEqual([]);
  }, 120_000);
});
