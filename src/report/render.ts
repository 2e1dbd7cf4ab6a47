// Renders report view models to HTML pages with handlebars: a private handlebars environment, the
// templates in `templates/` (pages `*-page.hbs` and `layout.hbs`, every other file a partial),
// escaping `{{ }}` only. Attempt pages, thousands per report, are written in TypeScript with the
// same escaping (src/report/attempt-html.ts). No file writing here.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { listBuilt, readBuilt } from '../core/built-files.ts';
import type { InertSvg } from './chart.ts';
import { REPORT_SCRIPT, REPORT_SCRIPT_CSP, SORT_SCRIPT, SORT_SCRIPT_CSP } from './sortable.ts';
import type { AttemptPageView } from './trajectory.ts';
import { attemptHtml } from './attempt-html.ts';
import type { ReportViewModel } from './view-model.ts';
import type { SiteViewModel } from './site.ts';
import { compileOptions, loadPrecompiled, PRECOMPILED_FILE } from './templates-precompiled.ts';

const TEMPLATES_DIR = new URL('./templates/', import.meta.url);

type Template = (context: unknown) => string;
type PageName = 'layout' | 'site-page';
let pages: Map<PageName, Template> | null = null;

const isPage = (name: string): boolean => name === 'layout' || name.endsWith('-page');

/**
 * The compiled pages, with every other `templates/*.hbs` registered as a partial named after its
 * file (`chart.hbs` → `{{> chart}}`). Compiled once, with `COMPILE` (templates-precompiled.ts): a template that names a field
 * the view model lacks throws instead of printing nothing. The build's precompiled template is used
 * where it was made from the same source (templates-precompiled.ts); the others compile here.
 */
function page(name: PageName): Template {
  if (!pages) {
    const hbs = Handlebars.create();
    const compiled = new Map<PageName, Template>();
    const precompiled = loadPrecompiled(TEMPLATES_DIR);
    for (const f of listBuilt(fileURLToPath(TEMPLATES_DIR)).filter((x) => x.endsWith('.hbs'))) {
      const source = readBuilt(fileURLToPath(new URL(f, TEMPLATES_DIR))).toString('utf8');
      if (source.includes('{{{')) throw new Error(`template ${f} uses triple-stash; every value must be escaped`);
      const base = f.slice(0, -'.hbs'.length);
      const spec = precompiled?.(base, source);
      const template: Template = spec ? hbs.template(spec) : hbs.compile(source, compileOptions());
      if (isPage(base)) compiled.set(base as PageName, template);
      else hbs.registerPartial(base, template);
    }
    pages = compiled;
  }
  const t = pages.get(name);
  if (!t) throw new Error(`template ${name}.hbs is missing`);
  return t;
}

/** Inert SVG charts of a page by name; null shows the chart's empty message instead. */
export type PageCharts = Record<string, InertSvg | null>;

const safeCharts = (charts: PageCharts): Record<string, Handlebars.SafeString | null> =>
  Object.fromEntries(Object.entries(charts).map(([k, v]) => [k, v === null ? null : new Handlebars.SafeString(v)]));

/**
 * The report page as an HTML string. Every view-model string is HTML-escaped by handlebars; the
 * charts — markup vega generated and {@link assertInertSvg} accepted — and the page's script (our
 * own constant, allowed by its CSP hash) are the only values inlined as is.
 */
export function renderReportHtml(vm: ReportViewModel, charts: PageCharts): string {
  return page('layout')({
    ...vm,
    charts: safeCharts(charts),
    chartSvg: charts.price ? new Handlebars.SafeString(charts.price) : null,
    chartSvgNarrow: charts.priceNarrow ? new Handlebars.SafeString(charts.priceNarrow) : null,
    script: new Handlebars.SafeString(REPORT_SCRIPT),
    scriptCsp: REPORT_SCRIPT_CSP,
  });
}

/**
 * The stylesheet every attempt page links (`templates/attempt.css`, written to `attempts/attempt.css`, allowed by the pages' CSP as
 * `'self'`): one file instead of the same CSS inline in each of thousands of pages.
 */
export const ATTEMPT_CSS = readBuilt(fileURLToPath(new URL('attempt.css', TEMPLATES_DIR))).toString('utf8');

let templateVersion: string | null = null;
/**
 * A digest of everything besides its view model that shapes an attempt page: every template file
 * (pages, partials, the stylesheet) and the handlebars version. Incremental builds
 * (src/report/attempt-pages.ts) rewrite every page when it changes. The build's precompiled copy of
 * the templates (templates-precompiled.ts) is derived from them and left out.
 */
export function attemptPageTemplateVersion(): string {
  if (!templateVersion) {
    const h = createHash('sha256').update(`handlebars ${Handlebars.VERSION}\n`);
    for (const f of listBuilt(fileURLToPath(TEMPLATES_DIR)).filter((x) => x !== PRECOMPILED_FILE).sort()) h.update(`${f}\n`).update(readBuilt(fileURLToPath(new URL(f, TEMPLATES_DIR))));
    templateVersion = h.digest('base64url');
  }
  return templateVersion;
}

/**
 * An attempt page (record + trajectory) as an HTML string; no script, everything escaped; styled by
 * {@link ATTEMPT_CSS} at `../attempt.css`. Written in TypeScript (src/report/attempt-html.ts), not a
 * template: thousands of pages per report.
 */
export function renderAttemptHtml(vm: AttemptPageView): string {
  return attemptHtml(vm);
}

/** The site index (every run, trends) as an HTML string. */
export function renderSiteHtml(vm: SiteViewModel, charts: PageCharts): string {
  return page('site-page')({ ...vm, charts: safeCharts(charts), script: new Handlebars.SafeString(SORT_SCRIPT), scriptCsp: SORT_SCRIPT_CSP });
}
