import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InfraError, UserInputError } from '../../../src/core/errors.ts';
import { resolveRoots } from '../../../src/sandbox/roots.ts';
import { gitFailure } from '../../../src/workspace/git.ts';

describe('errors keep the error they wrap as Error.cause', () => {
  it('UserInputError takes it in its details; InfraError in the standard options', () => {
    const io = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const u = new UserInputError('out: cannot write', { where: 'out', cause: io });
    expect(u.cause).toBe(io);
    expect(u.details.where).toBe('out');
    expect(new UserInputError('plain').cause).toBeUndefined();
    expect('cause' in new UserInputError('plain')).toBe(false);
    expect(new InfraError('wrapped', { cause: io }).cause).toBe(io);
  });

  it('a wrapping site passes the file-system error on (sandbox root that does not exist)', () => {
    const missing = path.join(tmpdir(), `fixbench-no-such-root-${process.pid}`);
    let thrown: unknown;
    try {
      resolveRoots([missing]);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InfraError);
    expect((thrown as Error).message).toContain(missing);
    expect(((thrown as Error).cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('a git failure keeps the error git gave', () => {
    const e = new Error('fatal: not a git repository');
    const f = gitFailure('checking out abc', e);
    expect(f).toBeInstanceOf(InfraError);
    expect(f.message).toBe('git failed while checking out abc: fatal: not a git repository');
    expect(f.cause).toBe(e);
  });
});
