'use strict';

const assert = require('node:assert/strict');
const { parse, stringify } = require('..');

describe('stringify', () => {
  it('writes rows of values', () => {
    assert.equal(stringify([['a', 'b'], [1, true]]), 'a,b\n1,true');
  });

  it('writes null and undefined as empty fields', () => {
    assert.equal(stringify([[null, 'x', undefined]]), ',x,');
  });

  it('quotes fields that contain the delimiter', () => {
    assert.equal(stringify([['Smith, Anna', 42]]), '"Smith, Anna",42');
    assert.equal(stringify([['a;b', 'c']], { delimiter: ';' }), '"a;b";c');
  });

  it('writes objects with a header line', () => {
    assert.equal(stringify([{ name: 'Anna', age: 42 }, { name: 'Bo', age: 7 }]), 'name,age\nAnna,42\nBo,7');
  });

  it('takes the columns and their order from columns', () => {
    assert.equal(stringify([{ a: 1, b: 2, c: 3 }], { columns: ['c', 'a'] }), 'c,a\n3,1');
  });

  it('separates lines with eol', () => {
    assert.equal(stringify([['a'], ['b']], { eol: '\r\n' }), 'a\r\nb');
    assert.throws(() => stringify([['a']], { eol: '\r' }), TypeError);
  });

  it('writes what parse reads back', () => {
    const rows = [['id', 'name'], ['1', 'Smith, Anna'], ['2', '']];
    assert.deepEqual(parse(stringify(rows)), rows);
  });

  it('rejects input that is not an array', () => {
    assert.throws(() => stringify('a,b'), TypeError);
  });
});
