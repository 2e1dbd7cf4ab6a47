// A hint for an unknown option commander found no near spelling of: the command's long options
// the typed one is the first words of (`--budget` → `--budget-usd`).
import type { Command, CommanderError } from 'commander';

/**
 * The line to print after commander's `unknown option '<flag>'` error for `argv` (the user's
 * arguments) — `(did you mean --a or --b?)`, naming the long options of the command `argv` runs
 * that begin with `<flag>-` — or null: another error, commander already suggested one, or none fits.
 */
export function unknownFlagHint(program: Command, argv: readonly string[], e: CommanderError): string | null {
  if (e.code !== 'commander.unknownOption' || /Did you mean/i.test(e.message)) return null;
  const flag = /unknown option '([^']+)'/.exec(e.message)?.[1]?.split('=')[0];
  if (!flag?.startsWith('--')) return null;
  let cmd = program;
  for (const a of argv) {
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (sub) cmd = sub;
    else if (!a.startsWith('-')) break;
  }
  const fits = cmd.options.flatMap((o) => (o.long?.startsWith(`${flag}-`) ? [o.long] : []));
  return fits.length ? `(did you mean ${fits.slice(0, 3).join(' or ')}?)` : null;
}
