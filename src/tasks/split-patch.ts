// The pure parts of building a task from a fix: splitting the fix into gold.patch and test.patch,
// and FAIL_TO_PASS/PASS_TO_PASS from the results before and after it.
import picomatch from 'picomatch';
import { diffFiles } from '../evaluation/diff-files.ts';

export interface SplitPatch {
  /** Source files: gold.patch. */
  gold: string;
  /** Test files: test.patch. */
  test: string;
  goldFiles: string[];
  testFiles: string[];
}

/**
 * Splits a git-style unified diff into its source and test parts, file by file (each `diff --git`
 * section goes whole to one side), by `testGlobs` on the file's path (new path, or old path for a
 * deletion). Bytes are kept. Pure.
 */
export function splitPatch(patch: string, testGlobs: readonly string[]): SplitPatch {
  const isTest = picomatch([...testGlobs], { dot: true });
  const out: SplitPatch = { gold: '', test: '', goldFiles: [], testFiles: [] };
  const starts = [...patch.matchAll(/^diff --git /gm)].map((m) => m.index);
  for (const [i, start] of starts.entries()) {
    const section = patch.slice(start, starts[i + 1] ?? patch.length);
    const f = diffFiles(section)[0];
    const file = f?.newPath ?? f?.oldPath;
    if (!file) continue;
    if (isTest(file)) {
      out.test += section;
      out.testFiles.push(file);
    } else {
      out.gold += section;
      out.goldFiles.push(file);
    }
  }
  return out;
}

/**
 * F2P/P2P from test results before (test.patch alone) and after (gold + test.patch) the fix. An id
 * that has tests under it (`a` beside `a > b`: a TAP suite's own test point) is a suite, not a
 * test, and is left out, unless `keepParents` (a runner adapter's results hold tests only: a
 * node:test parent test or a uvu suite is a test). Pure.
 */
export function testLists(before: Record<string, string>, after: Record<string, string>, keepParents = false): { FAIL_TO_PASS: string[]; PASS_TO_PASS: string[] } {
  const all = [...Object.keys(before), ...Object.keys(after)];
  const suites = new Set(keepParents ? [] : all.flatMap((id) => id.split(' > ').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join(' > '))));
  const passedAfter = Object.keys(after).filter((id) => after[id] === 'PASSED' && !suites.has(id));
  return {
    FAIL_TO_PASS: passedAfter.filter((id) => before[id] !== 'PASSED'),
    PASS_TO_PASS: passedAfter.filter((id) => before[id] === 'PASSED'),
  };
}
