// The age of a price sheet: list prices move (OpenRouter's defaults moved by half within a quarter,
// prices/2026-06-30.yaml), so costs from an old sheet are flagged where they are shown.

import type { PriceRow } from './prices.ts';

/**
 * What the age checks read of a sheet: its `as_of` (YYYY-MM-DD) and its made-up marker (a
 * `PriceSheet` or a run header's `price_sheet`). An illustrative sheet's prices are no provider's,
 * so they never age: every check below is null for it, whatever the date.
 */
export type DatedSheet = { as_of: string; illustrative?: true };

/** A sheet dated more than this many days before today gets a warning. */
export const STALE_PRICE_DAYS = 90;

/**
 * One line warning that `sheet` (dated `as_of`, YYYY-MM-DD) is more than {@link STALE_PRICE_DAYS}
 * whole days older than `today` (UTC), with how to get a newer one; `then`, when given, is appended
 * (e.g. how to re-price a stored run). `prefix`: the words that start fixbench in the command it
 * gives (the CLI passes src/cli/hints.ts `commandPrefix()`). `given`: the sheet passed with
 * `--prices` (then the warning names that file and its as_of, and asks for a newer one rather than
 * offering `--prices` again); absent for the default newest prices/<date>.yaml. Null for a recent
 * or illustrative sheet, or a date that does not parse.
 */
export function priceSheetAgeWarning(sheet: DatedSheet, today: Date = new Date(), then?: string, prefix = 'fixbench', given?: string): string | null {
  const days = staleDays(sheet, today);
  const asOf = sheet.as_of;
  if (days === null) return null;
  const newer = importCommand(prefix, today);
  if (given !== undefined) return `prices dated ${asOf} are ${days} days old; add a newer sheet: ${newer} and pass it instead of --prices ${given} (its as_of: ${asOf})${then ? `; ${then}` : ''}`;
  return `prices dated ${asOf} are ${days} days old; add a newer sheet: ${newer} (runs use the newest prices/<date>.yaml), or pass --prices <file>${then ? `; ${then}` : ''}`;
}

/**
 * The warning for a resumed run (`run --resume` / `--retry-errors`) whose `sheet` (dated `as_of`) is more
 * than {@link STALE_PRICE_DAYS} days old (newcomer13 #6). A resume keeps the sheet the run started
 * with (another `--prices` is refused), so the advice is to re-price the run's report once it
 * finishes: `reprice`, the `report <run> --prices <newer sheet>` command (in backticks), and how to
 * get a newer sheet. `prefix` as for {@link priceSheetAgeWarning}. Null for a recent or illustrative sheet or a date that does not parse.
 */
export function resumedSheetAgeWarning(sheet: DatedSheet, today: Date, reprice: string, prefix = 'fixbench'): string | null {
  const days = staleDays(sheet, today);
  if (days === null) return null;
  return `this run's prices (dated ${sheet.as_of}) are ${days} days old; a resume keeps the sheet the run started with, so its costs stay at those prices; once it finishes, see them at newer prices with ${reprice} (a newer sheet: ${importCommand(prefix, today)})`;
}

/**
 * The information line (not a warning) for a sheet the user picked on purpose to re-price a stored
 * run (`report --prices <file>`: to see a run at another date's prices is what it is for), when
 * `sheet.as_of` is more than {@link STALE_PRICE_DAYS} whole days before `today`: that the costs shown are
 * that sheet's, its age, and the command for today's prices. Null for a recent or illustrative sheet
 * or a date that does not parse. `file`: the sheet as given; `prefix` as for {@link priceSheetAgeWarning}.
 */
export function chosenSheetAgeNote(sheet: DatedSheet, file: string, today: Date = new Date(), prefix = 'fixbench'): string | null {
  const days = staleDays(sheet, today);
  if (days === null) return null;
  return `the costs shown are those of ${file} (as of ${sheet.as_of}, ${days} days ago), as asked; for today's prices: ${importCommand(prefix, today)}`;
}

/** Whole days `sheet.as_of` (YYYY-MM-DD) lies before `today` (UTC) when more than {@link STALE_PRICE_DAYS}; else (an illustrative sheet, or unparsable) null. */
function staleDays(sheet: DatedSheet, today: Date): number | null {
  if (sheet.illustrative) return null;
  const dated = Date.parse(`${sheet.as_of}T00:00:00Z`);
  if (Number.isNaN(dated)) return null;
  const days = Math.floor((Date.parse(`${today.toISOString().slice(0, 10)}T00:00:00Z`) - dated) / 86_400_000);
  return days > STALE_PRICE_DAYS ? days : null;
}

/** The command that writes today's sheet, quoted in backticks. */
const importCommand = (prefix: string, today: Date): string => `\`${prefix} models import-prices openrouter --out prices/${today.toISOString().slice(0, 10)}.yaml\``;

/**
 * Whether `row` prices every token and request at 0 (a local model's row, e.g. `input: "0",
 * output: "0"`): its costs do not age, so no staleness warning is due for it. False for null
 * (an unknown price).
 */
export function freeRow(row: PriceRow | null): boolean {
  if (!row) return false;
  const prices = [row, ...(row.tiers ?? [])].flatMap((r) => [r.input, r.output, r.cache_read, r.cache_write, r.cache_write_1h]);
  return [...prices, row.request].every((p) => p === undefined || Number(p) === 0);
}
