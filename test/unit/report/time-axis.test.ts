// The trend chart's time axis: no run on the plot's border, and runs of one day apart (newcomer17 #4).
import { describe, expect, it } from 'vitest';
import { lineChartSpec, renderChartSvg, timeAxis } from '../../../src/report/chart.ts';

const at = (iso: string): number => Date.parse(iso);

describe('timeAxis', () => {
  it('runs of one day: the domain spans the runs with padding, ticked at the first and last run with their time', () => {
    const xs = [at('2026-12-06T09:00:00Z'), at('2026-12-06T09:05:00Z')];
    const { scale, axis } = timeAxis(xs);
    expect(scale.domain[0]).toBe(at('2026-12-06T08:45:00Z'));
    expect(scale.domain[1]).toBe(at('2026-12-06T09:20:00Z'));
    // five minutes apart in a 35-minute domain: a seventh of the plot's width, not a pixel at its edge
    expect(axis).toMatchObject({ format: '%Y-%m-%d %H:%M', values: xs });
    expect(timeAxis([xs[0]!]).axis.values).toEqual([xs[0]]);
  });
  it('runs of several days: from the first midnight to the last run, padded on both sides, ticked by day', () => {
    const xs = [at('2026-04-01T02:00:00Z'), at('2026-04-02T02:00:00Z'), at('2026-04-02T02:30:00Z')];
    const { scale, axis } = timeAxis(xs);
    expect(scale.domain[0]).toBeLessThan(at('2026-04-01T00:00:00Z'));
    expect(scale.domain[1]).toBeGreaterThan(at('2026-04-02T02:30:00Z'));
    expect(axis).toMatchObject({ format: '%Y-%m-%d', values: [at('2026-04-01T00:00:00Z'), at('2026-04-02T00:00:00Z')] });
  });
  it('a rendered trend of one day labels both runs\' times and draws no point on the plot\'s edge', async () => {
    const points = [{ series: 'm', x: at('2026-12-06T09:00:00Z'), y: 40 }, { series: 'm', x: at('2026-12-06T09:05:00Z'), y: 60 }];
    const svg = await renderChartSvg(lineChartSpec(points, { xTitle: 'run started (UTC)', yTitle: 'resolved (%)', xTime: true, yDomain: [0, 100], width: 560 }));
    expect(svg).toContain('>2026-12-06 09:00</text>');
    expect(svg).toContain('>2026-12-06 09:05</text>');
  });
});
