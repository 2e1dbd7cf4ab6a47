// The texts an evaluation stores (evaluate.ts): the test command's log and a fault's message.
import { truncateText } from '../core/truncate.ts';
import { InfraError } from '../core/errors.ts';
import type { ExecResult } from '../sandbox/types.ts';

/** `$ cmd`, stdout, stderr and the exit status, cut to head and tail past `cap` characters. */
export function testOutput(cmd: string, run: ExecResult, cap: number): string {
  const status = run.timedOut ? 'timed out' : `exit ${run.exitCode ?? run.signal}`;
  const text = `$ ${cmd}\n${run.stdout}${run.stderr ? `\n--- stderr ---\n${run.stderr}` : ''}\n--- ${status}${run.truncated ? ', output truncated' : ''} ---\n`;
  return truncateText(text, cap);
}

/**
 * An error's message, prefixed by its name unless it is a plain `Error` or fixbench's `InfraError`
 * (whose messages are written for the user: `setup of … failed`, never `InfraError: setup of …`);
 * another class keeps its name (`TypeError: …`: a fault of fixbench); anything else as `String`.
 */
export function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name === 'Error' || err instanceof InfraError ? '' : `${err.name}: `}${err.message}`;
  return String(err);
}

/** The start of the `error` of an `unresolved` evaluation with no test verdict (docs/decisions.md#the-no-verdict-rule). */
export const NO_VERDICT = 'no test verdict with this patch: ';

/**
 * Whether an evaluation ended for want of a test verdict: outcome `unresolved` and an error starting
 * with `NO_VERDICT`. Another outcome (an infra error, a timeout, a tampered run) is never a no-verdict,
 * whatever its message says. Pure.
 */
export const isNoVerdict = (r: { outcome: string; error?: string | null }): boolean => r.outcome === 'unresolved' && r.error?.startsWith(NO_VERDICT) === true;
