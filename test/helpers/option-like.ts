// Command texts that bash would read as its own options if a launcher did not end them before the
// command operand (`bash -c -O` prints shopt and exits 0; `bash -c +O` likewise): each must run as
// a command, so its first word is "not found" (exit 127 when it is the last command).
import { expect } from 'vitest';

/** [command, exit code, stdout] when the text runs as a command. */
export const OPTION_LIKE: Array<[string, number, string]> = [
  ['-O', 127, ''],
  ['+O', 127, ''],
  ['-x; echo hi', 0, 'hi\n'],
];

/** Asserts `result` is `command` run as a command: its exit code and stdout, and bash's "<first word>: command not found". */
export function expectRanAsCommand(command: string, result: { exitCode: number | null; stdout: string; stderr: string }): void {
  const [, exitCode, stdout] = OPTION_LIKE.find(([c]) => c === command)!;
  const first = command.split(';')[0]!;
  expect(result.exitCode, command).toBe(exitCode);
  expect(result.stdout, command).toBe(stdout);
  expect(result.stderr, command).toContain(`${first}: command not found`);
}
