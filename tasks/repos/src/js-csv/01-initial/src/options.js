'use strict';

/**
 * Checks the options shared by parse() and stringify() and fills in defaults.
 *
 *   delimiter  one character that separates fields (default ',')
 *   header     parse(): read the first row as column names and return objects
 */
function readOptions(options = {}) {
  const delimiter = options.delimiter === undefined ? ',' : options.delimiter;
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new TypeError(`delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`);
  }
  return {
    delimiter,
    header: Boolean(options.header),
    skipEmptyLines: Boolean(options.skipEmptyLines),
  };
}

module.exports = { readOptions };
