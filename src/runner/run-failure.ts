// A run stopped by a fault of the store or its disk (ENOSPC while an attempt's logs or record are
// written, …): what run.json says of it, and the error the run rejects with.
import path from 'node:path';
import { UserInputError } from '../core/errors.ts';

/** Error codes of the user's environment (a full disk, no permission): reported in one line, never as a bug. */
const ENVIRONMENT: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
};

/**
 * A run stopped by an error of its environment (`runFailure`): every attempt in flight was awaited,
 * none started after it, its finished attempts are recorded and run.json says `failed`. Exit code 2
 * (a UserInputError: the environment, not fixbench, is at fault); `cause` is the error.
 */
export class RunStoppedError extends UserInputError {
  override name = 'RunStoppedError';
}

/** `e`'s message, one line, at most 300 characters (for run.json's note). */
export function failureText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * The error a run rejects with when `e` stopped it (`runDir` is its results folder): for an error of
 * the environment (a full disk: "results disk full: <runDir>", naming the file when it is elsewhere) a
 * `RunStoppedError` saying what happened and that the run can be resumed; any other error (a bug) as
 * it is, with its trace. `o.headerWritten`: run.json could be updated (status `failed`); else (the disk
 * too full even for it) it still says `running`, and the message says so.
 */
export function runFailure(runDir: string, e: unknown, o: { headerWritten: boolean }): unknown {
  const { code, path: file } = (e ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string' || !Object.hasOwn(ENVIRONMENT, code)) return e;
  const inRun = !file || !path.relative(runDir, path.resolve(file)).startsWith('..');
  const where = inRun ? `results ${ENVIRONMENT[code]}: ${runDir}${file && file !== runDir ? ` (${file})` : ''}` : `${ENVIRONMENT[code]}: ${file}`;
  return new RunStoppedError(
    `${where} (${code}); the run stopped: the attempts in flight were awaited and no new one started, every finished attempt is recorded, and ${o.headerWritten ? 'run.json says "failed"' : 'run.json could not be updated (it still says "running")'}`,
    { where: file ?? runDir, cause: e },
  );
}
