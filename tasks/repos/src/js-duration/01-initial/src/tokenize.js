'use strict';

const { DurationError } = require('./errors');

const SEPARATOR = /[\s,]+/y;
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)/y;
const WORD = /[a-z]+/iy;

/**
 * Splits a duration string into tokens:
 *
 *   { type: 'number', text, value, index }
 *   { type: 'word', text, index }
 *
 * Whitespace and commas only separate tokens, and the filler word "and" is
 * dropped, so "1 hour, 2 minutes and 3 seconds" gives six tokens.
 */
function tokenize(input) {
  const tokens = [];
  let index = 0;
  while (index < input.length) {
    if (matchAt(SEPARATOR, input, index)) {
      index = SEPARATOR.lastIndex;
      continue;
    }
    const number = matchAt(NUMBER, input, index);
    if (number) {
      tokens.push({ type: 'number', text: number, value: Number(number), index });
      index = NUMBER.lastIndex;
      continue;
    }
    const word = matchAt(WORD, input, index);
    if (word) {
      if (word.toLowerCase() !== 'and') tokens.push({ type: 'word', text: word, index });
      index = WORD.lastIndex;
      continue;
    }
    throw new DurationError(`unexpected character ${JSON.stringify(input[index])}`, input, index);
  }
  return tokens;
}

function matchAt(re, input, index) {
  re.lastIndex = index;
  const m = re.exec(input);
  return m === null ? null : m[0];
}

module.exports = { tokenize };
