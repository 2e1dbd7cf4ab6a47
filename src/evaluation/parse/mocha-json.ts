// mocha JSON reporter output (`mocha --reporter json --reporter-option output=<file>`) → per-test
// results.
import { z } from 'zod';
import type { TestStatus } from '../types.ts';
import { cleanName, joinId, repoRelativeFile } from './names.ts';
import { parseJsonReport, record, type ReportParseOptions, type TestResults } from './types.ts';

/** One entry as mocha's JSON reporter `clean()`s a test or a failed hook. */
const MochaTest = z.object({
  title: z.string(),
  fullTitle: z.string(),
  file: z.string().nullish(),
  err: z.record(z.string(), z.unknown()).nullish(),
});
type MochaTest = z.infer<typeof MochaTest>;

/**
 * The parts fixbench reads of mocha's JSON reporter output: `tests` (every test that ended),
 * `passes`, `failures` (failed tests and failed hooks) and `pending` (absent before mocha 6:
 * then empty). `stats` and other keys are ignored.
 */
export const MochaJsonReport = z.object({
  tests: z.array(MochaTest),
  passes: z.array(MochaTest),
  failures: z.array(MochaTest),
  pending: z.array(MochaTest).default([]),
});
export type MochaJsonReport = z.infer<typeof MochaJsonReport>;

/**
 * Parses mocha's JSON reporter output (`{stats, tests, pending, failures, passes}`, each entry
 * `{title, fullTitle, file, duration, err}`) into `id → status`.
 *
 * Id: `file > suites > title`, `file` made relative to the repository root (`repoRelativeFile`
 * with `opts.roots`). mocha writes no list of describe names, only `fullTitle` (describe names
 * and title joined by single spaces), so `suites` is `fullTitle` without its trailing
 * ` <title>`: nested describes stay one part, e.g. `test/a.spec.js > outer inner > adds`. Every
 * part is cleaned by `cleanName` (ANSI codes and one appended duration removed); empty parts
 * are left out.
 *
 * Status: in `failures` → FAILED (a failed hook is recorded under its own id, e.g.
 * `… > "before each" hook for "adds"`, and the tests it stopped are missing); in `pending` →
 * SKIPPED; in `passes` → PASSED; a test in `tests` only → FAILED if its `err` is not empty, else
 * SKIPPED (never a pass without mocha saying so). A duplicated id keeps its worst status.
 *
 * Throws `ReportParseError` naming the problem for text that is not JSON or not of this shape.
 * mocha prints this JSON on stdout unless given `--reporter-option output=<file>`; fixbench reads
 * the file, never stdout (which the code under test can write to).
 */
export function parseMochaJson(text: string, opts: ReportParseOptions = {}): TestResults {
  const report = parseJsonReport(text, MochaJsonReport, 'mocha JSON');
  const roots = opts.roots ?? [];
  const idOf = (t: MochaTest): string => {
    const file = repoRelativeFile(t.file ?? '', roots);
    const full = t.fullTitle;
    if (full === t.title || !full.endsWith(` ${t.title}`)) return joinId([file, cleanName(full)]);
    return joinId([file, cleanName(full.slice(0, full.length - t.title.length - 1)), cleanName(t.title)]);
  };
  const results: TestResults = new Map();
  const add = (list: readonly MochaTest[], status: TestStatus): void => {
    for (const t of list) {
      const id = idOf(t);
      if (id) record(results, id, status);
    }
  };
  add(report.passes, 'PASSED');
  add(report.pending, 'SKIPPED');
  add(report.failures, 'FAILED');
  for (const t of report.tests) {
    const id = idOf(t);
    if (!id || results.has(id)) continue;
    record(results, id, t.err && Object.keys(t.err).length > 0 ? 'FAILED' : 'SKIPPED');
  }
  return results;
}
