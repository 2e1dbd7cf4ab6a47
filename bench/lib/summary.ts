// The end of `npm run bench`: one table of every figure with a target, and the run's own time as a
// figure (issue 18: every row in one run of at most ten minutes on 2 cores).
import { single } from './measure.ts';
import { fmt } from './stats.ts';
import type { Measurement } from './types.ts';

/** A default `npm run bench` (every section, neither --quick nor --thorough) must end within this (s). */
export const BENCH_TIME_TARGET = { op: '<=', limit: 600, unit: ' s' } as const;

/**
 * The run's own wall time (s) as a measurement: checked against `BENCH_TIME_TARGET` when the run
 * was a default run of every section (`full`), else informative (a partial or longer run says
 * nothing about the target).
 */
export function benchTimeMeasurement(seconds: number, full: boolean): Measurement {
  return single(full ? 'npm run bench: the whole run' : 'npm run bench: this run (not a default run of every section: no verdict)', seconds, ' s', full ? BENCH_TIME_TARGET : null, 0);
}

/**
 * Markdown-style table rows (header first) of the measurements that have a target:
 * `| figure | measured | target | PASS/MISS |`, in the order given; the run time is kept even without one.
 */
export function summaryTable(ms: readonly Measurement[]): string[] {
  const rows = ms.filter((m) => m.target !== null || m.name.startsWith('npm run bench:'));
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '| figure | measured | target | verdict |',
    '|---|---|---|---|',
    ...rows.map((m) => {
      const t = m.target ? `${m.target.op === '<=' ? '≤' : '≥'} ${fmt(m.target.limit, m.target.unit, m.target.unit === '×' ? 2 : 0)}` : '—';
      return `| ${cell(m.name)} | ${cell(m.measured)} | ${t} | ${m.pass === null ? 'info' : m.pass ? 'PASS' : 'MISS'} |`;
    }),
  ];
}
