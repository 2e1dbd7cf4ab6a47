// The `test_report` field of task.yaml (DESIGN.md §2), parsed.
import { ReportParseError } from './types.ts';

/** Report kinds read from a file the test command writes (`<kind>:<path>`). */
export const REPORT_FILE_KINDS = ['junit', 'vitest-json', 'jest-json', 'mocha-json'] as const;
export type ReportFileKind = (typeof REPORT_FILE_KINDS)[number];

/** Runner adapters a task can name (src/evaluation/runners), and `auto` (detected from test_cmd). */
export const RUNNER_REPORTS = ['auto', 'vitest', 'jest', 'mocha', 'tape', 'node-test', 'uvu', 'ava', 'node-tap', 'jasmine', 'karma'] as const;
export type RunnerReport = (typeof RUNNER_REPORTS)[number];

export type ReportKind = { kind: ReportFileKind; path: string } | { kind: 'tap' } | { kind: 'exit-code' } | { kind: 'runner'; runner: RunnerReport };

/**
 * `junit:<path>` | `vitest-json:<path>` | `jest-json:<path>` | `mocha-json:<path>` | `tap` |
 * `exit-code` | a runner adapter's name or `auto` (`RUNNER_REPORTS`) → a tagged value (`path` relative to the repository root, as written); throws
 * `ReportParseError` otherwise. The path's safety is checked by the `TestReport` schema and again
 * when the file is read.
 */
export function reportKind(testReport: string): ReportKind {
  if (testReport === 'tap') return { kind: 'tap' };
  if (testReport === 'exit-code') return { kind: 'exit-code' };
  if ((RUNNER_REPORTS as readonly string[]).includes(testReport)) return { kind: 'runner', runner: testReport as RunnerReport };
  const colon = testReport.indexOf(':');
  const kind = testReport.slice(0, colon);
  const path = testReport.slice(colon + 1);
  if (colon > 0 && path !== '' && (REPORT_FILE_KINDS as readonly string[]).includes(kind)) return { kind: kind as ReportFileKind, path };
  throw new ReportParseError(
    `unsupported test_report ${JSON.stringify(testReport)} (expected ${RUNNER_REPORTS.join(', ')}, ${REPORT_FILE_KINDS.map((k) => `${k}:<path>`).join(', ')}, tap or exit-code)`,
  );
}
