'use strict';

const { UNITS, lookupUnit } = require('./units');

/**
 * Formats a number of milliseconds as a duration string, e.g.
 * format(5400000) === '1h 30m' and
 * format(5400000, { long: true }) === '1 hour 30 minutes'.
 *
 * Options:
 *   long     - write unit names in full (default: false)
 *   largest  - show at most this many components, rounding the last one
 *              (default: all of them)
 *   smallest - smallest unit to show, rounding what is below it
 *              (default: 'ms')
 *
 * Zero components are left out; weeks are not used (eight days is '8d').
 */
function format(ms, options = {}) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new TypeError(`format() expects a finite number of milliseconds, got ${ms}`);
  }
  const units = unitsFor(options.smallest);
  const largest = options.largest === undefined ? Infinity : options.largest;
  if (!(largest >= 1)) throw new RangeError(`largest must be at least 1, got ${options.largest}`);
  const long = Boolean(options.long);

  let rest = Math.abs(ms);
  const parts = [];
  for (let i = 0; i < units.length; i++) {
    const unit = units[i];
    const last = i === units.length - 1 || parts.length === largest - 1;
    const count = last ? Math.round(rest / unit.ms) : Math.floor(rest / unit.ms);
    rest -= count * unit.ms;
    if (count > 0) parts.push(label(count, unit, long));
    if (last && parts.length > 0) break;
  }

  if (parts.length === 0) return label(0, units[units.length - 1], long);
  return (ms < 0 ? '-' : '') + parts.join(' ');
}

function label(count, unit, long) {
  if (!long) return `${count}${unit.symbol}`;
  return `${count} ${count === 1 ? unit.singular : unit.plural}`;
}

function unitsFor(smallest) {
  const shown = UNITS.filter((u) => u.symbol !== 'w');
  if (smallest === undefined) return shown;
  const unit = lookupUnit(smallest);
  if (unit === undefined || !shown.includes(unit)) {
    throw new RangeError(`unknown smallest unit "${smallest}"`);
  }
  return shown.slice(0, shown.indexOf(unit) + 1);
}

module.exports = { format };
