// Per-test report parsers (DESIGN.md §6 step 5).
export { parseJunit } from './junit.ts';
export { parseTap } from './tap.ts';
export { exitCodeResults } from './exit-code.ts';
export { reportKind, type ReportKind } from './report-kind.ts';
export { ReportParseError, record, type TestResults } from './types.ts';
