// The price-versus-accuracy chart (DESIGN.md §9): a vega-lite spec built from numbers (pure), rendered
// to SVG by vega at build time, and checked to be inert markup before the page inlines it.
import { createRequire } from 'node:module';
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

/** A routing strategy placed on the same chart (DESIGN.md §8): the oracle router or a two-model cascade. */
export interface RoutingChartPoint {
  id: string;
  /** Text beside the point, or "" for none (a run of 20 models has 190 cascades: only the notable ones are labelled). */
  label: string;
  kind: 'oracle' | 'cascade';
  /** Mean USD per task (> 0), every model tried costed. */
  usd: number;
  ratePct: number;
  /** Drawn by default (the best few by value); false: behind the page's "every cascade" toggle. Default true. */
  top?: boolean;
}


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

/** One point of a line chart series. */
export interface LinePoint {
  series: string;
  x: number;
  y: number;
}

/** Options of {@link lineChartSpec}. */
export interface LineChartOptions {
  xTitle: string;
  yTitle: string;
  /** Log x axis (all x must be > 0). */
  xLog?: boolean;
  /** Fixed y domain, e.g. [0, 100] for percentages. */
  yDomain?: [number, number];
  /** x axis label format (d3-format), e.g. "$~g". */
  xFormat?: string;
  /** A temporal x axis: x values are epoch milliseconds. */
  xTime?: boolean;
  /** Draw steps (`step-after`) instead of straight segments: budget curves are step functions. */
  step?: boolean;
  /** Legend title of the series. */
  seriesTitle?: string;
  /** Colour of each series id (one colour per model across charts, see `modelColours`); default: a scheme. */
  colours?: ReadonlyMap<string, string>;
  width?: number;
  height?: number;
}

/**
 * A vega-lite spec of one line per series, with points, from inline values only (budget curves,
 * context growth per step, nightly trends). `points` must be non-empty.
 */
export function lineChartSpec(points: readonly LinePoint[], o: LineChartOptions): TopLevelSpec {
  const xs = points.map((p) => p.x);
  const x = o.xTime
    ? { field: 'x', type: 'temporal' as const, title: o.xTitle, ...timeAxis(xs) }
    : {
        field: 'x',
        type: 'quantitative' as const,
        title: o.xTitle,
        scale: o.xLog ? { type: 'log' as const, domain: logDomain(xs), nice: false } : { zero: false },
        axis: { ...(o.xLog ? { values: logTicks(logDomain(xs)) } : {}), ...(o.xFormat ? { format: o.xFormat } : {}), grid: true },
      };
  const series = new Set(points.map((p) => p.series)).size;
  return {
    width: o.width ?? 520,
    height: o.height ?? 260,
    background: 'white',
    config: { font: 'sans-serif', view: { stroke: '#ccc' } },
    data: { values: points.map((p) => ({ ...p })) },
    // Per-point marks and their ARIA labels would multiply the SVG's size by the number of series.
    mark: { type: 'line', point: series <= 8 ? { size: 18, aria: false } : false, aria: false, strokeWidth: 1.5, ...(o.step ? { interpolate: 'step-after' as const } : {}) },
    encoding: {
      x,
      y: { field: 'y', type: 'quantitative', title: o.yTitle, ...(o.yDomain ? { scale: { domain: o.yDomain, nice: false } } : {}) },
      color: { field: 'series', type: 'nominal', title: o.seriesTitle ?? 'contender', scale: seriesScale(points, o.colours, series) },
      order: { field: 'x', type: o.xTime ? 'temporal' : 'quantitative' },
    },
  };
}

/**
 * The scale and axis of a temporal x (epoch ms, non-empty), widened on each side by a twentieth of
 * its span so that no point sits on the plot's border (runs of one day were drawn at its right edge).
 * Points of several days: from the first day's midnight to the last point (padding at least an hour),
 * ticked at the days' midnights ({@link dayTicks}, `YYYY-MM-DD`). Points of one day: from the first
 * point to the last (padding at least a minute, so that runs minutes apart fill the plot), ticked at
 * each run ({@link thinTicks}: every one up to 8), labelled with its time (`YYYY-MM-DD HH:MM`, UTC;
 * `HH:MM:SS` when two ticks share a minute).
 */
export function timeAxis(epochMs: readonly number[]): { scale: { type: 'utc'; domain: [number, number] }; axis: { format: string; values: number[]; labelAngle: number } } {
  const days = dayTicks(epochMs);
  const hi = Math.max(...epochMs);
  const oneDay = new Set(epochMs.map((t) => Math.floor(t / 86_400_000))).size === 1;
  const lo = oneDay ? Math.min(...epochMs) : days[0]!;
  const pad = Math.max((hi - lo) / 20, oneDay ? 60_000 : 3_600_000);
  const runs = thinTicks([...new Set(epochMs)].sort((a, b) => a - b));
  const sameMinute = new Set(runs.map((t) => Math.floor(t / 60_000))).size < runs.length;
  const axis = oneDay ? { format: sameMinute ? '%Y-%m-%d %H:%M:%S' : '%Y-%m-%d %H:%M', values: runs } : { format: '%Y-%m-%d', values: days };
  return { scale: { type: 'utc', domain: [lo - pad, hi + pad] }, axis: { ...axis, labelAngle: -30 } };
}

/** Midnight UTC of each distinct day of `epochMs`, thinned to at most 8 evenly spaced ticks (date ticks for nightly runs, never hours). */
export function dayTicks(epochMs: readonly number[]): number[] {
  return thinTicks([...new Set(epochMs.map((t) => Math.floor(t / 86_400_000) * 86_400_000))].sort((a, b) => a - b));
}

/** `sorted` (ascending, distinct) when it has at most 8 values; else at most 8 evenly spaced of them, the first included. */
function thinTicks(sorted: readonly number[]): number[] {
  if (sorted.length <= 8) return [...sorted];
  const step = Math.ceil((sorted.length - 1) / 7);
  return sorted.filter((_, i) => i % step === 0);
}

function seriesScale(points: readonly LinePoint[], colours: ReadonlyMap<string, string> | undefined, count: number): Record<string, unknown> {
  if (!colours) return { scheme: count > 10 ? 'category20' : 'tableau10' };
  const ids = [...new Set(points.map((p) => p.series))];
  return { domain: ids, range: ids.map((id) => colours.get(id) ?? '#666') };
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

const GEOMETRY_ATTR = /\s(d|transform|x|y|x1|x2|y1|y2|width|height|points)="([^"]*)"/g;

/**
 * Rounds the numbers of geometry attributes (`d`, `transform`, `x`, `y`, …) to 1 decimal (a tenth of a pixel): vega
 * writes 15-digit floats (`translate(340.13813829250853,45.22222222222224)`), a fifth of a large
 * chart's bytes, for precision no screen shows. Text and other attributes are left alone.
 */
export function roundSvgNumbers(svg: string): string {
  return svg.replace(GEOMETRY_ATTR, (_m, name: string, value: string) => ` ${name}="${value.replace(/-?\d+\.\d{2,}/g, (n) => String(Math.round(Number(n) * 10) / 10))}"`);
}

let vegaModules: { vega: typeof import('vega'); vl: typeof import('vega-lite') } | null = null;

/**
 * vega and vega-lite, loaded on the first chart only: they are the largest part of the CLI's
 * start-up (bench/RESULTS.md, overhead), and a run of the reference agents alone draws no chart.
 * Both are CommonJS packages: loaded by `require`, not `import()`, which would first run Node's
 * CommonJS export scan over their sources (~0.1–0.2 s of a report, bench/RESULTS.md idx6).
 */
function loadVega(): { vega: typeof import('vega'); vl: typeof import('vega-lite') } {
  if (!vegaModules) {
    const require = createRequire(import.meta.url);
    vegaModules = { vega: require('vega') as typeof import('vega'), vl: require('vega-lite') as typeof import('vega-lite') };
  }
  return vegaModules;
}

/** Loads vega and vega-lite now (as the first chart would): for a caller with idle time before its charts (the report's scan waiting for its worker). */
export function preloadCharts(): void {
  loadVega();
}

/** Renders a vega-lite spec to SVG with vega (headless, no canvas, no network), checked by {@link assertInertSvg}. */
export async function renderChartSvg(spec: TopLevelSpec): Promise<InertSvg> {
  const { vega, vl } = loadVega();
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return assertInertSvg(roundSvgNumbers(await view.toSVG()));
  } finally {
    view.finalize();
  }
}
