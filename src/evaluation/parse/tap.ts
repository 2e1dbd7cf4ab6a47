// TAP (version 13/14, with node-style nested subtests) on stdout → per-test results.
import { Parser, type Result } from 'tap-parser';
import stripAnsi from 'strip-ansi';
import { record, type TestResults } from './types.ts';

/**
 * Parses TAP text into `id → status`. Ids are the names of the nested subtests, outermost first,
 * then the test point's description, joined with ` > ` (tap-parser's `fullname`), ANSI codes
 * stripped. Every test point counts, including the one closing a subtest (a suite).
 * Status: `ok` → PASSED, `not ok` → FAILED, `# SKIP` or `# TODO` → SKIPPED.
 * A duplicated id keeps its worst status. Non-TAP lines are ignored.
 */
export function parseTap(text: string): TestResults {
  const results: TestResults = new Map();
  const attach = (p: Parser): void => {
    p.on('assert', (r: Result) => {
      const id = stripAnsi(r.fullname).trim();
      if (!id) return;
      record(results, id, r.skip || r.todo ? 'SKIPPED' : r.ok ? 'PASSED' : 'FAILED');
    });
    p.on('child', attach);
  };
  const root = new Parser();
  attach(root);
  root.end(text.endsWith('\n') ? text : text + '\n');
  return results;
}
