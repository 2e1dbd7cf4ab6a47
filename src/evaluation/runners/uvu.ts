// uvu: read from its own console output (uvu has no machine-readable reporter). uvu prints, per
// test file, one line per suite with one mark per test (`•` passed, `✘` failed) and the count
// `(passed / total)`, then a `FAIL  <suite>  "<test>"` block for each failed test; passing tests
// are never named. So a uvu id names a suite (`file > suite`, PASSED when every test in it passed)
// or a failed test (`file > suite > test`, FAILED): a suite that stops being registered is missing.
import stripAnsi from 'strip-ansi';
import { ReportParseError, type ReportParseOptions } from '../parse/types.ts';
import type { TestEntry } from './entries.ts';
import type { RunnerAdapter } from './types.ts';

/** Name given to the suite of uvu's top-level `test` export (it prints none). */
export const UVU_DEFAULT_SUITE = '(default suite)';

const SUITE_RE = /^(?: (.+?) )?\s*((?:[\u2022\u2718] ?)+)\s*\((\d+) \/ (\d+)\)\s*$/u;
const FAIL_RE = /^\s+FAIL\s+(?:(.+?)\s{2})?"(.*)"\s*$/u;
const TOTAL_RE = /^\s+Total:\s+(\d+)\s*$/;
const FILE_RE = /^\S.*\.[cm]?[jt]sx?$/;

/**
 * Entries from uvu's output (`stdout`, ANSI codes removed here). Throws `ReportParseError` when
 * the suites' test counts do not add up to uvu's `Total:` line (output the code under test printed
 * is mixed in, or the run did not end).
 */
export function uvuEntries(stdout: string, _opts: ReportParseOptions): TestEntry[] {
  const out: TestEntry[] = [];
  let file = '';
  let counted = 0;
  let total: number | null = null;
  const lines = stripAnsi(stdout).split('\n');
  for (const line of lines) {
    const s = SUITE_RE.exec(line);
    if (s) {
      const marks = [...s[2]!.replace(/\s/g, '')];
      const passed = Number(s[3]);
      const all = Number(s[4]);
      counted += all;
      const failed = marks.includes('✘') || passed < all;
      out.push({ parts: [file, s[1]?.trim() || UVU_DEFAULT_SUITE], status: failed ? 'FAILED' : 'PASSED' });
      continue;
    }
    const f = FAIL_RE.exec(line);
    if (f) {
      out.push({ parts: [file, f[1]?.trim() || UVU_DEFAULT_SUITE, f[2]!], status: 'FAILED' });
      continue;
    }
    const t = TOTAL_RE.exec(line);
    if (t) total = Number(t[1]);
    else if (FILE_RE.test(line.trimEnd())) file = line.trim();
  }
  if (out.length === 0 && total === null) return out;
  if (total === null) throw new ReportParseError('uvu printed no "Total:" line: the run did not end');
  if (total !== counted) throw new ReportParseError(`uvu's suites count ${counted} test(s) but its Total line says ${total} (output the code under test printed may be mixed in)`);
  return out;
}

export const uvuAdapter: RunnerAdapter = {
  name: 'uvu',
  label: 'uvu',
  pkg: 'uvu',
  matches: (s) => /(^|[\s/])uvu(\s|$)/.test(s),
  plan: (cmd) => ({ cmd, from: 'stdout' }),
  parse: uvuEntries,
};
