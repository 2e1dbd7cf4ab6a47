// From the tests a runner reported (each as its id parts and status) to per-test results, with the
// duplicate rule every runner adapter shares.
import type { TestStatus } from '../types.ts';
import { normalizeTitle } from '../../core/test-id.ts';
import { cleanName, joinId } from '../parse/names.ts';
import { carryMeta, record, type TestResults } from '../parse/types.ts';

/** One test as a runner adapter read it: `parts` are `[file, suite…, title]` (raw, cleaned here; empty parts left out). */
export interface TestEntry {
  parts: readonly string[];
  status: TestStatus;
  /**
   * The test's name as SWE-bench's log parser for this runner writes it, when it differs in form
   * from the parts (jasmine and karma: the full spec name, titles joined by single spaces). A
   * listed name equal to it (blanks at either end aside) answers with this test's result
   * (`aliasFullNames`).
   */
  name?: string;
  /** More names the test answers to, as `name` does (mocha under `suite-dot`: `suiteDotNames`). */
  names?: readonly string[];
}

/** `name` as looked up: blanks at either end trimmed, in the one id rule's printable form. */
export function fullNameKey(name: string): string {
  return normalizeTitle(name.trim());
}

/**
 * The suffix that tells apart the second and later tests of one id: ` #2`, ` #3`, … in report
 * order. The canary check reads an id with this suffix as its base id (a twin of a canary stays a
 * twin).
 */
export const DUPLICATE_SUFFIX_RE = / #\d+$/;

/**
 * Per-test results from `entries`, in report order. Each part is cleaned (`cleanName`: ANSI codes,
 * one appended duration, the id rule) and the parts joined (`joinId`). The n-th test (n ≥ 2) with
 * an id already taken is recorded as `<id> #n`, never merged with the first, so each keeps its own
 * status (a file that runs the same title twice in a row gives `t` and `t #2`). `duplicates` counts
 * the renamed tests (0 when every id was unique). `fullNames`: each entry's `name` and `names`
 * (`fullNameKey`) → the ids of the tests of that name, in report order (empty for runners without names). An id already taken (also by an earlier twin's
 * ` #n`) is never overwritten. Grading folds unlisted twins into the listed id (grade.ts
 * `twinStatuses`): a twin registered first cannot hide the real test's failure.
 */
export function resultsOf(entries: Iterable<TestEntry>): { results: TestResults; duplicates: number; fullNames: Map<string, string[]> } {
  const results: TestResults = new Map();
  const fullNames = new Map<string, string[]>();
  const seen = new Map<string, number>();
  let duplicates = 0;
  for (const e of entries) {
    const base = joinId(e.parts.map(cleanName));
    if (base === '') continue;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    let id = base;
    // Taken by an earlier test of this id, or by an earlier twin's ` #n` (a test really titled
    // `t #2` after `t`, `t`): never overwrite, so each test keeps its own status.
    if (results.has(id)) {
      duplicates++;
      let k = Math.max(n, 2);
      while (results.has((id = `${base} #${k}`))) k++;
    }
    results.set(id, e.status);
    for (const name of new Set([...(e.name === undefined ? [] : [e.name]), ...(e.names ?? [])].map(fullNameKey))) {
      fullNames.set(name, [...(fullNames.get(name) ?? []), id]);
    }
  }
  return { results, duplicates, fullNames };
}

/**
 * `results` with each listed name that is not a result itself but is the full name of reported
 * tests (`fullNames`, from `resultsOf`; compared by `fullNameKey`, so SWE-bench's trailing blank
 * matches) added under its own spelling, holding the worst status of those tests (FAILED >
 * ERROR > SKIPPED > PASSED: one failing twin fails the name, as SWE-bench's last-wins map of
 * names cannot tell them apart). @returns a new map; `results` is not changed.
 */
export function aliasFullNames(results: ReadonlyMap<string, TestStatus>, listed: readonly string[], fullNames: ReadonlyMap<string, readonly string[]>): TestResults {
  const out: TestResults = carryMeta(results as TestResults, new Map(results));
  for (const name of listed) {
    if (out.has(name)) continue;
    for (const id of fullNames.get(fullNameKey(name)) ?? []) record(out, name, results.get(id)!);
  }
  return out;
}

/**
 * `results` plus, for each listed name that is no id of its own but the file part of some ids
 * (`<name> > …`: SWE-bench's test-file names, as its jest log parser writes `PASS <file>` /
 * `FAIL <file>` lines for react-pdf), that file's result: FAILED (or ERROR) when any of its tests
 * is, else PASSED when any passed, else SKIPPED. Names already present, or matching no file, are
 * left as they are.
 */
export function aliasFileNames(results: ReadonlyMap<string, TestStatus>, listed: readonly string[]): TestResults {
  const out: TestResults = carryMeta(results as TestResults, new Map(results));
  const byFile = new Map<string, TestStatus[]>();
  for (const [id, status] of results) {
    const at = id.indexOf(' > ');
    if (at <= 0) continue;
    const file = id.slice(0, at);
    byFile.set(file, [...(byFile.get(file) ?? []), status]);
  }
  for (const name of new Set(listed)) {
    const statuses = out.has(name) ? undefined : byFile.get(name);
    if (!statuses) continue;
    const bad = statuses.find((s) => s === 'ERROR') ?? statuses.find((s) => s === 'FAILED');
    out.set(name, bad ?? (statuses.includes('PASSED') ? 'PASSED' : 'SKIPPED'));
  }
  return out;
}
