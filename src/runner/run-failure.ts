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
 * none started after it, the finished attempts whose records could be written are recorded and
 * run.json says `failed`. Exit code 2 (a UserInputError: the environment, not fixbench, is at fault);
 * `cause` is the error. `resumable` false: the run's folder could not be made and was removed (run it again, no `--resume`).
 */
export class RunStoppedError extends UserInputError {
  override name = 'RunStoppedError';
  constructor(
    message: string,
    details: UserInputError['details'] = {},
    readonly resumable = true,
  ) {
    super(message, details);
  }
}

/** `e`'s message, one line, at most 300 characters (for run.json's note). */
export function failureText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** What an environment error (`e.code`: ENOSPC …) says, e.g. "results disk full: <dir> (<file>) (ENOSPC)"; null for any other error (a bug). `dir` is the results folder written. */
export function environmentWhere(dir: string, e: unknown): { where: string; file: string | undefined } | null {
  const { code, path: file } = (e ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string' || !Object.hasOwn(ENVIRONMENT, code)) return null;
  const inRun = !file || !path.relative(dir, path.resolve(file)).startsWith('..');
  return { where: `${inRun ? `results ${ENVIRONMENT[code]}: ${dir}${file && file !== dir ? ` (${file})` : ''}` : `${ENVIRONMENT[code]}: ${file}`} (${code})`, file };
}

/**
 * The error a run rejects with when `e` stopped it (`runDir` is its results folder): for an error of
 * the environment (a full disk: "results disk full: <runDir>", naming the file when it is elsewhere) a
 * `RunStoppedError` saying what happened and whether the run can be resumed; any other error (a bug) as
 * it is, with its trace. `o.headerWritten`: run.json could be updated (status `failed`); else (the disk
 * too full even for it) it still says `running`, and the message says so. `o.stage`: `create` — the
 * run's folder could not be made (it was removed: not resumable); `open` — before any attempt started
 * (a resume's opening); `run` (default) — while attempts ran, or at the final run.json.
 */
export function runFailure(runDir: string, e: unknown, o: { headerWritten: boolean; stage?: 'create' | 'open' | 'run' }): unknown {
  const env = environmentWhere(runDir, e);
  if (!env) return e;
  const details = { where: env.file ?? runDir, cause: e };
  if (o.stage === 'create') return new RunStoppedError(`${env.where}; the run could not be created: no attempt ran, and its folder was removed`, details, false);
  const header = o.headerWritten ? 'run.json says "failed"' : 'run.json could not be updated (it still says "running")';
  if (o.stage === 'open') return new RunStoppedError(`${env.where}; the run stopped before any attempt started, and ${header}`, details);
  return new RunStoppedError(
    `${env.where}; the run stopped: the attempts in flight were awaited and no new one started, every finished attempt whose record could be written is recorded (the others run again on --resume), and ${header}`,
    details,
  );
}
