'use strict';

const assert = require('node:assert/strict');
const { parse, CsvError } = require('..');

describe('parse', () => {
  describe('rows', () => {
    it('splits lines and fields', () => {
      assert.deepEqual(parse('a,b,c\n1,2,3'), [['a', 'b', 'c'], ['1', '2', '3']]);
    });

    it('reads CRLF line endings', () => {
      assert.deepEqual(parse('a,b\r\n1,2\r\n'), [['a', 'b'], ['1', '2']]);
    });

    it('does not add a row for the final line break', () => {
      assert.deepEqual(parse('a\nb\n'), [['a'], ['b']]);
    });

    it('keeps empty fields', () => {
      assert.deepEqual(parse(',x,\n,,'), [['', 'x', ''], ['', '', '']]);
    });

    it('keeps spaces around fields', () => {
      assert.deepEqual(parse(' a , b '), [[' a ', ' b ']]);
    });

    it('reads an empty line as a row with one empty field', () => {
      assert.deepEqual(parse('a\n\nb'), [['a'], [''], ['b']]);
    });

    it('leaves out empty lines with skipEmptyLines', () => {
      assert.deepEqual(parse('a\n\nb\n\n', { skipEmptyLines: true }), [['a'], ['b']]);
    });

    it('gives no rows for empty text', () => {
      assert.deepEqual(parse(''), []);
    });
  });

  describe('quoted fields', () => {
    it('reads the delimiter inside quotes as text', () => {
      assert.deepEqual(parse('"Smith, Anna",42'), [['Smith, Anna', '42']]);
    });

    it('reads a doubled quote as one quote', () => {
      assert.deepEqual(parse('"say ""hi""",x'), [['say "hi"', 'x']]);
    });

    it('reads an empty quoted field', () => {
      assert.deepEqual(parse('"",a,""'), [['', 'a', '']]);
    });

    it('rejects a quote that is never closed', () => {
      assert.throws(() => parse('a\n"open,b'), (e) => e instanceof CsvError && e.line === 2);
    });

    it('rejects text after a closing quote', () => {
      assert.throws(() => parse('"a"b,c'), /unexpected character "b" after a quoted field \(line 1\)/);
    });
  });

  describe('options', () => {
    it('uses another delimiter', () => {
      assert.deepEqual(parse('a;b\n"1;5";2', { delimiter: ';' }), [['a', 'b'], ['1;5', '2']]);
      assert.deepEqual(parse('a\tb', { delimiter: '\t' }), [['a', 'b']]);
    });

    it('rejects a delimiter that is not one plain character', () => {
      assert.throws(() => parse('a', { delimiter: '::' }), TypeError);
      assert.throws(() => parse('a', { delimiter: '"' }), TypeError);
      assert.throws(() => parse('a', { delimiter: '\n' }), TypeError);
    });

    it('rejects input that is not a string', () => {
      assert.throws(() => parse(Buffer.from('a,b')), TypeError);
    });
  });

  describe('header', () => {
    it('returns one object per row keyed by the header', () => {
      assert.deepEqual(parse('name,age\nAnna,42\nBo,7', { header: true }), [
        { name: 'Anna', age: '42' },
        { name: 'Bo', age: '7' },
      ]);
    });

    it('fills missing fields with empty strings', () => {
      assert.deepEqual(parse('a,b,c\n1', { header: true }), [{ a: '1', b: '', c: '' }]);
    });

    it('rejects a row longer than the header and names its line', () => {
      assert.throws(() => parse('a,b\n1,2\n\n1,2,3', { header: true, skipEmptyLines: true }), (e) => {
        return e instanceof CsvError && e.line === 4 && /row has 3 fields but the header has 2/.test(e.message);
      });
    });

    it('gives no objects for a header alone', () => {
      assert.deepEqual(parse('a,b\n', { header: true }), []);
    });
  });
});
