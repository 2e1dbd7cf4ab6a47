// The price-versus-accuracy chart (DESIGN.md §9): models, the oracle router and the best cascades on
// one log-USD axis, labels placed so none overlap (the rest numbered in a key), a tooltip (`<title>`)
// on every mark, the y range fitted to the data, one colour per model. Pure: numbers in, spec out.
import type { TopLevelSpec } from 'vega-lite';
import { logDomain, logTicks, type ChartPoint, type RoutingChartPoint } from './chart.ts';
import { paretoFrontier } from '../analysis/pareto.ts';
import { placeLabels, type LabelRequest } from './label-placement.ts';

/** Sizes of the two renderings: wide (laptop) and narrow (phone, ≤ 600 px), plot area in pixels. */
export const PRICE_CHART_SIZES = { wide: { width: 760, height: 380, fontSize: 11 }, narrow: { width: 300, height: 260, fontSize: 11 } } as const;

/** Options of {@link priceChart}. */
export interface PriceChartOptions {
  width?: number;
  height?: number;
  fontSize?: number;
  /** Colour of each model id (see `modelColours`); ids without one are grey. */
  colours?: ReadonlyMap<string, string>;
  /** Draw the cascades that are not among the best few (hidden until the reader asks; default true). The phone rendering leaves them out: the routing table lists them. */
  rest?: boolean;
}

/** A label that did not fit beside its point: its number on the chart (or none) and its text. */
export interface KeyEntry {
  number: number;
  text: string;
  /** The number is drawn on the chart (false: nothing fitted; the entry still lists it). */
  drawn: boolean;
}

export interface PriceChart {
  spec: TopLevelSpec;
  key: KeyEntry[];
}

/**
 * Y range of percentages fitted to the data (intervals and routing rates), in steps of 10, at least
 * 20 points tall, within [0, 100].
 */
export function fittedYDomain(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 100];
  let lo = Math.max(0, Math.floor((Math.min(...values) - 2) / 10) * 10);
  let hi = Math.min(100, Math.ceil((Math.max(...values) + 2) / 10) * 10);
  while (hi - lo < 20) {
    if (lo > 0) lo -= 10;
    else hi += 10;
  }
  return [lo, Math.min(100, hi)];
}

const pct = (v: number): string => `${v.toFixed(1)}%`;
const usd = (v: number): string => (v >= 1 ? `$${v.toFixed(2)}` : `$${v.toPrecision(3)}`);

/**
 * The chart's vega-lite spec and the key of numbered labels. `points` must be non-empty with every
 * usd > 0; routing points with `top: false` are drawn in the layer named `cascades_rest`, which the
 * page hides until the reader asks for every cascade (they carry no label and make no obstacle).
 */
export function priceChart(points: readonly ChartPoint[], routing: readonly RoutingChartPoint[] = [], o: PriceChartOptions = {}): PriceChart {
  const W = o.width ?? PRICE_CHART_SIZES.wide.width;
  const H = o.height ?? PRICE_CHART_SIZES.wide.height;
  const fontSize = o.fontSize ?? PRICE_CHART_SIZES.wide.fontSize;
  const domain = logDomain([...points, ...routing].map((p) => p.usd));
  const yDomain = fittedYDomain([...points.flatMap((p) => [p.lowPct, p.highPct, p.ratePct]), ...routing.map((r) => r.ratePct)]);
  const [l0, l1] = [Math.log(domain[0]), Math.log(domain[1])];
  const px = (u: number): number => (W * (Math.log(u) - l0)) / (l1 - l0);
  const py = (r: number): number => H * (1 - (r - yDomain[0]) / (yDomain[1] - yDomain[0]));
  const fromPx = (x: number): number => Math.exp(l0 + (x / W) * (l1 - l0));
  const fromPy = (y: number): number => yDomain[0] + (1 - y / H) * (yDomain[1] - yDomain[0]);

  const shown = routing.filter((r) => r.top !== false);
  const requests: LabelRequest[] = [
    ...[...points].sort((a, b) => Number(b.onFrontier) - Number(a.onFrontier) || b.ratePct - a.ratePct).map((p) => ({ key: `m:${p.id}`, text: p.id, x: px(p.usd), y: py(p.ratePct) })),
    ...shown.filter((r) => r.label !== '').map((r) => ({ key: `r:${r.id}`, text: r.label, x: px(r.usd), y: py(r.ratePct) })),
  ];
  const obstacles = [...points, ...shown].map((p) => ({ x: px(p.usd), y: py(p.ratePct) }));
  const placed = placeLabels(requests, { width: W, height: H, fontSize, obstacles });
  const key = placed.flatMap((p) => (p.number === null ? [] : [{ number: p.number, text: requests.find((r) => r.key === p.key)!.text, drawn: p.text !== null }]));
  const labels = placed.filter((p) => p.text !== null).map((p) => ({ usd: fromPx(p.x), ratePct: fromPy(p.y), text: p.text!, model: p.key.startsWith('m:'), align: p.align }));

  const x = {
    field: 'usd',
    type: 'quantitative' as const,
    title: 'mean USD per task (log scale)',
    scale: { type: 'log' as const, domain, nice: false },
    axis: { values: logTicks(domain), format: '$~g', grid: true, labelFontSize: fontSize, titleFontSize: fontSize },
  };
  const step = yDomain[1] - yDomain[0] > 60 ? 20 : 10;
  const y = {
    field: 'ratePct',
    type: 'quantitative' as const,
    title: 'resolved (% of suite tasks)',
    scale: { domain: yDomain, nice: false, clamp: true },
    axis: { values: Array.from({ length: Math.floor((yDomain[1] - yDomain[0]) / step) + 1 }, (_, i) => yDomain[0] + i * step), labelFontSize: fontSize, titleFontSize: fontSize },
  };
  const ids = points.map((p) => p.id);
  const color = { field: 'id', type: 'nominal' as const, legend: null, scale: { domain: ids, range: ids.map((id) => o.colours?.get(id) ?? '#666') } };
  const modelData = points.map((p) => ({
    ...p,
    tip: `${p.id} (${p.region}): ${pct(p.ratePct)} resolved (95% CI ${pct(p.lowPct)}–${pct(p.highPct)}), ${usd(p.usd)} per task${p.onFrontier ? '; on the Pareto frontier' : ''}`,
  }));
  const routingData = (rs: readonly RoutingChartPoint[]) => rs.map((r) => ({ ...r, size: r.kind === 'oracle' ? 160 : 45, tip: `${r.kind === 'oracle' ? 'oracle router' : r.label || r.id.replace(/^cascade:/, '').replace('>', ' → ')}: ${pct(r.ratePct)}, ${usd(r.usd)}/task` }));
  const routingShape = { field: 'kind', type: 'nominal', title: 'routing', scale: { domain: ['oracle', 'cascade'], range: ['M0,-1.2L0.35,-0.35L1.2,-0.35L0.5,0.2L0.75,1.1L0,0.55L-0.75,1.1L-0.5,0.2L-1.2,-0.35L-0.35,-0.35Z', 'diamond'] } };
  const routingSize = { field: 'size', type: 'quantitative', scale: null };
  const hidden = o.rest === false ? [] : routing.filter((r) => r.top === false);
  const frontier = points.filter((p) => p.onFrontier).sort((a, b) => a.usd - b.usd);
  const layers: unknown[] = [
    ...(hidden.length
      ? [{ name: 'cascades_rest', data: { values: routingData(hidden) }, mark: { type: 'point', filled: false, strokeWidth: 1, opacity: 0.6, color: '#888' }, encoding: { x, y, shape: { ...routingShape, legend: null }, size: routingSize, description: { field: 'tip' } } }]
      : []),
    ...(shown.length
      ? [{ name: 'routing', data: { values: routingData(shown) }, mark: { type: 'point', filled: false, strokeWidth: 1.4, opacity: 0.9, color: '#555' }, encoding: { x, y, shape: routingShape, size: routingSize, description: { field: 'tip' } } }]
      : []),
    {
      transform: [{ filter: 'datum.onFrontier' }],
      mark: { type: 'line', interpolate: 'step-after', color: '#888', strokeDash: [4, 3], strokeWidth: 1.5 },
      encoding: { x, y, order: { field: 'usd', type: 'quantitative' }, description: { value: `Pareto frontier: ${frontier.map((p) => p.id).join(', ')}` } },
    },
    { mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.6 }, encoding: { x, y: { field: 'lowPct', type: 'quantitative' }, y2: { field: 'highPct' }, color, description: { field: 'tip' } } },
    { mark: { type: 'point', filled: true, size: 70, opacity: 1 }, encoding: { x, y, color, shape: { field: 'region', type: 'nominal', title: 'region' }, description: { field: 'tip' } } },
    ...[true, false].flatMap((model) =>
      (['left', 'right', 'center'] as const).flatMap((align) => {
        const values = labels.filter((l) => l.model === model && l.align === align);
        if (!values.length) return [];
        return [{
          data: { values },
          mark: { type: 'text', align, baseline: 'middle', fontSize, aria: false, color: model ? '#222' : '#555', ...(model ? {} : { fontStyle: 'italic' }) },
          encoding: { x, y, text: { field: 'text', type: 'nominal' } },
        }];
      }),
    ),
  ];
  const spec = {
    width: W,
    height: H,
    background: 'white',
    padding: 4,
    config: { font: 'sans-serif', view: { stroke: '#ccc' }, legend: { orient: 'bottom', direction: 'horizontal', labelFontSize: fontSize, titleFontSize: fontSize } },
    data: { values: modelData },
    resolve: { scale: { shape: 'independent' } },
    layer: layers,
  } as unknown as TopLevelSpec;
  return { spec, key };
}

/**
 * Chart points judged on first attempts (attempt 0), the basis cascades are played on: each point
 * takes the rate, interval and USD per task of `firstAttempts` by id (points without one are left
 * out), and the frontier is recomputed. Percent and USD, as {@link ChartPoint}.
 */
export function firstAttemptPoints(points: readonly ChartPoint[], firstAttempts: ReadonlyArray<{ id: string; rate: number | null; interval: { low: number; high: number } | null; usdPerTask: number | null }>): ChartPoint[] {
  const by = new Map(firstAttempts.map((j) => [j.id, j]));
  const moved = points.flatMap((p) => {
    const j = by.get(p.id);
    if (!j || j.rate === null || j.usdPerTask === null || !(j.usdPerTask > 0)) return [];
    return [{ ...p, usd: j.usdPerTask, ratePct: j.rate * 100, lowPct: (j.interval?.low ?? 0) * 100, highPct: (j.interval?.high ?? 1) * 100 }];
  });
  const frontier = new Set(paretoFrontier(moved.map((p) => ({ id: p.id, usd: p.usd, rate: p.ratePct }))));
  return moved.map((p) => ({ ...p, onFrontier: frontier.has(p.id) }));
}

/** The chart's spec alone (see {@link priceChart}). */
export function priceAccuracySpec(points: readonly ChartPoint[], routing: readonly RoutingChartPoint[] = [], o: PriceChartOptions = {}): TopLevelSpec {
  return priceChart(points, routing, o).spec;
}

/**
 * Strips the per-item stroke attributes of the hidden cascades (hundreds of identical marks): the
 * page's stylesheet draws `.cascades_rest_marks path` the same way (grey outline, 60% opacity).
 */
export function compactRestCascades(svg: string): string {
  const start = svg.indexOf('class="mark-symbol role-mark cascades_rest_marks"');
  if (start < 0) return svg;
  const end = svg.indexOf('</g>', start);
  const group = svg.slice(start, end).replace(/ stroke="#888" stroke-width="1" opacity="0.6"/g, '');
  return svg.slice(0, start) + group + svg.slice(end);
}

/**
 * Adds a `<title>` (the browser's tooltip) to every mark vega drew with an ARIA label (`role=
 * "graphics-symbol"`: points, rules, the frontier line), from that label — already escaped by vega;
 * the title is then the mark's accessible name, so the ARIA attributes that would repeat it go.
 */
export function titleMarks(svg: string): string {
  return svg.replace(/<(path|line|rect|circle)(\s[^>]*?role="graphics-symbol"[^>]*?)(\/>|>\s*<\/\1>)/g, (_m, tag: string, attrs: string) => {
    const label = /aria-label="([^"]*)"/.exec(attrs)?.[1] ?? '';
    // The title is the mark's accessible name too: the ARIA label and role description would repeat it (bytes × hundreds of cascades).
    const rest = attrs.replace(/\s(aria-label|aria-roledescription|role)="[^"]*"/g, '');
    return `<${tag}${rest}><title>${label}</title></${tag}>`;
  });
}
