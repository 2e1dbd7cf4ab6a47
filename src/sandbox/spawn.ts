// Running one host process as the leader of its own process group, for every backend: a timeout
// or the leader's exit kills the whole group, and output is captured capped and decoded once.
import { capturedResult, DEFAULT_MAX_OUTPUT_BYTES, OutputCapture } from './capture.ts';
import { killGroup, trackGroup, untrackGroup } from './process-group.ts';
import { helperSpawn } from './spawn-client.ts';
import type { ExecResult } from './types.ts';

/** Longest delay `setTimeout` honours (larger values fire at once): ~24.8 days. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface GroupSpawnOptions {
  /** Program (looked up on the parent's PATH) and its arguments. */
  file: string;
  args: string[];
  /** Absolute working directory of the process. */
  cwd: string;
  /** The complete environment of the process: nothing of `process.env` is added. */
  env: Record<string, string>;
  /** Milliseconds; on expiry the whole process group gets SIGKILL. */
  timeoutMs: number;
  /** Cap on captured bytes per stream. Default `DEFAULT_MAX_OUTPUT_BYTES` (10 MiB). */
  maxOutputBytes?: number;
  /** Of `maxOutputBytes`, how many keep the END of stdout (head-and-tail capture; default 0 = head only). */
  keepTailBytes?: number;
  /** Aborting kills the whole process group. */
  signal?: AbortSignal;
  /** Text piped to stdin; without it stdin is empty (a reader sees end of file at once). */
  input?: string;
  /** Also open fd 3 as a pipe and return what the process wrote there (bwrap's `--json-status-fd 3`). */
  statusFd?: boolean;
  /** The process is bwrap with `--info-fd 6`: its container's init is killed with it (see `HelperRequest.infoFd`). */
  infoFd?: boolean;
}

export interface GroupSpawnResult {
  result: ExecResult;
  /** What the process wrote to fd 3 (empty without `statusFd`), as UTF-8. */
  status: string;
}

/**
 * Spawns `file args` as the leader of a new process group (`detached`) and waits for it. The fork
 * happens in fixbench's spawn helper (src/sandbox/spawn-client.ts), a small process whose forks are
 * cheap, not in fixbench's own large process on its event loop.
 *
 * - On timeout the whole group gets SIGKILL (backgrounded grandchildren die too); when the leader
 *   exits by itself, whatever it left running in its group is killed as well, so nothing outlives
 *   the command or holds the pipes. Live groups are killed if fixbench exits first.
 * - stdout/stderr are captured as bytes up to `maxOutputBytes` each (the rest is drained and
 *   counted) and decoded once as UTF-8; with `keepTailBytes`, stdout keeps its first and last bytes
 *   (`stdout` + `stdoutTail`), so memory stays bounded however much a command prints.
 *
 * Never throws for the process's own failure.
 * @throws InfraError when the process cannot be started (missing program or `cwd`), or when the spawn
 *   helper dies while it runs (the command's group is SIGKILLed first).
 */
export async function runProcessGroup(opts: GroupSpawnOptions): Promise<GroupSpawnResult> {
  const cap = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const out = new OutputCapture(cap, opts.keepTailBytes ?? 0);
  const err = new OutputCapture(cap);
  const status: Buffer[] = [];
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let group: number | undefined;

  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve, reject) => {
    helperSpawn(
      { file: opts.file, args: opts.args, cwd: opts.cwd, env: opts.env, statusFd: opts.statusFd ?? false, ...(opts.infoFd ? { infoFd: true } : {}), ...(opts.input === undefined ? {} : { input: opts.input }) },
      {
        started(pid) {
          group = pid;
          trackGroup(pid);
          timer = setTimeout(() => {
            timedOut = true;
            killGroup(pid);
          }, Math.min(opts.timeoutMs, MAX_TIMER_MS));
          onAbort = () => killGroup(pid);
          if (opts.signal?.aborted) killGroup(pid);
          else opts.signal?.addEventListener('abort', onAbort, { once: true });
        },
        data(fd, chunk) {
          if (fd === 1) out.push(chunk);
          else if (fd === 2) err.push(chunk);
          else status.push(chunk);
        },
        // The helper killed what the leader left in its group when the leader exited.
        closed: (code, signal, ms) => resolve({ code, signal, ms }),
        failed: reject,
      },
    );
  }).finally(() => {
    if (timer) clearTimeout(timer);
    if (group !== undefined) untrackGroup(group);
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
  });

  return {
    result: capturedResult(ended, timedOut, out, err, opts.keepTailBytes),
    status: Buffer.concat(status).toString('utf8'),
  };
}
