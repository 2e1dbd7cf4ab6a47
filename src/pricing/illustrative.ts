// How fixbench labels a USD figure computed with an illustrative price sheet (`illustrative: true`,
// src/config/prices.ts `PriceSheet`: made-up prices, e.g. the offline demo's), wherever it shows one:
// the run's summary lines, the report and its attempt pages, `models prices`, `compare --markdown`,
// `history` and the site index.

/** The label's words. */
export const MADE_UP_PRICES = 'made-up prices';

/** What a report of such a run says above its figures (src/report/templates/run-header.hbs). */
export const ILLUSTRATIVE_PAGE_NOTE = "Illustrative prices: the sheet's prices are made up, no provider's; read no cost on this page as real.";

/**
 * ` (made-up prices)`, to follow a USD figure, when `sheet` (a `PriceSheet` or a run header's
 * `price_sheet`) is illustrative; `''` otherwise (a real sheet, or none).
 */
export function madeUpTag(sheet: { illustrative?: boolean } | null | undefined): string {
  return sheet?.illustrative ? ` (${MADE_UP_PRICES})` : '';
}
