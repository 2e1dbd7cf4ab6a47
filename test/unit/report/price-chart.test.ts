import { describe, expect, it } from 'vitest';
import { dayTicks, renderChartSvg, roundSvgNumbers, type ChartPoint } from '../../../src/report/chart.ts';
import { modelColours, PALETTE } from '../../../src/report/colours.ts';
import { intersects, placeLabels, textWidth } from '../../../src/report/label-placement.ts';
import { markDisagreement } from '../../../src/report/matrix-filter.ts';
import { compactRestCascades, firstAttemptPoints, fittedYDomain, priceChart, titleMarks } from '../../../src/report/price-chart.ts';

const box = (l: { x: number; y: number; align: string; text: string | null }, fontSize: number) => {
  const w = textWidth(l.text ?? '', fontSize);
  const x0 = l.align === 'left' ? l.x : l.align === 'right' ? l.x - w : l.x - w / 2;
  const h = Math.ceil(fontSize * 1.2);
  return { x0, y0: l.y - h / 2, x1: x0 + w, y1: l.y + h / 2 };
};

describe('placeLabels', () => {
  it('never lets two drawn labels overlap, keeps them inside the plot and off every point; the rest get numbers', () => {
    // 12 points crowded in one corner: not every name fits.
    const pts = Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, text: `model-name-${i}`, x: 40 + (i % 4) * 12, y: 40 + Math.floor(i / 4) * 10 }));
    const o = { width: 200, height: 120, fontSize: 11, obstacles: pts };
    const placed = placeLabels(pts, o);
    const drawn = placed.filter((p) => p.text !== null).map((p) => box(p, 11));
    for (let i = 0; i < drawn.length; i++) {
      const b = drawn[i]!;
      expect(b.x0).toBeGreaterThanOrEqual(0);
      expect(b.y0).toBeGreaterThanOrEqual(0);
      expect(b.x1).toBeLessThanOrEqual(200);
      expect(b.y1).toBeLessThanOrEqual(120);
      for (let j = i + 1; j < drawn.length; j++) expect(intersects(b, drawn[j]!)).toBe(false);
      for (const p of pts) expect(intersects(b, { x0: p.x - 5, y0: p.y - 5, x1: p.x + 5, y1: p.y + 5 })).toBe(false);
    }
    const numbered = placed.filter((p) => p.number !== null);
    expect(numbered.length).toBeGreaterThan(0);
    expect(numbered.map((p) => p.number)).toEqual(numbered.map((_, i) => i + 1));
    expect(placed[0]).toMatchObject({ text: 'model-name-0', number: null }); // the first asked gets its name
  });

  it('puts a lone label to the right of its point, or ending at its left near the right edge', () => {
    expect(placeLabels([{ key: 'a', text: 'abc', x: 10, y: 50 }], { width: 300, height: 100, fontSize: 10, obstacles: [] })[0]).toMatchObject({ align: 'left', text: 'abc', x: 17 });
    expect(placeLabels([{ key: 'a', text: 'abc', x: 295, y: 50 }], { width: 300, height: 100, fontSize: 10, obstacles: [] })[0]).toMatchObject({ align: 'right', x: 288 });
  });
});

describe('price chart', () => {
  const point = (id: string, usd: number, ratePct: number): ChartPoint => ({ id, region: 'US', usd, ratePct, lowPct: ratePct - 8, highPct: ratePct + 8, onFrontier: true });

  it('fits the y range to the data in steps of 10, at least 20 points tall', () => {
    expect(fittedYDomain([52, 61, 70])).toEqual([50, 80]);
    expect(fittedYDomain([0, 3])).toEqual([0, 20]);
    expect(fittedYDomain([99, 100])).toEqual([80, 100]);
    expect(fittedYDomain([])).toEqual([0, 100]);
  });

  it('gives every mark a <title>, keeps hidden cascades in their own group, and lists numbered labels in the key', async () => {
    const points = Array.from({ length: 8 }, (_, i) => point(`a-rather-long-model-name-${i}`, 0.1 + i * 0.002, 50 + (i % 2)));
    const routing = [
      { id: 'oracle', label: 'oracle (8 models)', kind: 'oracle' as const, usd: 0.11, ratePct: 60 },
      { id: 'cascade:x>y', label: '', kind: 'cascade' as const, usd: 0.2, ratePct: 55, top: false },
    ];
    const c = priceChart(points, routing, { width: 300, height: 200 });
    expect(c.key.length).toBeGreaterThan(0);
    const svg = compactRestCascades(titleMarks(await renderChartSvg(c.spec)));
    // Every path or line directly in a data-mark group (not the labels, aria-hidden) carries a title.
    const groups = svg.split('<g class="').filter((g) => /^mark-\w+ role-mark /.test(g) && !/^[^>]*aria-hidden/.test(g));
    const marks = groups.flatMap((g) => [...g.matchAll(/<(path|line)\s[^>]*>(<title>)?/g)]);
    expect(marks.length).toBe(8 /* points */ + 8 /* error bars */ + 1 /* frontier */ + 2 /* oracle, cascade */);
    expect(marks.filter((m) => !m[2])).toEqual([]);
    expect(svg).toContain('<title>x → y: 55.0%, $0.200/task</title>');
    expect(svg).toContain('<title>oracle router: 60.0%, $0.110/task</title>');
    expect(svg).toMatch(/<title>a-rather-long-model-name-0 \(US\): 50\.0% resolved \(95% CI 42\.0%–58\.0%\), \$0\.100 per task; on the Pareto frontier<\/title>/);
    expect(svg).toMatch(/class="mark-symbol role-mark cascades_rest_marks"[^>]*><path transform="[^"]+" d="[^"]+"><title>/); // stroke comes from the page's CSS
  });

  it('moves points to their first-attempt figures and recomputes the frontier', () => {
    const moved = firstAttemptPoints([point('a', 0.1, 50), point('b', 0.2, 60), point('c', 0.3, 10)], [
      { id: 'a', rate: 0.7, interval: { low: 0.5, high: 0.8 }, usdPerTask: 0.1 },
      { id: 'b', rate: 0.6, interval: { low: 0.4, high: 0.7 }, usdPerTask: 0.2 },
      { id: 'c', rate: 0.1, interval: null, usdPerTask: null },
    ]);
    expect(moved.map((p) => [p.id, p.ratePct, p.onFrontier])).toEqual([['a', 70, true], ['b', 60, false]]);
  });
});

describe('chart helpers', () => {
  it('rounds geometry to a tenth of a pixel and leaves text alone', () => {
    expect(roundSvgNumbers('<path transform="translate(340.13813829250853,45.22222222222224)" d="M1.2345,0L2,3.14159Z"></path><text x="1.25">0.12345</text>')).toBe(
      '<path transform="translate(340.1,45.2)" d="M1.2,0L2,3.1Z"></path><text x="1.3">0.12345</text>',
    );
  });

  it('ticks nightly trends by UTC day, at most 8', () => {
    const day = 86_400_000;
    expect(dayTicks([day * 3 + 3_600_000, day * 3 + 7_200_000, day * 4 + 1])).toEqual([day * 3, day * 4]);
    expect(dayTicks(Array.from({ length: 30 }, (_, i) => i * day)).length).toBeLessThanOrEqual(8);
  });

  it('gives each model the same colour whatever the order, distinct within a set of up to 20', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `m${i}`);
    const a = modelColours(ids);
    const b = modelColours([...ids].reverse());
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
    expect(new Set(a.values()).size).toBe(20);
    for (const c of a.values()) expect(PALETTE).toContain(c);
  });

  it('marks matrix rows where the models disagree, ignoring reference agents', () => {
    const cell = (cls: 'ok' | 'fail') => ({ marks: [], text: '', href: null, cls, title: null });
    const rows = [
      { instanceId: 't1', resolvedBy: '', cells: [cell('ok'), cell('fail'), cell('ok')] },
      { instanceId: 't2', resolvedBy: '', cells: [cell('ok'), cell('ok'), cell('fail')] },
      { instanceId: 't3', resolvedBy: '', cells: [cell('fail'), cell('fail'), cell('ok')] },
    ];
    const r = markDisagreement(['a', 'b', 'gold'], rows, new Set(['a', 'b']));
    expect(r.rows.map((x) => x.disagree)).toEqual([true, false, false]);
    expect(r.disagreeing).toBe(1);
  });
});
