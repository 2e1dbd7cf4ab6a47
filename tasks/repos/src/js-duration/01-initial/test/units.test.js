'use strict';

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { UNITS, lookupUnit } = require('..');

describe('units', () => {
  it('lists units from largest to smallest', () => {
    assert.deepEqual(
      UNITS.map((u) => u.symbol),
      ['w', 'd', 'h', 'm', 's', 'ms'],
    );
    for (let i = 1; i < UNITS.length; i++) assert.ok(UNITS[i - 1].ms > UNITS[i].ms);
  });

  it('finds units by symbol, singular, plural and abbreviation', () => {
    assert.equal(lookupUnit('h').ms, 3600000);
    assert.equal(lookupUnit('hour').ms, 3600000);
    assert.equal(lookupUnit('hours').ms, 3600000);
    assert.equal(lookupUnit('hrs').ms, 3600000);
    assert.equal(lookupUnit('msecs').ms, 1);
  });

  it('ignores case when looking up a unit', () => {
    assert.equal(lookupUnit('Minutes').symbol, 'm');
    assert.equal(lookupUnit('SEC').symbol, 's');
  });

  it('returns undefined for unknown names', () => {
    assert.equal(lookupUnit('fortnight'), undefined);
    assert.equal(lookupUnit(''), undefined);
  });
});
