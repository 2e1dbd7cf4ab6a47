// The price charts drawn on a worker thread (src/report/chart-thread.ts, chart-worker.ts): the page
// is byte-identical to the one drawn on one thread, and a chart the worker cannot give (the thread
// gone) is drawn on this thread instead.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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

  it('works in a process of its own on the built modules: the chart comes back, and the process exits once the thread is closed', () => {
    // plain node on dist/, as the CLI runs it (vitest's setup builds dist/); a thread left open would hang it (timeout)
    const script = path.join(root, 'alone.mjs');
    const built = (f: string) => JSON.stringify(pathToFileURL(path.resolve('dist/report', f)).href);
    writeFileSync(script, `import { startChartThread } from ${built('chart-thread.js')};\nimport { lineChartSpec } from ${built('chart.js')};\nconst t = startChartThread();\nconst svg = await t.render(lineChartSpec([{ series: 'a', x: 1, y: 2 }], { xTitle: 'x', yTitle: 'y' }));\nt.close();\nprocess.stdout.write(svg.slice(0, 4));\n`);
    expect(execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 })).toBe('<svg');
  }, 60_000);
});
