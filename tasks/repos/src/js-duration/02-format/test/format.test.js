'use strict';

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { format, parse } = require('..');

describe('format', () => {
  describe('components', () => {
    it('writes each non-zero component', () => {
      assert.equal(format(5400000), '1h 30m');
      assert.equal(format(90061001), '1d 1h 1m 1s 1ms');
      assert.equal(format(3600000), '1h');
    });

    it('does not use weeks', () => {
      assert.equal(format(8 * 86400000), '8d');
    });

    it('writes zero in the smallest unit shown', () => {
      assert.equal(format(0), '0ms');
      assert.equal(format(0, { smallest: 's' }), '0s');
    });

    it('prefixes negative durations with a minus sign', () => {
      assert.equal(format(-90000), '-1m 30s');
    });

    it('gives back what parse() reads', () => {
      for (const text of ['1d 4h', '2h 5m 30s', '45s 500ms', '3m']) {
        assert.equal(format(parse(text)), text);
      }
    });
  });

  describe('options', () => {
    it('limits the number of components with largest', () => {
      assert.equal(format(90061001, { largest: 2 }), '1d 1h');
      assert.equal(format(5400000, { largest: 1 }), '2h');
    });

    it('rounds what is below the smallest unit', () => {
      assert.equal(format(61400, { smallest: 's' }), '1m 1s');
      assert.equal(format(61600, { smallest: 's' }), '1m 2s');
      assert.equal(format(1500, { smallest: 'm' }), '0m');
    });

    it('rounds fractions of a millisecond', () => {
      assert.equal(format(1.4), '1ms');
    });

    it('rejects invalid input', () => {
      assert.throws(() => format(NaN), TypeError);
      assert.throws(() => format('5s'), TypeError);
      assert.throws(() => format(1, { smallest: 'fortnight' }), RangeError);
      assert.throws(() => format(1, { largest: 0 }), RangeError);
    });
  });
});
