'use strict';

const { readOptions } = require('./options');

/**
 * Writes rows as CSV text, one line per row, lines separated by `\n` (or
 * `options.eol`), with no line break after the last row.
 *
 * A row is an array of values; rows may also be objects, whose keys (from the
 * first object, or `options.columns`) are written as a header line first.
 * null and undefined are written as empty fields, every other value with String().
 */
function stringify(rows, options = {}) {
  if (!Array.isArray(rows)) throw new TypeError(`stringify() expects an array of rows, got ${typeof rows}`);
  const { delimiter } = readOptions(options);
  const eol = options.eol === undefined ? '\n' : options.eol;
  if (eol !== '\n' && eol !== '\r\n') throw new TypeError(`eol must be "\\n" or "\\r\\n", got ${JSON.stringify(eol)}`);

  let table = rows;
  if (rows.length > 0 && !Array.isArray(rows[0])) {
    const columns = options.columns || Object.keys(rows[0]);
    table = [columns, ...rows.map((object) => columns.map((c) => object[c]))];
  }
  return table.map((row) => row.map((value) => field(value, delimiter)).join(delimiter)).join(eol);
}

function field(value, delimiter) {
  const text = value === null || value === undefined ? '' : String(value);
  return text.includes(delimiter) ? `"${text}"` : text;
}

module.exports = { stringify };
