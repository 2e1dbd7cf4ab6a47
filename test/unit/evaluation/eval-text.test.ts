// The message an evaluation stores for a fault (newcomer16 #9): fixbench's own InfraError is written for
// the user and stored without its class name (`setup of … failed`, not `InfraError: setup of …`);
// another class (a fault of fixbench itself) keeps its name.
import { describe as suite, expect, it } from 'vitest';
import { InfraError } from '../../../src/core/errors.ts';
import { describe } from '../../../src/evaluation/eval-text.ts';

suite('eval-text describe', () => {
  it('InfraError and Error: the message alone; another class: its name first; a non-error: String', () => {
    expect(describe(new InfraError('setup of mylib-1 failed (exit 1)'))).toBe('setup of mylib-1 failed (exit 1)');
    expect(describe(new Error('plain'))).toBe('plain');
    expect(describe(new TypeError('x is undefined'))).toBe('TypeError: x is undefined');
    expect(describe(42)).toBe('42');
  });
});
