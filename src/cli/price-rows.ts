// The one check that every model a run (or its dry run) prices has a row in the price sheet (a
// `null` row for an unknown price), so a typo in a price key cannot silently make a model's cost
// unknown and lift its USD caps, and a forecast never promises what the run then refuses.
import path from 'node:path';
import { UserInputError } from '../core/errors.ts';
import type { Catalog } from '../config/catalog.ts';
import type { ModelSpec } from '../config/models.ts';
import { shellWord } from '../core/shell-quote.ts';
import { packagePath } from './user-path.ts';

/** The price sheet of the offline fake provider (`npm run fake-provider`), relative to the package root. */
export const FAKE_PROVIDER_PRICES = 'examples/fake-provider/prices.yaml';

/**
 * Refuses models with no row in `catalog.sheet` (a router prices what it serves: never refused).
 * Each line names the sheet, the row and the fix: add the row, `<key>: null`, or `--prices <file>` with a
 * sheet that has it (for a model of the fake provider, `provider: fake`: {@link FAKE_PROVIDER_PRICES}).
 * @throws UserInputError listing every model without a row.
 */
export function assertPriceRows(catalog: Pick<Catalog, 'sheet' | 'priceFile' | 'modelsFile'>, models: readonly ModelSpec[]): void {
  const noRow = [...new Set(models.filter((m) => !m.router && !Object.hasOwn(catalog.sheet.models, m.price ?? m.id)))];
  if (!noRow.length) return;
  // the fake provider's sheet is named as the fix only when it is not the sheet that lacks the rows (newcomer24 #8)
  const fakeSheet = packagePath(FAKE_PROVIDER_PRICES);
  const fake = noRow.some((m) => m.provider === 'fake') && path.resolve(catalog.priceFile) !== path.resolve(fakeSheet);
  throw new UserInputError(
    [
      ...noRow.map((m) => `${catalog.priceFile}: models: no row "${m.price ?? m.id}" for model ${m.id}${m.price ? ` (its price key in ${catalog.modelsFile})` : ''}; add the row, or "${m.price ?? m.id}: null" for an unknown price`),
      `  fix: or pass --prices <file>, a price sheet with ${noRow.length === 1 ? 'that row' : 'those rows'}${fake ? ` (the fake provider's: --prices ${shellWord(fakeSheet)})` : ' (a copy of this one with the rows added)'}`,
    ].join('\n'),
  );
}
