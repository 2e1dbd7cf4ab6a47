// Option defaults shared by commands: bundled tasks, models.yaml and price sheets.
import path from 'node:path';
import { PACKAGE_ROOT } from './paths.ts';
import { loadCatalog, newestPriceSheet, type Catalog } from '../config/catalog.ts';

export const defaultTasksDir = (opt?: string): string => path.resolve(opt ?? path.join(PACKAGE_ROOT, 'tasks'));

/** Loads models.yaml and the price sheet named by the options, or the bundled defaults. */
export async function catalogFromOptions(opts: { modelsFile?: string; prices?: string }): Promise<Catalog> {
  const modelsFile = path.resolve(opts.modelsFile ?? path.join(PACKAGE_ROOT, 'models.yaml'));
  const priceFile = path.resolve(opts.prices ?? (await newestPriceSheet(path.join(PACKAGE_ROOT, 'prices'))));
  return loadCatalog(modelsFile, priceFile);
}

/** `$0.0123`-style USD; `unknown` for null. */
export function fmtUsd(v: number | null): string {
  if (v === null) return 'unknown';
  if (v === 0) return '$0';
  return v >= 1 ? `$${v.toFixed(2)}` : `$${v.toPrecision(3)}`;
}
