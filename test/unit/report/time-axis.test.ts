// The trend chart's time axis: no run on the plot's border, and runs of one day apart (newcomer17 #4).
import { describe, expect, it } from 'vitest';
import { lineChartSpec, renderChartSvg, timeAxis } from '../../../src/report/chart.ts';

const at = (iso: string): number => Date.parse(iso);

describe('timeAxis', () => {
  it('runs of one day: the domain spans the runs with padding relative to their span, ticked at each run with its time', () => {
    const xs = [at('2026-12-06T09:00:00Z'), at('2026-12-06T09:02:00Z'), at('2026-12-06T09:05:00Z')];
    const { scale, axis } = timeAxis(xs);
    // runs five minutes apart: padded by the one-minute floor, so they fill 5/7 of the plot's width
    expect(scale.domain).toEqual([at('2026-12-06T08:59:00Z'), at('2026-12-06T09:06:00Z')]);
    expect(axis).toMatchObject({ format: '%Y-%m-%d %H:%M', values: xs });
    // a span of hours: a twentieth of it on each side
    const wide = timeAxis([at('2026-12-06T01:00:00Z'), at('2026-12-06T21:00:00Z')]).scale.domain;
    expect(wide).toEqual([at('2026-12-06T00:00:00Z'), at('2026-12-06T22:00:00Z')]);
    expect(timeAxis([xs[0]!]).axis.values).toEqual([xs[0]]);
    // runs seconds apart are told apart by their labels
    expect(timeAxis([at('2026-12-06T09:00:05Z'), at('2026-12-06T09:00:40Z')]).axis.format).toBe('%Y-%m-%d %H:%M:%S');
    // more than 8 runs: at most 8 ticks, evenly spaced
    const many = Array.from({ length: 20 }, (_, i) => at('2026-12-06T09:00:00Z') + i * 60_000);
    expect(timeAxis(many).axis.values.length).toBeLessThanOrEqual(8);
  });
  it('runs of several days: from the first midnight to the last run, padded on both sides, ticked by day', () => {
    const xs = [at('2026-04-01T02:00:00Z'), at('2026-04-02T02:00:00Z'), at('2026-04-02T02:30:00Z')];
    const { scale, axis } = timeAxis(xs);
    expect(scale.domain[0]).toBeLessThan(at('2026-04-01T00:00:00Z'));
    expect(scale.domain[1]).toBeGreaterThan(at('2026-04-02T02:30:00Z'));
    expect(axis).toMatchObject({ format: '%Y-%m-%d', values: [at('2026-04-01T00:00:00Z'), at('2026-04-02T00:00:00Z')] });
  });
  it('a rendered trend of one day labels every run\'s time', async () => {
    const points = [{ series: 'm', x: at('2026-12-06T09:00:00Z'), y: 40 }, { series: 'm', x: at('2026-12-06T09:02:00Z'), y: 50 }, { series: 'm', x: at('2026-12-06T09:05:00Z'), y: 60 }];
    const svg = await renderChartSvg(lineChartSpec(points, { xTitle: 'run started (UTC)', yTitle: 'resolved (%)', xTime: true, yDomain: [0, 100], width: 560 }));
    expect(svg).toContain('>2026-12-06 09:00</text>');
    expect(svg).toContain('>2026-12-06 09:02</text>');
    expect(svg).toContain('>2026-12-06 09:05</text>');
  });
});
