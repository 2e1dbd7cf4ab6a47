'use strict';

const { DurationError } = require('./errors');
const { format } = require('./format');
const { parse } = require('./parse');
const { UNITS, lookupUnit } = require('./units');

module.exports = { parse, format, lookupUnit, UNITS, DurationError };
