// The price charts drawn on a worker thread (src/report/chart-thread.ts, chart-worker.ts): the page
// is byte-identical to the one drawn on one thread, and a chart the worker cannot give (the thread
// gone) is drawn on this thread instead.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/report/build.ts';
import { startChartThread } from '../../../src/report/chart-thread.ts';
import { renderChartSvg } from '../../../src/report/chart.ts';
import { lineChartSpec } from '../../../src/report/chart.ts';
import { sampleRun } from './sample-run.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-chart-thread-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('price charts on a worker thread', () => {
  it('writes the same index.html as one thread', async () => {
    const { header, attempts } = sampleRun();
    const one = await buildReport({ header, attempts, outDir: path.join(root, 'one'), attemptPages: false, chartThread: false });
    const two = await buildReport({ header, attempts, outDir: path.join(root, 'two'), attemptPages: false, chartThread: true });
    const html = readFileSync(two, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toBe(readFileSync(one, 'utf8'));
  }, 60_000);

  it('draws on this thread once the worker is gone, the same SVG', async () => {
    const spec = lineChartSpec([{ series: 'a', x: 1, y: 2 }, { series: 'a', x: 2, y: 3 }], { xTitle: 'x', yTitle: 'y' });
    const t = startChartThread();
    const there = await t.render(spec);
    t.close();
    await new Promise((r) => setTimeout(r, 200)); // the thread's exit is seen
    expect(await t.render(spec)).toBe(there);
    expect(there).toBe(await renderChartSvg(spec));
  }, 60_000);
});
