// Shared shapes of the per-test report parsers.
import type { TestStatus } from '../types.ts';

/** Parsed per-test results: full test id → status. */
export type TestResults = Map<string, TestStatus>;

/** A test report that cannot be read (malformed XML, wrong shape). */
export class ReportParseError extends Error {
  override name = 'ReportParseError';
}

const RANK: Record<TestStatus, number> = { PASSED: 0, SKIPPED: 1, ERROR: 2, FAILED: 3 };

/**
 * Records `status` for `id`; when the id was seen before, the worse status wins
 * (FAILED > ERROR > SKIPPED > PASSED), so any failure of a duplicated id counts.
 */
export function record(results: TestResults, id: string, status: TestStatus): void {
  const prev = results.get(id);
  if (prev === undefined || RANK[status] > RANK[prev]) results.set(id, status);
}
