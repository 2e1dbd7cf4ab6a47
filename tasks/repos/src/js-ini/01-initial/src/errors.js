'use strict';

/**
 * Thrown when INI text cannot be read. `line` is the 1-based line of the problem.
 */
class IniError extends Error {
  constructor(message, line) {
    super(`line ${line}: ${message}`);
    this.name = 'IniError';
    this.line = line;
  }
}

module.exports = { IniError };
