// The main thread's side of the chart worker (src/report/chart-worker.ts): started before the
// report's analysis, so vega loads on the other core while this thread analyses; `render` sends a
// spec there, and renders it on this thread instead when the worker is gone or failed on it (the
// same function, the same SVG). Every SVG is checked by `assertInertSvg` here.
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { assertInertSvg, renderChartSvg, type InertSvg } from './chart.ts';
import type { ChartDone, ChartJob } from './chart-worker.ts';

/** The worker's file beside this one: `.ts` from the sources (through scripts/ts-worker.mjs and tsx's API), `.js` when built. */
const WORKER = new URL(import.meta.url.endsWith('.ts') ? './chart-worker.ts' : './chart-worker.js', import.meta.url);
const TS_WORKER = new URL('../../scripts/ts-worker.mjs', import.meta.url);

/** A chart renderer on a worker thread: `render(spec)` resolves to the checked SVG; `close` ends the thread. */
export interface ChartThread {
  render: (spec: TopLevelSpec) => Promise<InertSvg>;
  close: () => void;
}

/**
 * Starts the chart worker; without one (it cannot start, or it fails), `render` renders on this
 * thread. Never throws for the worker's sake: a spec the worker cannot render is rendered here, so
 * its error (if any) is this thread's own.
 */
export function startChartThread(): ChartThread {
  let w: Worker | null = null;
  try {
    w = WORKER.pathname.endsWith('.ts') ? new Worker(TS_WORKER, { workerData: { tsEntry: WORKER.href } }) : new Worker(WORKER);
  } catch {
    w = null;
  }
  const waiting = new Map<number, (d: ChartDone | null) => void>();
  let gone = w === null;
  const fail = () => {
    gone = true;
    for (const done of waiting.values()) done(null);
    waiting.clear();
  };
  w?.on('message', (d: ChartDone) => {
    const done = waiting.get(d.id);
    waiting.delete(d.id);
    done?.(d);
  });
  w?.once('error', fail);
  w?.once('exit', fail);
  let next = 0;
  const render = async (spec: TopLevelSpec): Promise<InertSvg> => {
    if (gone || !w) return renderChartSvg(spec);
    const id = next++;
    const d = await new Promise<ChartDone | null>((resolve) => {
      waiting.set(id, resolve);
      try {
        w!.postMessage({ id, spec } satisfies ChartJob);
      } catch {
        waiting.delete(id);
        resolve(null); // a spec that cannot be sent: rendered here
      }
    });
    return d && 'svg' in d ? assertInertSvg(d.svg) : renderChartSvg(spec);
  };
  return { render, close: () => void w?.terminate() };
}
