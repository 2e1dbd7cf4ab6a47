// `fixbench models list|prices`: what the catalog holds, its prices, and which keys are set.
import { blendedUsdPerMTok } from '../pricing/cost.ts';
import { ExitCode } from '../core/errors.ts';
import { catalogFromOptions } from './common.ts';
import { textTable } from './table.ts';

/** @throws UserInputError for an invalid models.yaml or price sheet. */
export async function modelsListCommand(o: { modelsFile?: string; prices?: string; json?: boolean }): Promise<number> {
  const c = await catalogFromOptions(o);
  const rows = c.models.map((m) => ({
    id: m.spec.id,
    model: m.spec.model,
    vendor: m.spec.vendor,
    region: m.spec.region,
    api_key_env: m.spec.api_key_env,
    key_set: Boolean(process.env[m.spec.api_key_env]),
    input_usd_per_mtok: m.price?.input ?? null,
    output_usd_per_mtok: m.price?.output ?? null,
  }));
  if (o.json) {
    process.stdout.write(JSON.stringify({ models_file: c.modelsFile, price_sheet: c.priceFile, models: rows }, null, 2) + '\n');
    return ExitCode.ok;
  }
  process.stdout.write(
    textTable(
      ['id', 'upstream model', 'vendor', 'region', 'input $/Mtok', 'output $/Mtok', 'API key'],
      rows.map((r) => [r.id, r.model, r.vendor, r.region, r.input_usd_per_mtok ?? 'unknown', r.output_usd_per_mtok ?? 'unknown', r.key_set ? `${r.api_key_env} set` : `${r.api_key_env} unset`]),
    ),
  );
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
    blended_3_1: m.price ? blendedUsdPerMTok(m.price) : null,
  }));
  if (o.json) {
    process.stdout.write(JSON.stringify({ file: c.priceFile, as_of: c.sheet.as_of, source: c.sheet.source, unit: 'USD per million tokens', models: rows }, null, 2) + '\n');
    return ExitCode.ok;
  }
  process.stdout.write(`price sheet: ${c.priceFile}\nas of: ${c.sheet.as_of}\nsource: ${c.sheet.source}\nunit: USD per million tokens (blended = (3 × input + output) / 4)\n\n`);
  const u = (v: string | null, fallback: string) => v ?? fallback;
  process.stdout.write(
    textTable(
      ['id', 'input', 'output', 'cache read', 'cache write', 'blended 3:1'],
      rows.map((r) => [
        r.id,
        u(r.input, 'unknown'),
        u(r.output, 'unknown'),
        u(r.cache_read, r.input === null ? 'unknown' : '= input'),
        u(r.cache_write, r.input === null ? 'unknown' : '= input'),
        r.blended_3_1 === null ? 'unknown' : r.blended_3_1.toFixed(3),
      ]),
    ),
  );
  return ExitCode.ok;
}
