import { describe, expect, it } from 'vitest';
import { assertInertSvg, logDomain, logTicks, renderChartSvg, type ChartPoint } from '../../../src/report/chart.ts';
import { fittedYDomain, priceAccuracySpec } from '../../../src/report/price-chart.ts';

const point = (id: string, usd: number, ratePct: number, over: Partial<ChartPoint> = {}): ChartPoint => ({
  id,
  region: 'US',
  usd,
  ratePct,
  lowPct: Math.max(0, ratePct - 10),
  highPct: Math.min(100, ratePct + 10),
  onFrontier: true,
  ...over,
});

describe('logDomain', () => {
  it('widens the USD range by a factor of 2 on each side', () => {
    expect(logDomain([0.01, 0.4])).toEqual([0.005, 0.8]);
  });

  it('refuses zero or negative USD, which a log axis cannot show', () => {
    expect(() => logDomain([0, 0.1])).toThrow(RangeError);
    expect(() => logDomain([])).toThrow(RangeError);
  });
});

describe('logTicks', () => {
  it('uses the 1-2-5 sequence inside the domain', () => {
    expect(logTicks([0.005, 0.8])).toEqual([0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]);
  });

  it('gives at least one tick for a single point (domain factor 4)', () => {
    expect(logTicks([0.15, 0.6]).length).toBeGreaterThanOrEqual(1);
  });

  it('falls back to powers of ten over a wide range', () => {
    expect(logTicks([0.0001, 100])).toEqual([0.0001, 0.001, 0.01, 0.1, 1, 10, 100]);
  });
});

describe('priceAccuracySpec', () => {
  it('puts USD on a log x scale and resolved % on a range fitted to the intervals, with inline data only', () => {
    const spec = priceAccuracySpec([point('a', 0.01, 30), point('b', 0.2, 60)]) as unknown as Record<string, unknown>;
    const json = JSON.stringify(spec);
    expect(json).toContain('"type":"log"');
    const lows = [point('a', 0.01, 30), point('b', 0.2, 60)].flatMap((p) => [p.lowPct, p.highPct]);
    expect(json).toContain(`"domain":${JSON.stringify(fittedYDomain(lows))}`);
    expect(fittedYDomain(lows)).not.toEqual([0, 100]);
    expect(json).toContain('"interpolate":"step-after"');
    expect(json).not.toMatch(/"url"\s*:/);
  });
});

describe('renderChartSvg', () => {
  it('renders an SVG with a log x axis, tick labels in USD and one label per point', async () => {
    const svg = await renderChartSvg(priceAccuracySpec([point('cheap', 0.01, 30), point('dear', 0.2, 60, { region: 'CN' })]));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('for a log scale');
    expect(svg).toContain('>$0.01</text>');
    expect(svg).toContain('>$0.1</text>');
    expect(svg).toContain('>cheap</text>');
    expect(svg).toContain('>dear</text>');
  });

  it('escapes quotes, ampersands and angle brackets of labels (vega escapes, the inert check passes)', async () => {
    const svg = await renderChartSvg(priceAccuracySpec([point(`a" onload="alert(1)' & <b>`, 0.1, 50, { region: '<i>EU</i>' })]));
    expect(svg).toContain('aria-label="a&quot; onload=&quot;alert(1)');
    expect(svg).toContain('&amp; &lt;b&gt;</text>');
    expect(svg).toContain('>&lt;i&gt;EU&lt;/i&gt;</text>');
    expect(svg).not.toContain('<b>');
  });

  it('is deterministic: the same points give the same bytes', async () => {
    const spec = priceAccuracySpec([point('a', 0.03, 40)]);
    expect(await renderChartSvg(spec)).toBe(await renderChartSvg(spec));
  });
});

describe('assertInertSvg', () => {
  const ok = '<svg xmlns="http://www.w3.org/2000/svg" width="10"><g><text x="1">a &lt;b&gt;</text><path d="M0,0" clip-path="url(#c1)"/></g></svg>';

  it('accepts plain drawing markup with escaped text and fragment references', () => {
    expect(assertInertSvg(ok)).toBe(ok);
  });

  it.each([
    ['a script element', '<svg><script>alert(1)</script></svg>'],
    ['an event handler', '<svg><g onload="alert(1)"></g></svg>'],
    ['an external href', '<svg><a href="https://example.com"><text>x</text></a></svg>'],
    ['an external url()', '<svg><rect fill="url(https://example.com/x.svg#p)"/></svg>'],
    ['a foreignObject', '<svg><foreignObject><div/></foreignObject></svg>'],
    ['an unescaped < in text', '<svg><text>a < b</text></svg>'],
    ['an unquoted attribute', '<svg><g onload=alert(1)></g></svg>'],
    ['something other than an svg', '<div></div>'],
  ])('rejects %s', (_name, svg) => {
    expect(() => assertInertSvg(svg)).toThrow(/chart SVG/);
  });
});
