// The one entry from report text to per-test results: ANSI escapes are stripped here, from every
// text format (TAP on stdout, JUnit, Jest/vitest/mocha JSON), before any parser sees the text.
import stripAnsi from 'strip-ansi';
import { parseJestJson } from './jest-json.ts';
import { parseJunit } from './junit.ts';
import { parseMochaJson } from './mocha-json.ts';
import type { ReportFileKind } from './report-kind.ts';
import { parseTap } from './tap.ts';
import type { ReportParseOptions, TestResults } from './types.ts';

/** Parser of each text format: text (ANSI already stripped) → per-test results. */
const PARSERS: Record<ReportFileKind | 'tap', (text: string, opts: ReportParseOptions) => TestResults> = {
  junit: (text, opts) => parseJunit(text, opts.pytestFiles),
  'vitest-json': parseJestJson,
  'jest-json': parseJestJson,
  'mocha-json': parseMochaJson,
  tap: (text, opts) => parseTap(text, { leaves: opts.tapLeaves === true }),
};

/** Names of the text formats in messages. */
export const REPORT_LABEL: Record<ReportFileKind | 'tap', string> = {
  junit: 'JUnit',
  'vitest-json': 'vitest JSON',
  'jest-json': 'Jest JSON',
  'mocha-json': 'mocha JSON',
  tap: 'TAP',
};

/**
 * Parses report `text` of format `kind`: ANSI escape sequences (colours, cursor moves) removed
 * first (strip-ansi), then the format's parser. Throws `ReportParseError` as that parser does.
 */
export function parseReportText(kind: ReportFileKind | 'tap', text: string, opts: ReportParseOptions = {}): TestResults {
  return PARSERS[kind](stripAnsi(text), opts);
}
