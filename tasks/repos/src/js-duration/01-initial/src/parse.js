'use strict';

const { DurationError } = require('./errors');
const { lookupUnit } = require('./units');
const { tokenize } = require('./tokenize');

/**
 * Parses a duration such as "1h 30m", "1.5 hours" or "2 days, 4 hours and
 * 5 minutes" into milliseconds.
 *
 * A bare number ("1500") is read in `options.defaultUnit` (milliseconds unless
 * told otherwise); numbers passed as numbers are treated the same way.
 */
function parse(input, options = {}) {
  const defaultUnit = resolveDefaultUnit(options.defaultUnit);

  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new TypeError(`parse() expects a finite number, got ${input}`);
    return input * defaultUnit.ms;
  }
  if (typeof input !== 'string') {
    throw new TypeError(`parse() expects a string or a number, got ${typeof input}`);
  }

  const tokens = tokenize(input);
  if (tokens.length === 0) throw new DurationError('empty duration', input);

  if (tokens.length === 1 && tokens[0].type === 'number') {
    return tokens[0].value * defaultUnit.ms;
  }

  let total = 0;
  for (let i = 0; i < tokens.length; i += 2) {
    const amount = tokens[i];
    const name = tokens[i + 1];
    if (amount.type !== 'number') {
      throw new DurationError(`expected a number before "${amount.text}"`, input, amount.index);
    }
    if (name === undefined || name.type !== 'word') {
      const at = name === undefined ? amount.index + amount.text.length : name.index;
      throw new DurationError(`missing unit after "${amount.text}"`, input, at);
    }
    const unit = lookupUnit(name.text);
    if (unit === undefined) {
      throw new DurationError(`unknown unit "${name.text}"`, input, name.index);
    }
    total += amount.value * unit.ms;
  }
  return total;
}

function resolveDefaultUnit(name) {
  if (name === undefined) return lookupUnit('ms');
  const unit = lookupUnit(name);
  if (unit === undefined) throw new RangeError(`unknown default unit "${name}"`);
  return unit;
}

module.exports = { parse };
