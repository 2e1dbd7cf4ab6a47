'use strict';

/**
 * Thrown when CSV text cannot be read.
 *
 * `line` is the 1-based line of the input at which reading gave up.
 */
class CsvError extends Error {
  constructor(message, line) {
    super(`${message} (line ${line})`);
    this.name = 'CsvError';
    this.line = line;
  }
}

module.exports = { CsvError };
