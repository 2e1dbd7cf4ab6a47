// The error a run stopped by a job's fault rejects with (src/runner/run-failure.ts).
import { describe, expect, it } from 'vitest';
import { RunStoppedError, failureText, runFailure } from '../../../src/runner/run-failure.ts';

const errno = (code: string, file?: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: failed, write`), { code, ...(file ? { path: file } : {}) });

describe('runFailure', () => {
  it('a full disk names the results folder (and the file in it), says whether run.json could be updated', () => {
    const e = runFailure('/r/run1', errno('ENOSPC'), { headerWritten: true });
    expect(e).toBeInstanceOf(RunStoppedError);
    expect((e as Error).message).toMatch(/^results disk full: \/r\/run1 \(ENOSPC\); the run stopped: .*run\.json says "failed"$/);
    const inRun = runFailure('/r/run1', errno('ENOSPC', '/r/run1/logs/k/test_output.txt'), { headerWritten: false }) as Error;
    expect(inRun.message).toMatch(/^results disk full: \/r\/run1 \(\/r\/run1\/logs\/k\/test_output\.txt\) \(ENOSPC\).*still says "running"/);
    expect(inRun.cause).toMatchObject({ code: 'ENOSPC' });
  });

  it('a file elsewhere is named as such; an error that is no fault of the environment is returned as it is (a bug: its trace)', () => {
    expect((runFailure('/r/run1', errno('EDQUOT', '/tmp/x'), { headerWritten: true }) as Error).message).toMatch(/^disk quota exceeded: \/tmp\/x \(EDQUOT\)/);
    const bug = new TypeError('x is undefined');
    expect(runFailure('/r/run1', bug, { headerWritten: true })).toBe(bug);
    expect(failureText(new Error('a\n  b'))).toBe('a b');
  });

  it('names the stage: a folder that could not be made (not resumable), an opening, attempts running (no claim that every finished attempt is recorded)', () => {
    const create = runFailure('/r/run1', errno('ENOSPC'), { headerWritten: false, stage: 'create' }) as RunStoppedError;
    expect(create.message).toMatch(/^results disk full: \/r\/run1 \(ENOSPC\); the run could not be created: no attempt ran, and its folder was removed$/);
    expect(create.resumable).toBe(false);
    const open = runFailure('/r/run1', errno('ENOSPC'), { headerWritten: false, stage: 'open' }) as RunStoppedError;
    expect(open.message).toMatch(/the run stopped before any attempt started/);
    expect(open.resumable).toBe(true);
    const running = (runFailure('/r/run1', errno('ENOSPC'), { headerWritten: true }) as Error).message;
    expect(running).not.toMatch(/every finished attempt is recorded/);
    expect(running).toMatch(/every finished attempt whose record could be written is recorded/);
  });
});
