'use strict';

/**
 * Writes an object as INI text: first the top-level keys whose values are not
 * objects, then one [section] per object value, separated by an empty line.
 * Arrays are written as repeated `key[] = value` lines; null and undefined values
 * are left out; every other value is written with String().
 *
 * Lines end in options.eol: '\r\n' (the default, as Windows tools expect) or '\n'.
 */
function stringify(object, options = {}) {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new TypeError('stringify() expects a plain object');
  }
  const eol = options.eol === undefined ? '\r\n' : options.eol;
  if (eol !== '\r\n' && eol !== '\n') throw new TypeError(`eol must be "\\r\\n" or "\\n", got ${JSON.stringify(eol)}`);

  const blocks = [];
  const top = entries(object);
  if (top.length > 0) blocks.push(top);
  for (const [name, value] of Object.entries(object)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      blocks.push([`[${name}]`, ...entries(value)]);
    }
  }
  return blocks.map((lines) => lines.join(eol) + eol).join(eol);
}

function entries(object) {
  const lines = [];
  for (const [key, value] of Object.entries(object)) {
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value) lines.push(`${key}[] = ${item}`);
    } else if (typeof value !== 'object') {
      lines.push(`${key} = ${value}`);
    }
  }
  return lines;
}

module.exports = { stringify };
