// Renders a report view model to one HTML page with handlebars: a private handlebars environment, the
// templates in `templates/` (layout + partials), escaping `{{ }}` only. No file writing here.
import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { InertSvg } from './chart.ts';
import type { ReportViewModel } from './view-model.ts';

const TEMPLATES_DIR = new URL('./templates/', import.meta.url);

type Template = (context: unknown) => string;
let compiled: Template | null = null;

/**
 * The compiled layout, with every other `templates/*.hbs` registered as a partial named after its
 * file (`chart.hbs` → `{{> chart}}`). Compiled once, in strict mode: a template that names a field
 * the view model lacks throws instead of printing nothing.
 */
function layout(): Template {
  if (compiled) return compiled;
  const hbs = Handlebars.create();
  const files = readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.hbs'));
  for (const f of files) {
    const source = readFileSync(new URL(f, TEMPLATES_DIR), 'utf8');
    if (source.includes('{{{')) throw new Error(`template ${f} uses triple-stash; every value must be escaped`);
    if (f !== 'layout.hbs') hbs.registerPartial(f.slice(0, -'.hbs'.length), hbs.compile(source, { strict: true }));
  }
  compiled = hbs.compile(readFileSync(new URL('layout.hbs', TEMPLATES_DIR), 'utf8'), { strict: true });
  return compiled;
}

/**
 * The report page as an HTML string. Every view-model string is HTML-escaped by handlebars;
 * `chartSvg` — markup vega generated and {@link assertInertSvg} accepted — is the one value inlined
 * as is (a `SafeString`), and null shows the chart's empty message instead.
 */
export function renderReportHtml(vm: ReportViewModel, chartSvg: InertSvg | null): string {
  return layout()({ ...vm, chartSvg: chartSvg === null ? null : new Handlebars.SafeString(chartSvg) });
}
