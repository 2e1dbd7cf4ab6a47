import { describe, expect, it } from 'vitest';
import { criterionOf } from '../../../src/cli/recommend.ts';
import { UserInputError } from '../../../src/core/errors.ts';

describe('recommend flags', () => {
  it('reads a target as a percentage or a fraction, a budget as USD per task, neither as "as good as the best single model"', () => {
    expect(criterionOf({ target: '80%' })).toEqual({ kind: 'target', rate: 0.8 });
    expect(criterionOf({ target: '0.75' })).toEqual({ kind: 'target', rate: 0.75 });
    expect(criterionOf({ target: '100%' })).toEqual({ kind: 'target', rate: 1 });
    expect(criterionOf({ budget: '$0.05' })).toEqual({ kind: 'budget', usdPerTask: 0.05 });
    expect(criterionOf({ budget: '0' })).toEqual({ kind: 'budget', usdPerTask: 0 });
    expect(criterionOf({})).toEqual({ kind: 'best_single' });
  });

  it.each([
    [{ target: '80' }, '--target 80: not a resolved rate'],
    [{ target: '120%' }, '--target 120%: not a resolved rate'],
    [{ target: 'most' }, '--target most: not a resolved rate'],
    [{ budget: '-1' }, '--budget -1: not an amount of USD per task'],
    [{ budget: 'cheap' }, '--budget cheap: not an amount of USD per task'],
    [{ target: '0.5', budget: '1' }, 'give --target or --budget, not both'],
  ])('refuses %j as the user\'s error, with the fix', (o, message) => {
    expect(() => criterionOf(o)).toThrow(UserInputError);
    expect(() => criterionOf(o)).toThrow(message);
    expect(() => criterionOf(o)).toThrow('fix:');
  });
});
