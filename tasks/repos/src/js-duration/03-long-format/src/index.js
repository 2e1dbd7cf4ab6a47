'use strict';

const { convert } = require('./convert');
const { DurationError } = require('./errors');
const { format } = require('./format');
const { parse } = require('./parse');
const { UNITS, lookupUnit } = require('./units');

module.exports = { parse, format, convert, lookupUnit, UNITS, DurationError };
