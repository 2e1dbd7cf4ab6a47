'use strict';

const { CsvError } = require('./errors');
const { readOptions } = require('./options');

/**
 * Reads CSV text (RFC 4180) into rows.
 *
 *   parse('a,b\n1,2')                   -> [['a', 'b'], ['1', '2']]
 *   parse('a,b\n1,2', { header: true }) -> [{ a: '1', b: '2' }]
 *
 * Fields are strings. A field may be quoted with double quotes; inside quotes the
 * delimiter is an ordinary character and a doubled quote ("") stands for one quote.
 * Lines end in \n or \r\n; a line break at the very end of the text ends the last
 * row and does not start a new one.
 *
 * Options: `delimiter` (default ','), `header` (first row gives the keys of the
 * objects returned for the other rows), `skipEmptyLines` (leave out lines that are
 * empty instead of reading them as a row with one empty field).
 *
 * Throws CsvError for a quote that is never closed or that is followed by
 * something other than the delimiter or the end of the line, and, with `header`,
 * for a row with more fields than the header.
 */
function parse(text, options = {}) {
  if (typeof text !== 'string') throw new TypeError(`parse() expects a string, got ${typeof text}`);
  const opts = readOptions(options);
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();

  const rows = [];
  const lineOfRow = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '' && opts.skipEmptyLines) continue;
    rows.push(splitLine(lines[i], opts.delimiter, i + 1));
    lineOfRow.push(i + 1);
  }
  return opts.header ? toObjects(rows, lineOfRow) : rows;
}

/** Splits one line into its fields. */
function splitLine(line, delimiter, lineNumber) {
  const fields = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q === -1) throw new CsvError('unterminated quoted field', lineNumber);
        value += line.slice(j, q);
        if (line[q + 1] === '"') {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      if (j < line.length && line[j] !== delimiter) {
        throw new CsvError(`unexpected character ${JSON.stringify(line[j])} after a quoted field`, lineNumber);
      }
      fields.push(value);
      i = j;
    } else {
      const end = line.indexOf(delimiter, i);
      fields.push(line.slice(i, end === -1 ? line.length : end));
      i = end === -1 ? line.length : end;
    }
    if (i >= line.length) return fields;
    i += 1; // the delimiter
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

/** Turns rows into objects keyed by the first row. */
function toObjects(rows, lineOfRow) {
  if (rows.length === 0) return [];
  const [names, ...body] = rows;
  return body.map((row, r) => {
    if (row.length > names.length) {
      throw new CsvError(`row has ${row.length} fields but the header has ${names.length}`, lineOfRow[r + 1]);
    }
    const object = {};
    names.forEach((name, c) => {
      object[name] = c < row.length ? row[c] : '';
    });
    return object;
  });
}

module.exports = { parse };
