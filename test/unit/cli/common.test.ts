// checkRunIdOption: the --run-id check shared by `fixbench run` and `fixbench eval`.
import { describe, expect, it } from 'vitest';
import { checkRunIdOption } from '../../../src/cli/common.ts';
import { UserInputError } from '../../../src/core/errors.ts';

describe('checkRunIdOption', () => {
  it('accepts no id and a well-formed id', () => {
    expect(() => checkRunIdOption(undefined)).not.toThrow();
    expect(() => checkRunIdOption('nightly-2026.04_01')).not.toThrow();
  });

  it('refuses ids that are not file-name safe or too long, quoting at most 120 characters', () => {
    for (const bad of ['', '../escape', '.hidden', 'a/b', 'x'.repeat(101)]) {
      expect(() => checkRunIdOption(bad)).toThrow(UserInputError);
    }
    expect(() => checkRunIdOption('a b')).toThrow(/--run-id "a b": start with a letter or digit/);
    const long = 'y'.repeat(300);
    expect(() => checkRunIdOption(long)).toThrow(`--run-id "${'y'.repeat(120)}": `);
  });
});
