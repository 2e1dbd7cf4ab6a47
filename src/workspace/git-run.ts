// Host git through fixbench's spawn helper (src/sandbox/spawn-client.ts; its own `git` lane): simple-git forks git on
// fixbench's event loop (node's spawn() blocks it until the child has exec'd, tens of ms each under
// load, ~124 forks in an I/O-bound run's agent phase); here the fork happens in the small helper
// process. Host git is fixbench's own trusted command; the environment and `-c` settings are the
// caller's (`hostGit`, src/workspace/host-git.ts: hermetic, hooks and fsmonitor off), passed whole.
import { GitError } from 'simple-git';
import { killGroup, trackGroup, untrackGroup } from '../sandbox/process-group.ts';
import { helperSpawn } from '../sandbox/spawn-client.ts';

/**
 * Bytes of stdout a git command may print before it is killed and fails (`GitOutputCapError`):
 * 256 MiB, half of V8's longest string (so the decoded text always fits), far above any patch a
 * model writes. stderr is kept up to 1 MiB (the rest is dropped: it is only ever an error message).
 */
export const GIT_MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
const STDERR_KEEP_BYTES = 1024 * 1024;

export interface GitRunOptions {
  /** Absolute working directory. */
  cwd: string;
  /** The complete environment of git (nothing of `process.env` is added; PATH finds git). */
  env: Record<string, string>;
  /** `-c key=value` settings, put before the subcommand. */
  config: readonly string[];
  /** Milliseconds git may print nothing before its group is SIGKILLed and it fails (`GitError`, "block timeout reached"); absent = never. */
  silentLimitMs?: number;
  /** Cap on stdout bytes; default `GIT_MAX_OUTPUT_BYTES`. */
  maxOutputBytes?: number;
}

/** git printed more than the cap: killed, and its output not used (never cut short silently). Its message names `maxBuffer`, so `isWorkspaceOverflow` (extract-patch.ts) reads it as an overflow. */
export class GitOutputCapError extends Error {
  override name = 'GitOutputCapError';
}

/**
 * Runs `git -c <config>… <args>` in `o.cwd` with exactly `o.env`, through the spawn helper, and
 * returns its stdout as bytes (whole, never truncated).
 * @throws GitError (simple-git's class, so `gitTry` reads it as git's own failure) when git exits
 *   non-zero or is killed — its message is git's stdout then stderr, as `gitAt` gives it — or printed
 *   nothing for `silentLimitMs` ("block timeout reached").
 * @throws GitOutputCapError when stdout passes `maxOutputBytes` (git is killed).
 * @throws InfraError when git cannot be started (not on PATH, `cwd` missing) or the spawn helper dies.
 */
export function runGit(args: readonly string[], o: GitRunOptions): Promise<Buffer> {
  const cap = o.maxOutputBytes ?? GIT_MAX_OUTPUT_BYTES;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let outBytes = 0;
  let errBytes = 0;
  let group: number | undefined;
  let silent: NodeJS.Timeout | undefined;
  let killedFor: Error | undefined;
  const kill = (why: Error) => {
    killedFor ??= why;
    if (group !== undefined) killGroup(group);
  };
  const quiet = () => {
    if (!o.silentLimitMs) return;
    if (silent) clearTimeout(silent);
    silent = setTimeout(() => kill(new GitError(undefined, `block timeout reached: git ${args[0] ?? ''} printed nothing for ${o.silentLimitMs} ms and was killed`)), o.silentLimitMs);
  };
  return new Promise<Buffer>((resolve, reject) => {
    helperSpawn(
      { file: 'git', args: [...o.config.flatMap((c) => ['-c', c]), ...args], cwd: o.cwd, env: o.env, statusFd: false },
      {
        started(pid) {
          group = pid;
          trackGroup(pid);
          if (killedFor) killGroup(pid);
          quiet();
        },
        data(fd, chunk) {
          quiet();
          if (fd === 1) {
            outBytes += chunk.length;
            if (outBytes > cap) kill(new GitOutputCapError(`git ${args[0] ?? ''} printed more than ${cap} bytes (maxBuffer): killed, its output not used`));
            else out.push(chunk);
          } else if (fd === 2 && errBytes < STDERR_KEEP_BYTES) {
            errBytes += chunk.length;
            err.push(chunk);
          }
        },
        closed(code, signal) {
          if (killedFor) return reject(killedFor);
          if (code === 0) return resolve(Buffer.concat(out));
          const text = Buffer.concat([...out, ...err]).toString('utf8');
          reject(new GitError(undefined, text || `git ${args[0] ?? ''} exited with ${code === null ? `signal ${signal}` : `code ${code}`}`));
        },
        failed: reject,
      },
      'git',
    );
  }).finally(() => {
    if (silent) clearTimeout(silent);
    if (group !== undefined) untrackGroup(group);
  });
}
