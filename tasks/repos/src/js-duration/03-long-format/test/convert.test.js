'use strict';

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { convert, DurationError } = require('..');

describe('convert', () => {
  it('converts milliseconds to another unit', () => {
    assert.equal(convert(5400000, 'h'), 1.5);
    assert.equal(convert(1500, 'seconds'), 1.5);
    assert.equal(convert(604800000, 'weeks'), 1);
  });

  it('accepts duration strings', () => {
    assert.equal(convert('90 minutes', 'hours'), 1.5);
    assert.equal(convert('1d 12h', 'd'), 1.5);
  });

  it('rejects unknown units and invalid durations', () => {
    assert.throws(() => convert(1000, 'fortnight'), RangeError);
    assert.throws(() => convert('soon', 's'), DurationError);
    assert.throws(() => convert(NaN, 's'), TypeError);
  });
});
