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
