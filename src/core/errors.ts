// Error kinds and the CLI exit codes they map to (DESIGN.md §10; STYLE.md "three kinds").

/** Exit codes of the `fixbench` command. */
export const ExitCode = { ok: 0, internal: 1, invalidInput: 2, gateFailed: 3, interrupted: 130 } as const;

/**
 * The user's input is wrong (a file, field or flag). `where` names the file and field;
 * `fix` says what to do; `cause` is the error it wraps (a file-system or parse error), kept as
 * `Error.cause`. Exit code 2.
 */
export class UserInputError extends Error {
  constructor(
    message: string,
    readonly details: { where?: string; fix?: string; problems?: string[]; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'UserInputError';
  }
}

// InfraError and GateFailedError take the standard `new X(message, { cause })` when they wrap an error.

/** A quality gate failed (regression or threshold). Exit code 3. */
export class GateFailedError extends Error {
  override name = 'GateFailedError';
}

/** A fault of the harness or its environment (git, sandbox, disk); the attempt becomes `infra_error`. */
export class InfraError extends Error {
  override name = 'InfraError';
}
