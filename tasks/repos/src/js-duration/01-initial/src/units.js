'use strict';

/**
 * Fixed-length units, largest first.
 *
 * Months and years are deliberately missing: their length depends on the
 * calendar, so they cannot be expressed as a number of milliseconds.
 */
const UNITS = Object.freeze([
  unit('w', 7 * 24 * 60 * 60 * 1000, 'week', ['wk', 'wks']),
  unit('d', 24 * 60 * 60 * 1000, 'day', []),
  unit('h', 60 * 60 * 1000, 'hour', ['hr', 'hrs']),
  unit('m', 60 * 1000, 'minute', ['min', 'mins']),
  unit('s', 1000, 'second', ['sec', 'secs']),
  unit('ms', 1, 'millisecond', ['msec', 'msecs']),
]);

function unit(symbol, ms, singular, extraAliases) {
  const plural = `${singular}s`;
  return Object.freeze({
    symbol,
    ms,
    singular,
    plural,
    aliases: Object.freeze([symbol, singular, plural, ...extraAliases]),
  });
}

const BY_NAME = new Map();
for (const u of UNITS) {
  for (const alias of u.aliases) BY_NAME.set(alias, u);
}

/**
 * Finds a unit by symbol or name ("h", "hr", "hours", ...), ignoring case.
 * Returns undefined for names it does not know.
 */
function lookupUnit(name) {
  return BY_NAME.get(String(name).toLowerCase());
}

module.exports = { UNITS, lookupUnit };
