// The `exit-code` report: the whole test command is one pseudo-test.
import type { TestResults } from './types.ts';

/** One pseudo-test named by `testCmd`: PASSED iff `exitCode` is 0 (null = killed → FAILED). */
export function exitCodeResults(testCmd: string, exitCode: number | null): TestResults {
  return new Map([[testCmd, exitCode === 0 ? 'PASSED' : 'FAILED']]);
}
