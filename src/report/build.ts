// Builds a run's report: view model (pure) → chart SVG (vega) → HTML (handlebars) → `outDir/index.html`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttemptRecord, RunHeader } from '../store/records.ts';
import { renderReportHtml } from './render.ts';
import { buildViewModel } from './view-model.ts';

/** Input of {@link buildReport}: a run's header and its attempt records, and where to write. */
export interface BuildReportOptions {
  header: RunHeader;
  attempts: readonly AttemptRecord[];
  /** Folder to write into; created if missing. */
  outDir: string;
}

/**
 * Writes one self-contained static HTML page (inline CSS, inline SVG chart, no script, no network
 * reference; opens from disk) to `outDir/index.html` and returns that path.
 */
export async function buildReport({ header, attempts, outDir }: BuildReportOptions): Promise<string> {
  const html = await renderReport(header, attempts);
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, 'index.html');
  await writeFile(path, html, 'utf8');
  return path;
}

/** The report page as an HTML string, without writing it. */
export async function renderReport(header: RunHeader, attempts: readonly AttemptRecord[]): Promise<string> {
  const vm = buildViewModel(header, attempts);
  // vega and vega-lite are loaded only when there is a chart to draw (a run of the reference agents
  // alone has none): they are the largest part of the CLI's start-up (bench/RESULTS.md, overhead).
  let svg = null;
  if (vm.chart.points.length > 0) {
    const { priceAccuracySpec, renderChartSvg } = await import('./chart.ts');
    svg = await renderChartSvg(priceAccuracySpec(vm.chart.points));
  }
  return renderReportHtml(vm, svg);
}
