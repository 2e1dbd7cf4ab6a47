'use strict';

const { IniError } = require('./errors');

const SECTION = /^\[([^\]]+)\]$/;
const ENTRY = /^([^=]+?)\s*=\s*(.*)$/;

/**
 * Reads INI text into an object.
 *
 *   name = demo            -> { name: 'demo',
 *   [server]                    server: { host: 'localhost', port: '8080' },
 *   host = localhost            paths: { dirs: ['a', 'b'] } }
 *   port = 8080
 *   [paths]
 *   dirs[] = a
 *   dirs[] = b
 *
 * Keys before the first section go at the top level. Values are strings with the
 * spaces around them removed; a key ending in [] collects its values in an array.
 * Lines starting with ; or # are comments; empty lines are ignored. A key given
 * twice keeps the last value; a section given twice is merged.
 *
 * Throws IniError for a line that is neither a section, an entry nor a comment,
 * and for a key that is both a section name and a plain key.
 */
function parse(text) {
  if (typeof text !== 'string') throw new TypeError(`parse() expects a string, got ${typeof text}`);
  const result = {};
  let target = result;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const lineNumber = i + 1;
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;

    const section = SECTION.exec(line);
    if (section) {
      const name = section[1].trim();
      if (Object.hasOwn(result, name) && !isSection(result[name])) {
        throw new IniError(`section [${name}] has the name of a key`, lineNumber);
      }
      result[name] ??= {};
      target = result[name];
      continue;
    }

    const entry = ENTRY.exec(line);
    if (!entry) throw new IniError(`expected "key = value", a [section] or a comment, got ${JSON.stringify(line)}`, lineNumber);
    const [, rawKey, value] = entry;
    if (rawKey.endsWith('[]')) {
      const key = rawKey.slice(0, -2).trim();
      if (!Array.isArray(target[key])) target[key] = [];
      target[key].push(value);
    } else {
      if (target === result && isSection(result[rawKey])) {
        throw new IniError(`key ${JSON.stringify(rawKey)} has the name of a section`, lineNumber);
      }
      target[rawKey] = value;
    }
  }
  return result;
}

function isSection(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

module.exports = { parse };
