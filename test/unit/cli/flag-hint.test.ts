// An unknown option that is the first words of a known one gets a hint naming it (newcomer23 #4):
// commander suggests only near spellings (`--modles` → `--models`), not `--budget` → `--budget-usd`.
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/main.ts';
import { unknownFlagHint } from '../../../src/cli/flag-hint.ts';

/** Parses `argv` with output silenced and returns commander's error. */
async function errorOf(argv: string[]): Promise<{ program: ReturnType<typeof buildProgram>; e: CommanderError }> {
  const program = buildProgram({ code: 0 });
  const silence = (c: typeof program): void => { c.configureOutput({ writeErr: () => {}, writeOut: () => {} }); c.commands.forEach(silence); };
  silence(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    return { program, e: e as CommanderError };
  }
  throw new Error(`${argv.join(' ')} parsed`);
}

describe('unknownFlagHint', () => {
  it('names the command\'s long options that begin with the typed one and a dash', async () => {
    const { program, e } = await errorOf(['run', '--budget', '5']);
    expect(unknownFlagHint(program, ['run', '--budget', '5'], e)).toBe('(did you mean --budget-usd or --budget-tokens?)');
  });
  it('reads the subcommand path (tasks validate) and a `--flag=value` form', async () => {
    const argv = ['tasks', 'validate', '--no-env=1'];
    const { program, e } = await errorOf(argv);
    expect(unknownFlagHint(program, argv, e)).toBe('(did you mean --no-env-cache?)');
  });
  it('says nothing where commander suggested already, or nothing fits', async () => {
    for (const argv of [['run', '--modles', 'x'], ['run', '--zzz']]) {
      const { program, e } = await errorOf(argv);
      expect(unknownFlagHint(program, argv, e)).toBeNull();
    }
  });
});
