// Jest JSON result format → per-test results. Both `jest --json --outputFile=<file>` and
// `vitest run --reporter=json --outputFile=<file>` write it.
import { z } from 'zod';
import type { TestStatus } from '../types.ts';
import { cleanName, joinId, repoRelativeFile } from './names.ts';
import { parseJsonReport, record, type ReportParseOptions, type TestResults } from './types.ts';

/**
 * Status of one assertion result: Jest's `Status` type (vitest writes the same set but
 * `focused`). Only `passed` is a pass; `focused` is listed so that a Jest report holding it is
 * read, and it counts as SKIPPED like the others.
 */
const AssertionStatus = z.enum(['passed', 'failed', 'pending', 'skipped', 'todo', 'disabled', 'focused']);

/** One test: `ancestorTitles` are the enclosing describe names, outermost first. */
const AssertionResult = z.object({
  ancestorTitles: z.array(z.string()),
  title: z.string(),
  fullName: z.string().optional(),
  status: AssertionStatus,
});

/** One test file: `name` is its path (absolute as both runners write it); `status` is the file's. */
const FileResult = z.object({
  name: z.string().min(1),
  status: z.string().optional(),
  message: z.string().optional(),
  assertionResults: z.array(AssertionResult),
});

/** The parts fixbench reads of Jest's `AggregatedResult` JSON (other keys are ignored). */
export const JestJsonReport = z.object({ testResults: z.array(FileResult) });
export type JestJsonReport = z.infer<typeof JestJsonReport>;

const STATUS: Record<z.infer<typeof AssertionStatus>, TestStatus> = {
  passed: 'PASSED',
  failed: 'FAILED',
  pending: 'SKIPPED',
  skipped: 'SKIPPED',
  todo: 'SKIPPED',
  disabled: 'SKIPPED',
  focused: 'SKIPPED',
};

/**
 * Parses a Jest JSON result (`{testResults: [{name, status, message, assertionResults: [{
 * ancestorTitles, title, fullName, status}]}]}`) into `id → status`.
 *
 * Id: `file > ancestorTitles… > title`, `file` being `testResults[].name` made relative to the
 * repository root (`repoRelativeFile` with `opts.roots`); every part cleaned by `cleanName`
 * (ANSI codes and one appended duration removed), empty parts left out. `fullName` is not used:
 * it joins the same names with spaces and so loses their boundaries.
 * Status: `passed` → PASSED, `failed` → FAILED, `pending`/`skipped`/`todo`/`disabled`/`focused` →
 * SKIPPED. A test file that failed without any failed test (it did not load, or a hook outside
 * every test threw; its `message` says why) is recorded under the file's own id as ERROR, so a
 * broken file is a failure in the results, never silence. A duplicated id keeps its worst status.
 *
 * Throws `ReportParseError` naming the problem for text that is not JSON or not of this shape
 * (validated with zod; the message names the first wrong field, e.g. `testResults.0.name`).
 */
export function parseJestJson(text: string, opts: ReportParseOptions = {}): TestResults {
  const report = parseJsonReport(text, JestJsonReport, 'Jest JSON');
  const results: TestResults = new Map();
  for (const file of report.testResults) {
    const path = repoRelativeFile(file.name, opts.roots ?? []);
    for (const a of file.assertionResults) {
      const id = joinId([path, ...a.ancestorTitles.map(cleanName), cleanName(a.title)]);
      record(results, id, STATUS[a.status]);
    }
    if (file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed') && path) {
      record(results, path, 'ERROR');
    }
  }
  return results;
}
