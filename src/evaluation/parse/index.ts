// Per-test report parsers (DESIGN.md §6 step 5).
export { parseJunit } from './junit.ts';
export { parseTap } from './tap.ts';
export { parseJestJson, JestJsonReport } from './jest-json.ts';
export { parseMochaJson, MochaJsonReport } from './mocha-json.ts';
export { exitCodeResults } from './exit-code.ts';
export { cleanName, DURATION_SUFFIX_RE, ID_SEPARATOR, joinId, repoRelativeFile } from './names.ts';
export { reportKind, REPORT_FILE_KINDS, RUNNER_REPORTS, type ReportFileKind, type ReportKind, type RunnerReport } from './report-kind.ts';
export { parseJsonReport, ReportParseError, carryMeta, copyResult, inheritedFailure, inheritFailure, record, testCount, worseStatus, type ReportParseOptions, type TestResults } from './types.ts';
export { parseReportText, REPORT_LABEL } from './dispatch.ts';
