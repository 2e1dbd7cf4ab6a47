'use strict';

const { DurationError } = require('./errors');
const { parse } = require('./parse');
const { UNITS, lookupUnit } = require('./units');

module.exports = { parse, lookupUnit, UNITS, DurationError };
