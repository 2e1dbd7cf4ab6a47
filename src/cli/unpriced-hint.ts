// What `models prices` says of the catalog's models that have no row in the price sheet.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** `file` as the user would type it from the working directory: relative when inside it, else absolute. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/**
 * The note under `models prices`' table, or null when every model is priced. `unpriced`: the
 * catalog's model ids without a row; `catalogSize`: how many models the catalog has; `sheetRows`:
 * the sheet's own row keys; `modelsFile`, `priceFile`: absolute paths. When no model of the catalog
 * has a row and the sheet has rows, the sheet was written for another catalog: the note says so
 * and names `--models-file` (with the models.yaml beside the sheet, when there is one, e.g.
 * examples/fake-provider/); otherwise it lists the unpriced models and how to add their prices.
 */
export function unpricedNote(o: { unpriced: readonly string[]; catalogSize: number; sheetRows: readonly string[]; modelsFile: string; priceFile: string; prefix: string }): string | null {
  if (o.unpriced.length === 0) return null;
  if (o.unpriced.length === o.catalogSize && o.sheetRows.length > 0) {
    const beside = path.join(path.dirname(o.priceFile), 'models.yaml');
    const models = existsSync(beside) && beside !== o.modelsFile ? ` --models-file ${shown(beside)}` : ' --models-file <its models.yaml>';
    return `none of the ${o.catalogSize} model(s) of ${shown(o.modelsFile)} has a row in this sheet (its rows: ${o.sheetRows.join(', ')}): it prices another catalog; show that one with \`${o.prefix} models prices --prices ${shown(o.priceFile)}${models}\``;
  }
  return `no price in this sheet: ${o.unpriced.join(', ')} (their cost shows as "unknown"; add rows or run \`${o.prefix} models import-prices openrouter\`)`;
}
