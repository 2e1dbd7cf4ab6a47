// Help layout shared by every command: commander wraps an item's description beside its term only
// when at least `minWidthToWrap` (40) columns are left; with a long term (`fetch [options]
// <suite-file> [ids...]`) it printed the description unwrapped, lines of hundreds of characters.
// Such a description goes on the lines below its term instead, wrapped to the help width.
import { Help } from 'commander';

/** Columns a description is indented by when it goes below its term. */
const BELOW_INDENT = 6;

/**
 * commander's `formatItem`, but a description with too little room beside its term is wrapped to
 * the help width (the terminal's, else 80 columns) on the lines below the term, indented by 6.
 */
export function formatItem(this: Help, term: string, termWidth: number, description: string, helper: Help): string {
  const width = this.helpWidth ?? 80;
  // commander's own layout: 2 columns of indent, the padded term, 2 columns of space
  if (!description || width - termWidth - 4 >= this.minWidthToWrap || helper.preformatted(description)) {
    return Help.prototype.formatItem.call(this, term, termWidth, description, helper);
  }
  const indent = ' '.repeat(BELOW_INDENT);
  return `  ${term}\n${indent}${helper.boxWrap(description, width - BELOW_INDENT).replace(/\n/g, `\n${indent}`)}`;
}
