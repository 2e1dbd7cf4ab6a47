// `fixbench models list|prices|import-prices`: what the catalog holds, its prices, which keys are
// set, and price sheets imported from OpenRouter or LiteLLM.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { blendedUsdPerMTok } from '../pricing/cost.ts';
import { detectPriceSource, importLiteLLM, importOpenRouter, type PriceSource } from '../pricing/import.ts';
import { loadModels } from '../config/catalog.ts';
import { ExitCode, UserInputError } from '../core/errors.ts';
import { catalogFromOptions } from './common.ts';
import { priceSheetAgeWarning } from '../config/price-age.ts';
import { commandPrefix } from './hints.ts';
import { PACKAGE_ROOT } from './paths.ts';
import { textTable } from './table.ts';
import { unpricedNote } from './unpriced-hint.ts';
import { MADE_UP_PRICES } from '../pricing/illustrative.ts';
import { describeRoute } from '../config/routes.ts';

/** @throws UserInputError for an invalid models.yaml or price sheet. */
export async function modelsListCommand(o: { modelsFile?: string; prices?: string; json?: boolean }): Promise<number> {
  const c = await catalogFromOptions(o);
  const rows = c.models.map((m) => ({
    id: m.spec.id,
    model: m.spec.model,
    api: m.spec.api,
    stream: m.spec.stream,
    vendor: m.spec.vendor,
    region: m.spec.region,
    input: m.spec.input,
    api_key_env: m.spec.api_key_env,
    key_set: Boolean(process.env[m.spec.api_key_env]),
    input_usd_per_mtok: m.price?.input ?? null,
    output_usd_per_mtok: m.price?.output ?? null,
    ...(m.spec.router ? { router: true } : {}),
  }));
  const routes = c.routes.map((r) => ({ id: r.id, policy: describeRoute(r), cheap: r.cheap, strong: r.strong }));
  if (o.json) {
    process.stdout.write(JSON.stringify({ models_file: c.modelsFile, price_sheet: c.priceFile, models: rows, routes }, null, 2) + '\n');
    return ExitCode.ok;
  }
  process.stdout.write(
    textTable(
      ['id', 'upstream model', 'vendor', 'region', 'takes', 'input $/Mtok', 'output $/Mtok', 'API key'],
      rows.map((r) => [r.id, r.model, r.vendor, r.region, r.input.join('+'), r.router ? 'per served model' : (r.input_usd_per_mtok ?? 'unknown'), r.router ? 'per served model' : (r.output_usd_per_mtok ?? 'unknown'), r.key_set ? `${r.api_key_env} set` : `${r.api_key_env} unset`]),
    ),
  );
  if (routes.length) process.stdout.write(`\nstep routes (docs/routing.md):\n${textTable(['id', 'policy'], routes.map((r) => [r.id, r.policy]))}`);
  process.stdout.write(`prices: ${c.priceFile} (as of ${c.sheet.as_of})\n`);
  return ExitCode.ok;
}

/** @throws UserInputError for an invalid models.yaml or price sheet. */
export async function modelsPricesCommand(o: { modelsFile?: string; prices?: string; json?: boolean }): Promise<number> {
  const c = await catalogFromOptions(o);
  const rows = c.models.map((m) => ({
    id: m.spec.id,
    price_key: m.spec.price ?? m.spec.id,
    input: m.price?.input ?? null,
    output: m.price?.output ?? null,
    cache_read: m.price?.cache_read ?? null,
    cache_write: m.price?.cache_write ?? null,
    cache_write_1h: m.price?.cache_write_1h ?? null,
    request_usd: m.price?.request ?? null,
    tiers: m.price?.tiers ?? [],
    /** A label for comparing list prices, never used for costs. */
    blended_3_1: m.price ? blendedUsdPerMTok(m.price) : null,
    source: m.price?.source ?? null,
  }));
  const stale = priceSheetAgeWarning(c.sheet, new Date(), undefined, commandPrefix(), o.prices);
  if (stale) process.stderr.write(`warning: ${stale}\n`);
  if (o.json) {
    process.stdout.write(JSON.stringify({ file: c.priceFile, as_of: c.sheet.as_of, source: c.sheet.source, billed_at: c.sheet.billed_at ?? null, illustrative: c.sheet.illustrative === true, unit: 'USD per million tokens', models: rows }, null, 2) + '\n');
    return ExitCode.ok;
  }
  const billedAt = c.sheet.billed_at ? `billed at: ${c.sheet.billed_at} (where the vendor's price differs, the row's source says so)\n` : '';
  const made = c.sheet.illustrative ? `illustrative: yes (${MADE_UP_PRICES}, no provider's; they do not age)\n` : '';
  process.stdout.write(`price sheet: ${c.priceFile}\nas of: ${c.sheet.as_of}\nsource: ${c.sheet.source}\n${made}${billedAt}unit: USD per million tokens (blended = (3 × input + output) / 4)\n\n`);
  const u = (v: string | null, fallback: string) => v ?? fallback;
  process.stdout.write(
    textTable(
      ['id', 'input', 'output', 'cache read', 'cache write 5m', 'cache write 1h', 'per request', 'long context', 'blended 3:1'],
      rows.map((r) => [
        r.id,
        u(r.input, 'unknown'),
        u(r.output, 'unknown'),
        u(r.cache_read, r.input === null ? 'unknown' : '= input'),
        u(r.cache_write, r.input === null ? 'unknown' : '= input'),
        u(r.cache_write_1h, r.input === null ? 'unknown' : '= 5m write'),
        r.request_usd === null ? '-' : `$${r.request_usd}`,
        r.tiers.length ? r.tiers.map((t) => `>${t.above_prompt_tokens / 1000}k: ${t.input ?? '='}/${t.output ?? '='}`).join('; ') : '-',
        r.blended_3_1 === null ? 'unknown' : r.blended_3_1.toFixed(3),
      ]),
    ),
  );
  const sourced = rows.filter((r) => r.source !== null);
  if (sourced.length) process.stdout.write(`\nsources:\n${sourced.map((r) => `  ${r.id}: ${r.source}`).join('\n')}\n`);
  const unpriced = rows.filter((r) => r.input === null).map((r) => r.id);
  const note = unpricedNote({ unpriced, catalogSize: rows.length, sheetRows: Object.keys(c.sheet.models), modelsFile: c.modelsFile, priceFile: c.priceFile, prefix: commandPrefix() });
  if (note) process.stdout.write(`\n${note}\n`);
  return ExitCode.ok;
}

/** Where `import-prices` reads from by default, per format. */
export const PRICE_URLS: Record<PriceSource, string> = {
  openrouter: 'https://openrouter.ai/api/v1/models',
  litellm: 'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json',
};

/**
 * `fixbench models import-prices <source>`: reads OpenRouter `/api/v1/models` JSON or LiteLLM price
 * JSON from a file or an http(s) URL, prices every model of the catalog (by its upstream name), and
 * writes a dated price sheet in USD per million tokens.
 * @throws UserInputError for an unreadable source, a wrong shape, an implausible price, or an
 *   output file that exists without --force
 */
export async function importPricesCommand(
  source: string,
  o: { format?: PriceSource; out?: string; asOf?: string; modelsFile?: string; force?: boolean; json?: boolean },
): Promise<number> {
  const asOf = o.asOf ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))) throw new UserInputError(`--as-of ${asOf}: expected a date YYYY-MM-DD`);
  const url = /^(openrouter|litellm)$/.test(source) ? PRICE_URLS[source as PriceSource] : source;
  const text = await readSource(url);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserInputError(`${url}: not JSON (${(e as Error).message}); save the OpenRouter or LiteLLM price JSON and pass that file`, { cause: e });
  }
  const format = o.format ?? detectPriceSource(json, url);
  const specs = await loadModels(path.resolve(o.modelsFile ?? path.join(PACKAGE_ROOT, 'models.yaml')));
  const targets = specs.map((s) => ({ key: s.price ?? s.id, upstream: s.model }));
  const result = format === 'openrouter' ? importOpenRouter(json, targets, url, asOf) : importLiteLLM(json, targets, url, asOf);
  const yaml =
    `# Imported by \`fixbench models import-prices\` from ${format === 'openrouter' ? 'OpenRouter /api/v1/models' : 'LiteLLM price JSON'}.\n` +
    `# USD per million tokens, converted exactly from USD per token; null = unknown price.\n` +
    stringify(result.sheet, { lineWidth: 0 });
  if (o.out) {
    await writeFile(path.resolve(o.out), yaml, { flag: o.force ? 'w' : 'wx' }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EEXIST') throw new UserInputError(`${o.out} exists; pass --force to overwrite it, or another --out`);
      if (e.code === 'ENOENT') throw new UserInputError(`${o.out}: cannot write: the folder ${path.dirname(path.resolve(o.out!))} does not exist; create it (mkdir -p) or pass another --out`);
      throw new UserInputError(`${o.out}: cannot write (${e.code ?? e.message}); check the folder's permissions or pass another --out`, { cause: e });
    });
  }
  if (o.json) process.stdout.write(JSON.stringify({ format, source: url, out: o.out ?? null, found: result.found, missing: result.missing, sheet: result.sheet }, null, 2) + '\n');
  else if (!o.out) process.stdout.write(yaml);
  const log = (s: string) => process.stderr.write(s + '\n');
  log(`priced ${result.found.length} of ${targets.length} model(s) from ${format} (${url})${o.out ? `; wrote ${o.out}` : ''}`);
  for (const m of result.missing) log(`  ${m.key}: unknown price (${m.reason})`);
  return ExitCode.ok;
}

/** Text of a file, or of an http(s) URL (30 s timeout). @throws UserInputError naming the source. */
async function readSource(src: string): Promise<string> {
  if (/^https?:\/\//.test(src)) {
    try {
      const res = await fetch(src, { signal: AbortSignal.timeout(30_000), headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return await res.text();
    } catch (e) {
      throw new UserInputError(`${src}: cannot download (${(e as Error).message}); save the JSON from a machine with access and pass the file`, { cause: e });
    }
  }
  try {
    return await readFile(src, 'utf8');
  } catch (e) {
    throw new UserInputError(`${src}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); pass a saved OpenRouter or LiteLLM JSON file, or a URL`, { cause: e });
  }
}
