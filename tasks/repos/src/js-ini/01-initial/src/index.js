'use strict';

const { IniError } = require('./errors');
const { parse } = require('./parse');
const { stringify } = require('./stringify');

module.exports = { parse, stringify, IniError };
