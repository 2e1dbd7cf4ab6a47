// The Sandbox contract: how agent commands and test runs are executed (DESIGN.md §1, §11).
// Backends (`local` now; `bwrap`, `docker` later) implement it; callers never spawn processes themselves.

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
}

export interface ExecOptions {
  /** Working directory, absolute; must be inside the sandbox's workspace. */
  cwd: string;
  /** Milliseconds; on expiry the whole process group gets SIGKILL. */
  timeoutMs: number;
  /** Extra environment variables (the base environment is scrubbed of secrets by the sandbox). */
  env?: Record<string, string>;
  /** Cap on captured bytes per stream (default 10 MiB). */
  maxOutputBytes?: number;
  /** Text piped to stdin. */
  input?: string;
}

export interface Sandbox {
  readonly kind: 'local' | 'bwrap' | 'docker';
  /** Runs `bash -c <command>`; resolves with the result whatever the command did. */
  exec(command: string, opts: ExecOptions): Promise<ExecResult>;
}
