// Public surface of the report stage (DESIGN.md §9).
export { buildReport, renderReport, type BuildReportOptions } from './build.ts';
export { buildViewModel, type ReportViewModel } from './view-model.ts';
