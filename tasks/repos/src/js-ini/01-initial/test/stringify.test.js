'use strict';

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { parse, stringify } = require('..');

describe('stringify', () => {
  it('writes top-level keys and then sections', () => {
    const text = stringify({ server: { host: 'localhost', port: 8080 }, name: 'demo' });
    assert.equal(text, 'name = demo\r\n\r\n[server]\r\nhost = localhost\r\nport = 8080\r\n');
  });

  it('writes arrays as repeated keys', () => {
    assert.equal(stringify({ dirs: ['a', 'b'] }, { eol: '\n' }), 'dirs[] = a\ndirs[] = b\n');
  });

  it('leaves out null and undefined', () => {
    assert.equal(stringify({ a: null, b: undefined, c: 0 }, { eol: '\n' }), 'c = 0\n');
  });

  it('writes an empty section', () => {
    assert.equal(stringify({ empty: {} }, { eol: '\n' }), '[empty]\n');
  });

  it('rejects an unknown line ending', () => {
    assert.throws(() => stringify({}, { eol: '\r' }), TypeError);
  });

  it('rejects values that are not plain objects', () => {
    assert.throws(() => stringify(['a']), TypeError);
    assert.throws(() => stringify(null), TypeError);
  });

  it('writes what parse reads back', () => {
    const config = { name: 'demo', server: { host: 'example.org', port: '443' }, paths: { dirs: ['src', 'lib'] } };
    assert.deepEqual(parse(stringify(config, { eol: '\n' })), config);
  });
});
