// The report of a run folder read as the report needs it (issue 18.4): the index page from only
// the columns it uses (src/store/scan.ts `readRunIndex`, INDEX_COLUMNS), each attempt page from
// its whole records read back by their line's place in attempts.jsonl, only for pages that changed
// (src/report/attempt-pages.ts). The result is byte-identical to `buildReport` over `readRun`.
import { openAttemptsAt, readRunIndex } from '../store/scan.ts';
import { readRunHeader } from '../store/store.ts';
import { writeReport, type BuildReportOptions } from './build.ts';
import { preloadCharts } from './chart.ts';

/** Loads the chart modules now; a load that fails is left to the first chart to report (not taken for an error of the scan it runs in). */
function preload(): void {
  try {
    preloadCharts();
  } catch {
    // the first chart loads them again and says what failed
  }
}

/** Options of {@link buildReportFromRun}: those of `buildReport` with the run folder in place of the records. */
export type BuildRunReportOptions = Omit<BuildReportOptions, 'header' | 'attempts' | 'runDir'> & {
  /** The run folder (`results/<run_id>`). */
  runDir: string;
};

/**
 * Builds `runDir`'s report into `outDir` (index.html and the attempt pages) reading only what each
 * part needs. Returns the index path.
 * @throws UserInputError as the store's readers do (missing or invalid run.json, bad lines named).
 */
export async function buildReportFromRun(o: BuildRunReportOptions): Promise<string> {
  const header = await readRunHeader(o.runDir);
  // the chart modules load while the scan's worker starts (the ranges it then takes share their cost)
  const { records, lines } = await readRunIndex(o.runDir, header, { onWorkerStart: preload });
  const reader = await openAttemptsAt(o.runDir, header);
  try {
    return await writeReport({ ...o, header }, records, (rs) => reader.read(rs.map((r) => lines.get(r.key)!)));
  } finally {
    await reader.close();
  }
}
