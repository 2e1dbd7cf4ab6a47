// run.json's last rewrite meeting a full disk when no attempt failed (atkF10 7, the 64 KiB line): the run
// rejects with RunStoppedError (exit 2, "results disk full"), never the raw ENOSPC (exit 1, "a bug"),
// and the lock is released; --resume then completes the run with every attempt once.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runSuite, type RunOptions } from '../../src/runner/run.ts';
import { RunStoppedError } from '../../src/runner/run-failure.ts';
import { LocalSandbox } from '../../src/sandbox/local.ts';
import type { TaskSpec } from '../../src/config/task.ts';
import { RunWriter, readRun } from '../../src/store/store.ts';
import type { RunHeader } from '../../src/store/records.ts';
import type { GitRepo } from '../helpers/git-repo.ts';
import { slowAddTasks } from '../helpers/slow-add-tasks.ts';
import { enospc, referenceRunOptions } from '../helpers/reference-run.ts';

const root = mkdtempSync(join(tmpdir(), 'fixbench-stopped-header-'));
const local = new LocalSandbox();
let repo: GitRepo;
let tasks: TaskSpec[];

beforeAll(() => {
  ({ repo, tasks } = slowAddTasks(root, 50));
});
afterAll(async () => {
  vi.restoreAllMocks();
  await local.cleanup();
  repo?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

const options = (runId: string, over: Partial<RunOptions> = {}): RunOptions => referenceRunOptions(root, tasks, local, runId, over);

describe('run.json meeting a full disk', () => {
  it('at the final rewrite with every attempt recorded: RunStoppedError, unlocked; --resume finishes it', async () => {
    const write = RunWriter.prototype.writeHeader;
    const spy = vi.spyOn(RunWriter.prototype, 'writeHeader').mockImplementation(function (this: RunWriter, h: RunHeader) {
      return h.status === 'running' ? write.call(this, h) : Promise.reject(enospc());
    });
    const error = await runSuite(options('last')).then(() => null, (e: unknown) => e);
    spy.mockRestore();
    expect(error).toBeInstanceOf(RunStoppedError);
    expect((error as Error).message).toMatch(/^results disk full: .*last \(ENOSPC\); .*still says "running"/);
    const dir = join(root, 'results', 'last');
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
    expect((await readRun(dir)).header.status).toBe('running');
    const resumed = await runSuite(options('last', { resume: true }));
    expect(resumed.header.status).toBe('finished');
    expect(resumed.ran).toBe(0);
    const keys = resumed.attempts.map((a) => a.key);
    expect(keys.length).toBe(tasks.length * 2); // gold and noop
    expect(new Set(keys).size).toBe(keys.length);
  }, 120_000);

  it('at the first write of a new run: RunStoppedError (not resumable), no folder left; the same id then runs', async () => {
    const spy = vi.spyOn(RunWriter.prototype, 'writeHeader').mockRejectedValueOnce(enospc());
    const error = await runSuite(options('first')).then(() => null, (e: unknown) => e);
    spy.mockRestore();
    expect(error).toBeInstanceOf(RunStoppedError);
    expect(error).toMatchObject({ resumable: false });
    expect((error as Error).message).toMatch(/the run could not be created/);
    expect(existsSync(join(root, 'results', 'first'))).toBe(false);
    expect((await runSuite(options('first'))).header.status).toBe('finished');
  }, 120_000);
});
