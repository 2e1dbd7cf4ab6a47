// Shared shapes of the per-test report parsers.
import type { z } from 'zod';
import type { TestStatus } from '../types.ts';
import type { SweNameForm } from '../runners/swe-names.ts';

/** Parsed per-test results: full test id → status. */
export type TestResults = Map<string, TestStatus>;

/** A test report that cannot be read (malformed XML or JSON, wrong shape). */
export class ReportParseError extends Error {
  override name = 'ReportParseError';
}

/** Options of the parsers whose reports name test files by absolute path (Jest/vitest/mocha JSON). */
export interface ReportParseOptions {
  /**
   * Absolute paths the test runner may have seen the repository root under (e.g. the workspace
   * and its realpath): file paths inside one of them become relative to it in ids.
   */
  roots?: readonly string[];
  /**
   * The form of the names SWE-bench's log parser gives the task's tests (`sweNameForm`), for an
   * adapter whose runner it names in more than one way (mocha); default `full`.
   */
  nameForm?: SweNameForm;
  /**
   * The task's pytest test files (repo-relative paths: those its listed ids name,
   * `listedPytestFiles`, and test.patch's; other than `.py` ones are ignored): JUnit's dotted
   * `classname` of a file in a folder whose name holds a `.` is read as that file (parse/junit.ts).
   */
  pytestFiles?: readonly string[];
  /**
   * TAP only: leave out the points that close a subtest holding tests (parse/tap.ts `leaves`), for
   * node:test's TAP, whose ids are then its JUnit report's (`readsNodeTestTap`).
   */
  tapLeaves?: boolean;
}

const RANK: Record<TestStatus, number> = { PASSED: 0, SKIPPED: 1, ERROR: 2, FAILED: 3 };

/** How many times each id recorded more than once was recorded, per results map (ids seen once have no entry). */
const COUNTS = new WeakMap<TestResults, Map<string, number>>();

/**
 * Records `status` for `id`; when the id was seen before, the worse status wins
 * (FAILED > ERROR > SKIPPED > PASSED), so any failure of a duplicated id counts, and the id's
 * count goes up (`testCount`).
 */
export function record(results: TestResults, id: string, status: TestStatus): void {
  const prev = results.get(id);
  if (prev !== undefined) {
    let counts = COUNTS.get(results);
    if (!counts) COUNTS.set(results, (counts = new Map()));
    counts.set(id, (counts.get(id) ?? 1) + 1);
  }
  if (prev === undefined || RANK[status] > RANK[prev]) results.set(id, status);
}

/**
 * How many tests the parser recorded under `id` in `results` (several when a report spells two
 * tests alike, e.g. node's JUnit reporter dropping a line feed): 0 when absent, 1 for an id
 * recorded once or set directly (a copied map keeps no counts).
 */
export function testCount(results: TestResults, id: string): number {
  if (!results.has(id)) return 0;
  return COUNTS.get(results)?.get(id) ?? 1;
}

/** Ids whose FAILED status a parser set because a test or suite around them failed in its own code (`inheritFailure`). */
const INHERITED = new WeakMap<TestResults, Set<string>>();

/**
 * Sets `id` FAILED because a test or suite holding it failed in its own code (a hook, or a parent
 * test's own body: node:test's TAP read leaves-only, parse/tap.ts), and marks it so
 * (`inheritedFailure`): a report that cannot carry such a failure (node's JUnit) then does not
 * contradict it (`compareChannels`: no verdict, not tampering).
 */
export function inheritFailure(results: TestResults, id: string): void {
  record(results, id, 'FAILED');
  let ids = INHERITED.get(results);
  if (!ids) INHERITED.set(results, (ids = new Set()));
  ids.add(id);
}

/** Whether `id`'s FAILED in `results` came from a test or suite around it (`inheritFailure`). */
export function inheritedFailure(results: TestResults, id: string): boolean {
  return INHERITED.get(results)?.has(id) === true;
}

/**
 * Sets `to`'s `toId` as `from`'s `fromId` is: its status, its `testCount` and whether its failure is
 * inherited (a map built from another keeps them: `unswapResults`). No-op when `from` lacks `fromId`.
 */
export function copyResult(from: TestResults, fromId: string, to: TestResults, toId: string): void {
  const status = from.get(fromId);
  if (status === undefined) return;
  to.set(toId, status);
  const count = testCount(from, fromId);
  if (count > 1) {
    let counts = COUNTS.get(to);
    if (!counts) COUNTS.set(to, (counts = new Map()));
    counts.set(toId, count);
  }
  if (inheritedFailure(from, fromId)) {
    let ids = INHERITED.get(to);
    if (!ids) INHERITED.set(to, (ids = new Set()));
    ids.add(toId);
  }
}

/**
 * `to` (a map built from `from`: an alias step) with each id that `from` also holds given `from`'s
 * `testCount` and inherited failure (`copyResult`), where `to` keeps `from`'s status for it.
 * @returns `to`.
 */
export function carryMeta(from: TestResults, to: TestResults): TestResults {
  for (const [id, status] of to) if (from.get(id) === status) copyResult(from, id, to, id);
  return to;
}

/** The worse of two statuses (FAILED > ERROR > SKIPPED > PASSED). */
export const worseStatus = (a: TestStatus, b: TestStatus): TestStatus => (RANK[b] > RANK[a] ? b : a);

/**
 * `JSON.parse(text)` validated by `schema`; throws `ReportParseError` naming `what` and the
 * problem: the JSON syntax error, or the first field that does not fit (its path and zod's
 * message). A leading byte-order mark is ignored.
 */
export function parseJsonReport<T>(text: string, schema: z.ZodType<T>, what: string): T {
  let data: unknown;
  try {
    data = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (err) {
    const head = text.trim() === '' ? 'it is empty' : (err as Error).message;
    throw new ReportParseError(`${what} report is not valid JSON: ${head}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(the top level)';
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem(s))` : '';
    throw new ReportParseError(`${what} report does not have the expected shape: ${where}: ${issue.message}${more}`);
  }
  return parsed.data;
}
