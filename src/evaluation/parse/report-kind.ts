// The `test_report` field of task.yaml (DESIGN.md §2), parsed.
import { ReportParseError } from './types.ts';

export type ReportKind = { kind: 'junit'; path: string } | { kind: 'tap' } | { kind: 'exit-code' };

/** `junit:<path>` | `tap` | `exit-code` → a tagged value; throws `ReportParseError` otherwise. */
export function reportKind(testReport: string): ReportKind {
  if (testReport === 'tap') return { kind: 'tap' };
  if (testReport === 'exit-code') return { kind: 'exit-code' };
  if (testReport.startsWith('junit:') && testReport.length > 'junit:'.length) return { kind: 'junit', path: testReport.slice('junit:'.length) };
  throw new ReportParseError(`unsupported test_report ${JSON.stringify(testReport)} (expected junit:<path>, tap or exit-code)`);
}
