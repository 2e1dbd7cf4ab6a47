'use strict';

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { parse, IniError } = require('..');

describe('parse', () => {
  describe('entries', () => {
    it('reads keys and values', () => {
      assert.deepEqual(parse('name = demo\nversion=2'), { name: 'demo', version: '2' });
    });

    it('removes the spaces around keys and values', () => {
      assert.deepEqual(parse('  name   =   my app  \n\tkey\t=\tvalue'), { name: 'my app', key: 'value' });
    });

    it('keeps equals signs in values', () => {
      assert.deepEqual(parse('query = a=1&b=2'), { query: 'a=1&b=2' });
    });

    it('reads an empty value', () => {
      assert.deepEqual(parse('empty =\nalso='), { empty: '', also: '' });
    });

    it('keeps the last value of a repeated key', () => {
      assert.deepEqual(parse('a = 1\na = 2'), { a: '2' });
    });

    it('collects keys ending in brackets into arrays', () => {
      assert.deepEqual(parse('dirs[] = src\ndirs[] = test\n'), { dirs: ['src', 'test'] });
    });
  });

  describe('sections', () => {
    it('puts keys under their section', () => {
      const text = 'name = demo\n[server]\nhost = localhost\nport = 8080\n';
      assert.deepEqual(parse(text), { name: 'demo', server: { host: 'localhost', port: '8080' } });
    });

    it('merges a section given twice', () => {
      assert.deepEqual(parse('[a]\nx = 1\n[b]\ny = 2\n[a]\nz = 3'), { a: { x: '1', z: '3' }, b: { y: '2' } });
    });

    it('reads an empty section', () => {
      assert.deepEqual(parse('[empty]'), { empty: {} });
    });

    it('removes the spaces inside the brackets', () => {
      assert.deepEqual(parse('[ server ]\nport = 1'), { server: { port: '1' } });
    });

    it('rejects a section with the name of a key', () => {
      assert.throws(() => parse('server = x\n[server]'), /line 2: section \[server\] has the name of a key/);
    });
  });

  describe('comments and blank lines', () => {
    it('ignores lines starting with a semicolon or a hash', () => {
      assert.deepEqual(parse('; comment\n# another\n  ; indented\na = 1'), { a: '1' });
    });

    it('ignores empty and blank lines', () => {
      assert.deepEqual(parse('\n\na = 1\n   \n\t\n[s]\n\nb = 2\n'), { a: '1', s: { b: '2' } });
    });

    it('gives an empty object for empty text', () => {
      assert.deepEqual(parse(''), {});
    });
  });

  describe('errors', () => {
    it('rejects a line without an equals sign and names its line', () => {
      assert.throws(() => parse('a = 1\n\njust text'), (e) => e instanceof IniError && e.line === 3);
    });

    it('rejects a key without a name', () => {
      assert.throws(() => parse('= value'), IniError);
    });

    it('rejects values that are not strings', () => {
      assert.throws(() => parse(Buffer.from('a = 1')), TypeError);
    });
  });
});
