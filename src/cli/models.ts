// `fixbench models list|prices`: what the catalog holds, its prices, and which keys are set.
import { blendedUsdPerMTok } from '../pricing/cost.ts';
import { ExitCode } from '../core/errors.ts';
import { catalogFromOptions } from './common.ts';

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
  console.table(
    rows.map((r) => ({
      id: r.id,
      upstream: r.model,
      vendor: r.vendor,
      region: r.region,
      'in $/Mtok': r.input_usd_per_mtok ?? 'unknown',
      'out $/Mtok': r.output_usd_per_mtok ?? 'unknown',
      key: r.key_set ? 'set' : `unset (${r.api_key_env})`,
    })),
  );
  process.stdout.write(`prices: ${c.priceFile} (as of ${c.sheet.as_of})\n`);
  return ExitCode.ok;
}

/** @throws UserInputError for an invalid models.yaml or price sheet. */
export async function modelsPricesCommand(o: { modelsFile?: string; prices?: string }): Promise<number> {
  const c = await catalogFromOptions(o);
  process.stdout.write(`price sheet: ${c.priceFile}\nas of: ${c.sheet.as_of}\nsource: ${c.sheet.source}\nunit: USD per million tokens\n`);
  console.table(
    c.models.map((m) => ({
      id: m.spec.id,
      input: m.price?.input ?? 'unknown',
      output: m.price?.output ?? 'unknown',
      cache_read: m.price?.cache_read ?? (m.price ? '= input' : 'unknown'),
      'blended 3:1': m.price ? blendedUsdPerMTok(m.price).toFixed(3) : 'unknown',
    })),
  );
  return ExitCode.ok;
}
