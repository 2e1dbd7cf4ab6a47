// Public surface of the report stage (DESIGN.md §9).
export { buildReport, renderReport, reportPage, type BuildReportOptions, type RenderOptions } from './build.ts';
export { buildViewModel, type ReportViewModel } from './view-model.ts';
export { buildSite, type BuildSiteOptions } from './site.ts';
export { BUNDLED_PUBLISHED_SCORES, loadPublishedScores, type PublishedScore } from './published.ts';
