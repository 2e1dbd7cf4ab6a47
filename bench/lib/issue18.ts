// The closing note of `npm run bench`: the performance targets of issue 18 (overhead, concurrency, the
// 100,000-record report and resume scan, the I/O-bound case) quoted from the sections' measurements, in one place.
import { lineOf } from './measure.ts';
import type { Measurement, SectionResult } from './types.ts';

/** The closing note's title, as the bench prints it and bench/RESULTS.md heads it. */
export const TARGETS_TITLE = 'Performance targets (issue 18)';

/** Issue 18's rows, each found by the start of its measurement's name (the sections own the names). */
export const ISSUE_18_ROWS: readonly { row: string; name: RegExp }[] = [
  { row: 'overhead, fixbench ÷ hand-run script (gold + noop, 3 tasks, concurrency 1)', name: /^overhead: fixbench ÷ manual script/ },
  { row: 'concurrency 2 ÷ 1, whole run', name: /^concurrency: (throughput at 2 ÷ at 1 \(whole run\)|the same work without fixbench|fixbench's ratio ÷ the hand-run ratio)/ },
  { row: '100,000 records → report', name: /^scale: report/ },
  { row: 'resume scan of 100,000 records', name: /^scale: resume scan/ },
  { row: 'I/O-bound: 64 attempts × 5 calls × 1 s', name: /^io-bound: (.*throughput ÷ ideal \(agent phase|whole run with grading: throughput|fixbench's own CPU)/ },
];

/**
 * The closing note: per row of issue 18, the verdict line of every measurement it names (with
 * target and PASS/MISS), or `not measured` when its section did not run (`--only`) or failed.
 */
export function issue18Note(sections: readonly SectionResult[]): { lines: string[]; measurements: Measurement[] } {
  const all = sections.flatMap((s) => s.measurements);
  const lines: string[] = [];
  const measurements: Measurement[] = [];
  for (const { row, name } of ISSUE_18_ROWS) {
    const found = all.filter((m) => name.test(m.name));
    if (!found.length) lines.push(`${row}: not measured`);
    for (const m of found) lines.push(lineOf(m));
    measurements.push(...found);
  }
  return { lines, measurements };
}
