// The Sandbox contract: how agent commands and test runs are executed (DESIGN.md §1, §11).
// Backends (`local`, `bwrap`; `docker` later) implement it; callers never spawn processes themselves.
import type { WarmContainer } from './warm.ts';

/** Result of one command. Never thrown for the command's own failure (execa `reject: false` style). */
export interface ExecResult {
  /** Exit code, or null when killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  /** True when the command outlived its timeout and its whole process group was killed. */
  timedOut: boolean;
  /** Decoded as UTF-8 with replacement characters; capped at `maxOutputBytes`. */
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  durationMs: number;
  /** True when stdout or stderr was cut at the cap. */
  truncated: boolean;
  /**
   * With `ExecOptions.keepTailBytes`, when stdout was cut: its last bytes (decoded from a character
   * boundary); `stdout` then holds only the head.
   */
  stdoutTail?: string;
  /** With `stdoutTail`: bytes of stdout between head and tail that were dropped. */
  stdoutOmittedBytes?: number;
  /**
   * Host folders the command used that were removed when it exited (`bwrap`: a setup's own HOME):
   * a path under one of them in its output no longer exists. Absent when there were none.
   */
  removedDirs?: string[];
}

export interface ExecOptions {
  /**
   * The command's workspace and working directory: absolute, an existing directory, strictly inside
   * one of the sandbox's `roots`. An isolating backend lets the command write here (and below)
   * and nowhere else on the host.
   */
  cwd: string;
  /** Milliseconds; on expiry the whole process group gets SIGKILL. */
  timeoutMs: number;
  /** Extra environment variables (the base environment is scrubbed of secrets by the sandbox). */
  env?: Record<string, string>;
  /** Cap on captured bytes per stream (default 10 MiB). */
  maxOutputBytes?: number;
  /**
   * Of `maxOutputBytes`, how many keep the END of stdout: head-and-tail capture with bounded memory
   * (default 0: the head only). See `ExecResult.stdoutTail`.
   */
  keepTailBytes?: number;
  /** Aborting kills the command's whole process group (like a timeout, but `timedOut` stays false). */
  signal?: AbortSignal;
  /** Text piped to stdin. */
  input?: string;
  /**
   * Allow network access. Default false: agent commands and test runs get none. Only the task's
   * `setup` (e.g. `npm ci`, which needs the registry) asks for it. A backend that cannot cut the
   * network (`local`) ignores it and says so in its warning.
   */
  network?: boolean;
  /**
   * HOME of the command: a host folder outside every workspace, private to one attempt (see
   * `isolateAttempt`). Default: an isolating backend gives an empty HOME per command (the setup's
   * own HOME when `network` is true); `local` its shared temp HOME.
   */
  home?: string;
  /**
   * Host folders (real paths, outside every workspace) shown read-only at their own paths, e.g. the
   * attempt's `infoDir` holding the problem statement. `local` ignores it (the host is visible).
   */
  readOnly?: string[];
  /** Host folders put first on the command's PATH, in order (a task's Node runtime's `bin`; show them with `readOnly`). */
  pathPrefix?: string[];
  /** TMPDIR of the command, like `home`. Default: a private /tmp per command (`bwrap`), a shared temp folder (`local`). */
  tmpDir?: string;
  /**
   * The metering proxy for a command without network: the HTTP service on the Unix socket `socket`
   * (host path) is served on the command's own loopback at `127.0.0.1:<port>`, and nothing else is
   * reachable. `local` ignores it (the proxy's host port is the same one).
   */
  proxy?: { socket: string; port: number };
  /**
   * Paths relative to `cwd` the command may not change (a graded test run's test files and
   * runner configurations: src/evaluation/test-lock.ts). `bwrap` binds each read-only over the
   * workspace and each folder above it onto itself, past its mount cap their folders read-only
   * (src/sandbox/locked-binds.ts); absent paths and paths through a link are skipped. It gives Python an empty read-only bytecode cache folder
   * (src/sandbox/locked-python.ts). `local` cannot: its caller hashes them before and after.
   */
  lockedPaths?: string[];
}

/** A sandbox backend. */
export type SandboxKind = 'local' | 'bwrap' | 'docker';

/** What `--sandbox` accepts: a backend, or `auto` (`bwrap` when it works here, else `local` with a warning). */
export const SANDBOX_CHOICES = ['auto', 'bwrap', 'local'] as const;
export type SandboxChoice = (typeof SANDBOX_CHOICES)[number];

/**
 * What the pipeline needs of a sandbox (runSetup, the agents, evaluate): run a command against a
 * workspace. The owner of a sandbox (the CLI, a test) holds the whole `SandboxBackend`.
 */
export interface Sandbox {
  readonly kind: SandboxKind;
  /**
   * Runs `bash -c -- <command>` in `opts.cwd`; resolves with the result whatever the command did
   * (non-zero exit, signal, timeout).
   * @throws InfraError when the sandbox itself fails: `cwd` not absolute, not a directory or
   *   outside the backend's `roots`; the backend cannot start.
   *
   * `warm` (from this backend's `startWarm`, src/sandbox/warm.ts) is consumed: the command runs in
   * it when `opts` give the same container and it still waits, else it is killed and the command
   * runs in a fresh container as without it; the result is the same either way.
   */
  exec(command: string, opts: ExecOptions, warm?: WarmContainer): Promise<ExecResult>;
  /**
   * Optional (`bwrap`): starts the container a command with `opts` would get, without the command,
   * for `exec`'s `warm`; null when this backend gives such options no warm container (network,
   * proxy). Called only when no command of the caller's runs (see src/sandbox/warm.ts).
   * @throws InfraError as `exec` does for `opts.cwd`, or when the backend cannot start.
   */
  startWarm?(opts: ExecOptions): Promise<WarmContainer | null>;
  /**
   * Optional (an attempt's view, `isolateAttempt`): a hint that the next `exec` will have `opts`, so
   * its container may be started now (while a model call is pending). Only between commands: no
   * command of the attempt may be running. `pendingSinceMs` (`performance.now()` when the model call
   * that will write the command was sent): the container's start delay counts from then, so a hint
   * given late (the workspace made after the call was sent) does not wait the whole delay again.
   * Never throws; without it, or when it cannot, nothing changes.
   */
  warmNext?(opts: ExecOptions, pendingSinceMs?: number): void;
  /**
   * Optional (with `warmNext`): kills a container `warmNext` started and no `exec` used; resolves once
   * it is gone (its PID namespace ended) when the view returns a promise (`isolateAttempt`s does). Never throws or rejects.
   */
  dropWarm?(): void;
}

/**
 * The contract every backend implements (`local`, `bwrap`; a Docker one would too): a place to
 * run untrusted commands (agent commands, the task's setup and its tests) against workspaces on
 * the host. Lifecycle: `init()` once (`exec` calls it if needed), any number of `exec` / `read` /
 * `write`, then `cleanup()`.
 */
export interface SandboxBackend extends Sandbox {
  /**
   * Folders under which workspaces may lie (absolute, symlinks resolved): every `exec` cwd and
   * every `read` / `write` path must be strictly inside one of them.
   */
  readonly roots: readonly string[];
  /**
   * Checks that the backend works here (tools present, namespaces usable) and prepares its
   * temp folders. Idempotent: later calls return the first call's promise.
   * @throws InfraError saying what is missing and how to get it.
   */
  init(): Promise<void>;
  /**
   * The bytes of the file at `path` in a workspace.
   * @throws InfraError when `path` (symlinks resolved) is outside `roots`, or cannot be read.
   */
  read(path: string): Promise<Buffer>;
  /**
   * Writes `content` (a string as UTF-8) to the file at `path` in a workspace, creating missing
   * parent folders.
   * @throws InfraError when `path` (symlinks resolved) is outside `roots`, or cannot be written.
   */
  write(path: string, content: string | Uint8Array): Promise<void>;
  /** Removes what the sandbox made for itself (temp HOME, caches), never the workspaces. Safe to call twice. */
  cleanup(): Promise<void>;
}
