'use strict';

/**
 * Thrown when a duration string cannot be understood.
 *
 * `input` is the string that was given and `index` the 0-based position at
 * which parsing gave up (undefined when the problem is not tied to a place).
 */
class DurationError extends Error {
  constructor(message, input, index) {
    const where = index === undefined ? '' : ` at position ${index}`;
    super(`${message}${where} in ${JSON.stringify(input)}`);
    this.name = 'DurationError';
    this.input = input;
    this.index = index;
  }
}

module.exports = { DurationError };
