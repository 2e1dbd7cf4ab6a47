'use strict';

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { parse, DurationError } = require('..');

describe('parse', () => {
  describe('compact strings', () => {
    it('reads a single component', () => {
      assert.equal(parse('5s'), 5000);
      assert.equal(parse('250ms'), 250);
      assert.equal(parse('2d'), 172800000);
    });

    it('reads several components without spaces', () => {
      assert.equal(parse('1h30m'), 5400000);
      assert.equal(parse('1m30s500ms'), 90500);
    });

    it('reads several components separated by spaces', () => {
      assert.equal(parse('1h 30m'), 5400000);
      assert.equal(parse('  1w   2d '), 777600000);
    });

    it('accepts decimal amounts', () => {
      assert.equal(parse('1.5h'), 5400000);
      assert.equal(parse('.5s'), 500);
      assert.equal(parse('2.25 m'), 135000);
    });
  });

  describe('long names', () => {
    it('reads singular and plural unit names', () => {
      assert.equal(parse('1 hour'), 3600000);
      assert.equal(parse('3 minutes'), 180000);
      assert.equal(parse('1 day 1 second'), 86401000);
    });

    it('ignores commas and the filler word and', () => {
      assert.equal(parse('2 days, 4 hours and 5 minutes'), 187500000);
      assert.equal(parse('1 min and 1 sec'), 61000);
    });

    it('ignores the case of unit names', () => {
      assert.equal(parse('1 Hour 2 MINUTES'), 3720000);
    });
  });

  describe('numbers', () => {
    it('reads a bare number as milliseconds by default', () => {
      assert.equal(parse('1500'), 1500);
      assert.equal(parse(1500), 1500);
    });

    it('reads a bare number in the default unit', () => {
      assert.equal(parse('90', { defaultUnit: 's' }), 90000);
      assert.equal(parse(2, { defaultUnit: 'minutes' }), 120000);
    });

    it('rejects an unknown default unit', () => {
      assert.throws(() => parse('1', { defaultUnit: 'fortnight' }), RangeError);
    });

    it('reads a single negative component', () => {
      assert.equal(parse('-5m'), -300000);
      assert.equal(parse('-250'), -250);
    });
  });

  describe('errors', () => {
    it('rejects an empty string', () => {
      assert.throws(() => parse(''), DurationError);
      assert.throws(() => parse('  , '), DurationError);
    });

    it('rejects unknown units and reports where they are', () => {
      assert.throws(() => parse('1h 3 fortnights'), (err) => {
        assert.ok(err instanceof DurationError);
        assert.equal(err.index, 5);
        assert.match(err.message, /unknown unit "fortnights"/);
        return true;
      });
    });

    it('rejects a number without a unit when other components are present', () => {
      assert.throws(() => parse('1h 30'), /missing unit after "30"/);
    });

    it('rejects a unit without a number', () => {
      assert.throws(() => parse('hours'), /expected a number before "hours"/);
    });

    it('rejects characters that cannot start a token', () => {
      assert.throws(() => parse('1h; 2m'), (err) => err instanceof DurationError && err.index === 2);
    });

    it('rejects values that are neither strings nor numbers', () => {
      assert.throws(() => parse(null), TypeError);
      assert.throws(() => parse(Infinity), TypeError);
    });
  });
});
