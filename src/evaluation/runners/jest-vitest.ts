// vitest and jest: both write the Jest JSON result format to a file fixbench names
// (`vitest run --reporter=json --outputFile=<f>`, `jest --json --outputFile=<f>`).
import stripAnsi from 'strip-ansi';
import { JestJsonReport } from '../parse/jest-json.ts';
import { repoRelativeFile } from '../parse/names.ts';
import { parseJsonReport, type ReportParseOptions } from '../parse/types.ts';
import type { TestStatus } from '../types.ts';
import type { TestEntry } from './entries.ts';
import { refuse } from './plan-args.ts';
import type { RunnerAdapter } from './types.ts';

const STATUS: Record<string, TestStatus> = { passed: 'PASSED', failed: 'FAILED' };

/**
 * Tests of a Jest JSON result: `file > ancestorTitles… > title` per assertion result (`passed` →
 * PASSED, `failed` → FAILED, every other status SKIPPED); a file that failed with no failed test
 * (it did not load) is one ERROR entry under the file alone.
 */
function parseJestEntries(text: string, opts: ReportParseOptions, what: string): TestEntry[] {
  const report = parseJsonReport(stripAnsi(text), JestJsonReport, what);
  const out: TestEntry[] = [];
  for (const file of report.testResults) {
    const path = repoRelativeFile(file.name, opts.roots ?? []);
    for (const a of file.assertionResults) out.push({ parts: [path, ...a.ancestorTitles, a.title], status: STATUS[a.status] ?? 'SKIPPED' });
    if (file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed') && path) out.push({ parts: [path], status: 'ERROR' });
  }
  return out;
}

export const vitestAdapter: RunnerAdapter = {
  name: 'vitest',
  label: 'vitest',
  pkg: 'vitest',
  matches: (s) => /(^|[\s/])vitest(\s|$)/.test(s),
  plan: (cmd, ctx, args) => {
    if (/(^|\s)--outputFile[=\s]/.test(cmd)) throw refuse(cmd, 'names its own --outputFile; leave it out (fixbench adds the JSON report and its file)');
    // `vitest` alone watches on a terminal; `run` makes it one run everywhere.
    const once = /(^|[\s/])vitest\s+(run|related)(\s|$)/.test(cmd) || /(^|\s)--run(\s|$)/.test(cmd) ? '' : ' --run';
    return { cmd: args(cmd, `${once} --reporter=json --outputFile=${ctx.reportPath}`.trim()), from: 'file' };
  },
  parse: (text, opts) => parseJestEntries(text, opts, 'vitest JSON'),
};

export const jestAdapter: RunnerAdapter = {
  name: 'jest',
  label: 'Jest',
  pkg: 'jest',
  matches: (s) => /(^|[\s/])jest(\s|$)/.test(s),
  plan: (cmd, ctx, args) => {
    if (/(^|\s)--outputFile[=\s]/.test(cmd)) throw refuse(cmd, 'names its own --outputFile; leave it out (fixbench adds the JSON report and its file)');
    return { cmd: args(cmd, `--json --outputFile=${ctx.reportPath}`), from: 'file' };
  },
  parse: (text, opts) => parseJestEntries(text, opts, 'Jest JSON'),
};
