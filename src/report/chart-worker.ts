// Charts rendered on a second thread (src/report/build.ts): a worker thread that loads vega and
// vega-lite once and renders each vega-lite spec it is sent with the same `renderChartSvg` the main
// thread uses (src/report/chart.ts), so the report's price charts are drawn while the main thread
// draws the others; the main thread checks every SVG it gets back (`assertInertSvg`) as its own.
// Messages in: { id, spec } (a vega-lite spec: plain data, structured-cloned); out: { id, svg } or
// { id, error }. The worker holds nothing between specs; the main thread terminates it when done.
import { parentPort } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { preloadCharts, renderChartSvg } from './chart.ts';

/** A spec to render (`id`: the caller's, echoed back). */
export type ChartJob = { id: number; spec: TopLevelSpec };

/** The answer for one job: the SVG as `renderChartSvg` gave it, or the error's message. */
export type ChartDone = { id: number; svg: string } | { id: number; error: string };

preloadCharts(); // vega loads as soon as the thread starts, before the first spec comes
parentPort!.on('message', (job: ChartJob) => {
  renderChartSvg(job.spec).then(
    (svg) => parentPort!.postMessage({ id: job.id, svg } satisfies ChartDone),
    (e: unknown) => parentPort!.postMessage({ id: job.id, error: String((e as Error)?.message ?? e) } satisfies ChartDone),
  );
});
