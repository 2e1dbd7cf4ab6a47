// Shared helpers of the runner adapters' `plan`: refusing a command, and where added flags go.
import { UserInputError } from '../../core/errors.ts';

/** A `UserInputError` naming the command and the fix; thrown by `plan` before any test runs. */
export function refuse(cmd: string, why: string): UserInputError {
  return new UserInputError(`test_cmd ${JSON.stringify(cmd)}: ${why}`);
}

/**
 * `cmd` with `extra` flags given to its runner: appended at the end, after ` -- ` when the runner
 * is reached through `npm test` / `npm run <script>` (npm passes what follows `--` to the
 * script), directly for yarn and pnpm. Only for a runner invoked by the last command of `cmd`
 * (`detectRunner` checks that).
 */
export function appendRunnerArgs(viaNpm: boolean): (cmd: string, extra: string) => string {
  return (cmd, extra) => {
    if (extra === '') return cmd;
    if (viaNpm && !/\s--(\s|$)/.test(cmd)) return `${cmd} -- ${extra}`;
    return `${cmd} ${extra}`;
  };
}
