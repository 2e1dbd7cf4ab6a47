// The price-versus-accuracy chart (DESIGN.md §9): a vega-lite spec built from numbers (pure), rendered
// to SVG by vega at build time, and checked to be inert markup before the page inlines it.
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/** One plotted contender. Units: USD (mean per task, > 0), percent (0–100). */
export interface ChartPoint {
  id: string;
  /** Region label for the colour ("unknown region" when the header has none). */
  region: string;
  usd: number;
  ratePct: number;
  lowPct: number;
  highPct: number;
  onFrontier: boolean;
}

/** Width and height of the plot area, pixels (axes, labels and legend add to it). */
export const CHART_SIZE = { width: 600, height: 340 } as const;

/**
 * X domain of the log axis: the points' USD range widened by a factor of 2 on each side, so that a
 * single point still gets ticks and no point sits on the frame. Requires every usd > 0.
 */
export function logDomain(usds: readonly number[]): [number, number] {
  if (usds.length === 0 || usds.some((u) => !(u > 0) || !Number.isFinite(u))) {
    throw new RangeError('logDomain: need at least one finite USD value > 0');
  }
  return [Math.min(...usds) / 2, Math.max(...usds) * 2];
}

/**
 * Tick values of a log axis over `[lo, hi]`: the 1-2-5 sequence (…, 0.01, 0.02, 0.05, 0.1, …), or
 * powers of ten alone when that gives more than 10 ticks. A domain spanning a factor ≥ 2.5 always
 * holds at least one 1-2-5 value.
 */
export function logTicks([lo, hi]: [number, number]): number[] {
  const ticks = (mantissas: number[]): number[] => {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)) + 1; e++) {
      for (const m of mantissas) {
        // Round to 12 significant digits so 0.1·3 noise never reaches a label.
        const v = Number((m * 10 ** e).toPrecision(12));
        if (v >= lo && v <= hi) out.push(v);
      }
    }
    return out;
  };
  const fine = ticks([1, 2, 5]);
  return fine.length > 10 ? ticks([1]) : fine;
}

/**
 * The vega-lite spec of the chart: x = mean USD per task on a log axis, y = resolved % (0–100),
 * Wilson 95% error bars, points coloured by region and labelled with the contender id, and the
 * Pareto frontier as a step line (`step-after`: a frontier holds its rate until the next, costlier
 * frontier point). Data are inline values only; the spec references no URL. `points` must be
 * non-empty with every usd > 0.
 */
export function priceAccuracySpec(points: readonly ChartPoint[]): TopLevelSpec {
  const domain = logDomain(points.map((p) => p.usd));
  const x = {
    field: 'usd',
    type: 'quantitative' as const,
    title: 'mean USD per task (log scale)',
    scale: { type: 'log' as const, domain, nice: false },
    axis: { values: logTicks(domain), format: '$~g', grid: true },
  };
  const y = {
    field: 'ratePct',
    type: 'quantitative' as const,
    title: 'resolved (% of suite tasks)',
    scale: { domain: [0, 100], nice: false },
    axis: { values: [0, 20, 40, 60, 80, 100] },
  };
  const color = { field: 'region', type: 'nominal' as const, title: 'region', scale: { scheme: 'tableau10' } };
  return {
    width: CHART_SIZE.width,
    height: CHART_SIZE.height,
    background: 'white',
    config: { font: 'sans-serif', view: { stroke: '#ccc' } },
    data: { values: points.map((p) => ({ ...p })) },
    layer: [
      {
        transform: [{ filter: 'datum.onFrontier' }],
        mark: { type: 'line', interpolate: 'step-after', color: '#888', strokeDash: [4, 3], strokeWidth: 1.5 },
        encoding: { x, y, order: { field: 'usd', type: 'quantitative' } },
      },
      {
        mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.6 },
        encoding: { x, y: { field: 'lowPct', type: 'quantitative' }, y2: { field: 'highPct' }, color },
      },
      {
        mark: { type: 'point', filled: true, size: 70, opacity: 1 },
        encoding: { x, y, color },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 6, dy: -4, fontSize: 11, color: '#222' },
        encoding: { x, y, text: { field: 'id', type: 'nominal' } },
      },
    ],
  };
}

/** SVG markup that {@link assertInertSvg} accepted: no script, no event handler, no external reference. */
export type InertSvg = string & { readonly __brand: 'InertSvg' };

const ALLOWED_ELEMENTS = new Set([
  'svg', 'g', 'path', 'rect', 'line', 'circle', 'ellipse', 'polygon', 'polyline', 'text', 'tspan',
  'title', 'desc', 'defs', 'clipPath', 'linearGradient', 'radialGradient', 'stop',
]);
const TAG = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>/y;
const ATTR = /\s+([A-Za-z_:][\w:.-]*)="([^"<]*)"/g;

/**
 * Checks that `svg` is plain drawing markup before it is inlined unescaped: every `<` opens a
 * well-formed tag of an allowed element (no `script`, `foreignObject`, `image`, `use`, `a`, `style`),
 * every attribute is double-quoted, none is an event handler (`on…`), and no `href` or `url(…)`
 * points anywhere but a fragment (`#id`). Text and attribute values must already be escaped (vega
 * escapes them); a raw `<` in either fails the check.
 *
 * @throws Error (our bug, not the user's) naming the first offending tag or attribute.
 */
export function assertInertSvg(svg: string): InertSvg {
  if (!svg.startsWith('<svg')) throw new Error('chart SVG: does not start with <svg');
  let pos = 0;
  for (;;) {
    const at = svg.indexOf('<', pos);
    if (at < 0) break;
    TAG.lastIndex = at;
    const m = TAG.exec(svg);
    if (!m) throw new Error(`chart SVG: malformed or unexpected markup at ${at}: ${svg.slice(at, at + 60)}`);
    const name = m[2] ?? '';
    if (!ALLOWED_ELEMENTS.has(name)) throw new Error(`chart SVG: element <${name}> is not allowed`);
    for (const a of (m[3] ?? '').matchAll(ATTR)) {
      const attr = (a[1] ?? '').toLowerCase();
      const value = a[2] ?? '';
      if (attr.startsWith('on')) throw new Error(`chart SVG: event handler attribute ${attr} on <${name}>`);
      if ((attr === 'href' || attr.endsWith(':href')) && !value.startsWith('#')) {
        throw new Error(`chart SVG: ${attr} on <${name}> points outside the document`);
      }
      for (const u of value.matchAll(/url\(\s*['"]?([^)'"]*)/gi)) {
        if (!(u[1] ?? '').startsWith('#')) throw new Error(`chart SVG: url(${u[1]}) in ${attr} on <${name}>`);
      }
    }
    pos = TAG.lastIndex;
  }
  return svg as InertSvg;
}

/** Renders a vega-lite spec to SVG with vega (headless, no canvas, no network), checked by {@link assertInertSvg}. */
export async function renderChartSvg(spec: TopLevelSpec): Promise<InertSvg> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return assertInertSvg(await view.toSVG());
  } finally {
    view.finalize();
  }
}
