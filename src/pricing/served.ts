// Prices a call by the model that served it (docs/routing.md): a router entry's replies name the
// model that answered, and the call is billed at that model's row of the price sheet. Pure.
import type { ModelSpec } from '../config/models.ts';
import type { PriceRow, PriceSheet } from '../config/prices.ts';

/** The sheet row a served model is priced at: its key in the sheet and the row (USD per million tokens). */
export interface ServedPrice {
  key: string;
  row: PriceRow;
}

/** Finds the price of a served model name (as a reply's `model` field gives it); null = not in the sheet (unknown cost). */
export type ServedPricer = (served: string) => ServedPrice | null;

/**
 * A pricer over `sheet` and the catalog `models`. A served name is matched, in order: (1) a sheet
 * row keyed by the name itself (e.g. `anthropic/claude-sonnet-4.5: {…}`); (2) the row of the catalog
 * model whose upstream `model` is the name (its `price` key, else its id); (3) the same two with a
 * trailing date or version suffix OpenAI-style APIs add (`-2025-08-07`, `-20250929`) removed. A row
 * that is `null` in the sheet, or no match, gives null: the call's cost is unknown, never 0.
 */
export function servedPricer(models: readonly ModelSpec[], sheet: Pick<PriceSheet, 'models'>): ServedPricer {
  const byUpstream = new Map<string, string>();
  for (const m of models) if (!byUpstream.has(m.model)) byUpstream.set(m.model, m.price ?? m.id);
  const find = (name: string): ServedPrice | null => {
    for (const key of [name, byUpstream.get(name)]) {
      if (key === undefined || !Object.hasOwn(sheet.models, key)) continue;
      const row = sheet.models[key];
      return row ? { key, row } : null;
    }
    return null;
  };
  return (served) => {
    const exact = find(served);
    if (exact) return exact;
    const undated = served.replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, '');
    return undated !== served ? find(undated) : null;
  };
}
