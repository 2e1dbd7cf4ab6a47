'use strict';

const { CsvError } = require('./errors');
const { parse } = require('./parse');
const { stringify } = require('./stringify');

module.exports = { parse, stringify, CsvError };
