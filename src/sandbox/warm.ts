// Warm containers: the sandbox container of an agent's NEXT command, started while the model call
// that will write it is pending, so the container's set-up (namespaces, mounts) is off the path
// between the model's reply and the command's output. Still one fresh container per command.
import { capturedResult, DEFAULT_MAX_OUTPUT_BYTES, OutputCapture } from './capture.ts';
import { killGroup, trackGroup, untrackGroup } from './process-group.ts';
import { NO_RC } from './relay.ts';
import { helperSpawn, type HelperHandle } from './spawn-client.ts';
import type { GroupSpawnResult } from './spawn.ts';
import type { ExecOptions, ExecResult, Sandbox } from './types.ts';
import type { InfraError } from '../core/errors.ts';

/** Longest delay `setTimeout` honours (larger values fire at once): ~24.8 days. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Longest command (UTF-8 bytes) sent to a warm container: one byte under Linux's limit on one
 * argument (MAX_ARG_STRLEN, 128 KiB), so every command a warm container takes would also have fit
 * the cold path's `bash -c <command>` argument. Longer ones go the cold way (and fail there as before).
 */
export const MAX_WARM_COMMAND_BYTES = 128 * 1024 - 1;

/**
 * The launcher inside a warm container (after bwrap's `--`): it reads fd 4 to its end (the helper
 * writes one flag byte, `1` when the command has input, else `0`, then the command text, then closes
 * fd 4), closes it, and only then takes its stdin (fd 5, the input's pipe, for `1`; else /dev/null,
 * which it had until then), writes `started` to fd 3 and execs `bash -c "<command>"`, exactly as the
 * cold launcher (src/sandbox/relay.ts `launcher`) does. Every bash runs with `NO_RC` (no startup
 * file: its stdin is /dev/null before the read, and ~/.bashrc is the agent's). The text is only
 * ever a variable's value: never parsed by the launcher (`read -r` with an empty IFS and a NUL
 * delimiter keeps newlines, backslashes, blanks and a leading `-` as they are). No `started` (fd 4
 * closed empty, the container killed while it waited) means the command never ran.
 */
export const WARM_LAUNCHER = [
  'bash',
  ...NO_RC,
  '-c',
  'IFS= read -r -d "" cmd <&4; exec 4<&-; case $cmd in 0*) exec 5<&-;; 1*) exec <&5 5<&-;; *) exit 125;; esac; printf started >&3 && exec bash --norc --noprofile -c -- "${cmd:1}" 3>&-',
  'fixbench-sandbox',
];

/** Whether `command` may go through a warm container (no NUL byte, which no command line carries; short enough for one argument). */
export function warmEligible(command: string): boolean {
  return !command.includes('\0') && Buffer.byteLength(command, 'utf8') <= MAX_WARM_COMMAND_BYTES;
}

/** What a warm container is started with: as `GroupSpawnOptions`, without anything per command. */
export interface WarmSpawn {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** Per-command options of a dispatch (see `ExecOptions` for each). */
export type DispatchOptions = Pick<ExecOptions, 'timeoutMs' | 'signal' | 'input' | 'maxOutputBytes' | 'keepTailBytes'>;

/**
 * One warm container: a process group (led by bwrap) whose launcher waits for its command on fd 4.
 * Before `run` nothing of the agent's runs in it (so a workspace it binds is not changed by it).
 * Used once: `run` consumes it; `kill` SIGKILLs the group (safe at any time, also before it has a pid).
 * Tracked like every group, so it is killed if fixbench exits (and by the spawn helper if fixbench
 * is SIGKILLed).
 */
export class WarmContainer {
  /** The options it was started with, as a string: a command whose own options give another key cannot use it. */
  readonly key: string;
  /** The workspace as given (`ExecOptions.cwd`) and as resolved and checked when it was started (its bwrap `--chdir`). */
  readonly cwd: { given: string; resolved: string };
  #handle: HelperHandle;
  #pid: number | undefined;
  #killed = false;
  #used = false;
  /** Set once the leader exited (or could not start): `run` then falls back. */
  #ended: { code: number | null; signal: NodeJS.Signals | null; ms: number } | InfraError | null = null;
  #onEnd: (() => void) | null = null;
  #resolveGone: () => void = () => {};
  /** Resolves when `#end` has run. */
  readonly #gone = new Promise<void>((resolve) => (this.#resolveGone = resolve));
  /** Output before `run` (a failed set-up's message), then the run's sink. */
  #early: [1 | 2 | 3, Buffer][] = [];
  #sink: ((fd: 1 | 2 | 3, chunk: Buffer) => void) | null = null;
  /** Removes the start signal's listener (at `run`). */
  #unlisten: () => void = () => {};

  private constructor(key: string, cwd: { given: string; resolved: string }, spawn: WarmSpawn, signal: AbortSignal | undefined) {
    this.key = key;
    this.cwd = cwd;
    this.#handle = helperSpawn(
      { file: spawn.file, args: spawn.args, cwd: spawn.cwd, env: spawn.env, statusFd: true, commandFd: true, infoFd: true },
      {
        started: (pid) => {
          this.#pid = pid;
          trackGroup(pid);
          if (this.#killed) killGroup(pid);
        },
        data: (fd, chunk) => (this.#sink ? this.#sink(fd, chunk) : this.#early.push([fd, chunk])),
        closed: (code, sig, ms) => this.#end({ code, signal: sig, ms }),
        failed: (err) => this.#end(err),
      },
      'warm',
    );
    if (signal?.aborted) this.kill();
    else if (signal) {
      const onAbort = () => this.kill();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#unlisten = () => signal.removeEventListener('abort', onAbort);
    }
  }

  /** Starts a warm container (see `WarmSpawn`) for the workspace `cwd`; `signal` aborting before `run` kills it. */
  static start(key: string, cwd: { given: string; resolved: string }, spawn: WarmSpawn, signal?: AbortSignal): WarmContainer {
    return new WarmContainer(key, cwd, spawn, signal);
  }

  /** Not used, not killed, still running. */
  get ready(): boolean {
    return !this.#used && !this.#killed && this.#ended === null;
  }

  /**
   * SIGKILLs its group (now, or as soon as its pid is known), and when it has not been used, also
   * closes its fd 4 empty, so its launcher exits by itself (exit 125, no `started`) even if a kill
   * during bwrap's set-up missed the container's inside (bwrap's `--die-with-parent` is set only
   * once its child runs). Idempotent. Resolves once it has ended: its leader exited and its
   * container's init is gone (the spawn helper's `closed`), or it could not start.
   */
  kill(): Promise<void> {
    if (!this.#killed) {
      this.#killed = true;
      if (!this.#used) this.#handle.dispatch('', undefined);
      if (this.#pid !== undefined && this.#ended === null) killGroup(this.#pid);
    }
    return this.#gone;
  }

  /**
   * Runs `command` in it, as `runProcessGroup` runs a cold one: the timeout and the abort signal
   * count from this call (they SIGKILL the group), output is captured capped, `durationMs` counts
   * from the dispatch. `status` is what fd 3 got: without `started` the command never ran (the
   * container's set-up failed, or it died waiting) and the caller runs it the cold way.
   * @throws Error when called twice (a harness bug).
   */
  async run(command: string, opts: DispatchOptions): Promise<GroupSpawnResult> {
    if (this.#used) throw new Error('a warm container runs one command only');
    this.#used = true;
    this.#unlisten();
    const cap = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    const out = new OutputCapture(cap, opts.keepTailBytes ?? 0);
    const err = new OutputCapture(cap);
    const status: Buffer[] = [];
    let timedOut = false;
    this.#sink = (fd, chunk) => (fd === 1 ? out.push(chunk) : fd === 2 ? err.push(chunk) : status.push(chunk));
    for (const [fd, chunk] of this.#early.splice(0)) this.#sink(fd, chunk);
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve, reject) => {
      const kill = () => {
        this.#killed = true;
        if (this.#pid !== undefined && this.#ended === null) killGroup(this.#pid);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, Math.min(opts.timeoutMs, MAX_TIMER_MS));
      const onAbort = () => kill();
      if (opts.signal?.aborted) kill();
      else opts.signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        const e = this.#ended!;
        if (e instanceof Error) reject(e);
        else resolve(e);
      };
      if (this.#ended !== null) settle();
      else {
        this.#onEnd = settle;
        this.#handle.dispatch((opts.input === undefined ? '0' : '1') + command, opts.input);
      }
    });
    const started = Buffer.concat(status).toString('utf8');
    return {
      result: capturedResult(ended, timedOut, out, err, opts.keepTailBytes), // durationMs from the dispatch (the helper's clock)
      status: started,
    };
  }

  #end(how: { code: number | null; signal: NodeJS.Signals | null; ms: number } | InfraError): void {
    if (this.#ended !== null) return;
    this.#ended = how;
    this.#resolveGone();
    if (!this.#used) this.#unlisten();
    if (this.#pid !== undefined) untrackGroup(this.#pid);
    const onEnd = this.#onEnd;
    this.#onEnd = null;
    onEnd?.();
  }
}

/**
 * How long after `WarmSlot.prepare` the container is started, milliseconds: the replies of many
 * attempts tend to arrive together, and their commands (the critical path) should have the CPU
 * first; a container's set-up can wait, since a model call takes longer than this. A reply that
 * comes sooner just gets a cold container.
 */
export const WARM_DELAY_MS = 250;

/**
 * One attempt's slot for a warm container (held by its sandbox view, src/sandbox/attempt.ts):
 * `prepare` starts one for the next command's options `WARM_DELAY_MS` later (when the backend has
 * `startWarm` and none is waiting), `exec` hands it to the backend with the command (the backend
 * uses it only when the command's options give the same container, else kills it and runs cold),
 * `drop` kills one left unused (the agent's end, the attempt's cleanup).
 */
export class WarmSlot {
  #pending: Promise<WarmContainer | null> | null = null;
  /** What `#pending` resolved to; undefined while it is starting. */
  #started: WarmContainer | null | undefined = undefined;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    readonly backend: Sandbox,
    readonly delayMs = WARM_DELAY_MS,
  ) {}

  /**
   * Starts a warm container for a command with `opts` `delayMs` after `sinceMs` (`performance.now()`
   * when the model call was sent; default now), unless one is due, starting or waiting (one that died
   * or was killed meanwhile is replaced). A hint given `delayMs` or more after `sinceMs` starts it at
   * once. Never throws (a failure to start means a cold command).
   */
  prepare(opts: ExecOptions, sinceMs: number = performance.now()): void {
    if (this.#timer || !this.backend.startWarm) return;
    if (this.#pending && (this.#started === undefined || this.#started?.ready)) return;
    this.#pending = null;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#started = undefined;
      const pending = this.backend.startWarm!(opts).catch(() => null);
      this.#pending = pending;
      void pending.then((w) => {
        if (this.#pending === pending) this.#started = w;
      });
    }, Math.max(0, this.delayMs - (performance.now() - sinceMs)));
    this.#timer.unref();
  }

  /** Runs `command` through the backend, with the waiting container if any (consumed either way; one not started yet is not started). */
  async exec(command: string, opts: ExecOptions): Promise<ExecResult> {
    this.#cancel();
    const pending = this.#pending;
    this.#pending = null;
    const warm = pending ? await pending : null;
    return warm ? this.backend.exec(command, opts, warm) : this.backend.exec(command, opts);
  }

  /**
   * Kills a waiting container, if any (once it has started, if it is still starting). Resolves once
   * it is gone (see `WarmContainer.kill`). Never rejects.
   */
  async drop(): Promise<void> {
    this.#cancel();
    const pending = this.#pending;
    this.#pending = null;
    await pending?.then((w) => w?.kill());
  }

  #cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
