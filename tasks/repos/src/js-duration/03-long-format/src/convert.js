'use strict';

const { lookupUnit } = require('./units');
const { parse } = require('./parse');

/**
 * Expresses a duration in another unit: convert(5400000, 'h') === 1.5.
 * The duration may be given as milliseconds or as a string parse() reads:
 * convert('90 minutes', 'hours') === 1.5.
 */
function convert(duration, unitName) {
  const unit = lookupUnit(unitName);
  if (unit === undefined) throw new RangeError(`unknown unit "${unitName}"`);
  const ms = typeof duration === 'string' ? parse(duration) : duration;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new TypeError(`convert() expects a duration string or a finite number, got ${duration}`);
  }
  return ms / unit.ms;
}

module.exports = { convert };
