// Sandbox factory: picks a backend by name (`auto`: bwrap when it works here, else local) and warns,
// once per process, when the chosen one is not isolated.
import { UserInputError } from '../core/errors.ts';
import { BwrapSandbox, type BwrapSandboxOptions } from './bwrap.ts';
import { LocalSandbox, type LocalSandboxOptions } from './local.ts';
import { SANDBOX_CHOICES, type SandboxBackend, type SandboxChoice } from './types.ts';

export { SANDBOX_CHOICES, type ExecOptions, type ExecResult, type Sandbox, type SandboxBackend, type SandboxChoice, type SandboxKind } from './types.ts';
export { BwrapSandbox, type BwrapSandboxOptions } from './bwrap.ts';
export { LocalSandbox, type LocalSandboxOptions } from './local.ts';

export interface CreateSandboxOptions extends LocalSandboxOptions, BwrapSandboxOptions {
  /** Suppress the not-isolated warning (tests). Default false. */
  quiet?: boolean;
  /** Where the warning goes. Default: process.stderr. */
  warn?: (message: string) => void;
}

export const LOCAL_SANDBOX_WARNING =
  '\n*** fixbench WARNING: sandbox "local" is NOT isolated. Agent commands and test runs execute as ' +
  'your user, with network access and write access to everything you can write. ' +
  'Use it only for trusted tasks and models, or run inside a disposable VM/container. ***\n\n';

let warned = false;

/**
 * Creates and initialises (`init()`) a sandbox:
 * - `bwrap`: a `BwrapSandbox`;
 * - `local`: a `LocalSandbox`, printing `LOCAL_SANDBOX_WARNING` the first time in a process;
 * - `auto`: `bwrap` when its `init()` succeeds, else `local` with the warning followed by the
 *   reason bwrap was not used.
 * `quiet` silences the warning. The result's `kind` is the backend chosen.
 * @throws UserInputError (exit 2) when `bwrap` is asked for but cannot run here; the message says
 *   what is missing (e.g. `apt-get install bubblewrap`).
 * @throws InfraError when the local sandbox cannot make its temp folders.
 */
export async function createSandbox(choice: SandboxChoice, opts: CreateSandboxOptions = {}): Promise<SandboxBackend> {
  const { quiet = false, warn = (m: string) => void process.stderr.write(m), roots, path, home, tmpDir, bwrap, readOnly } = opts;
  if (!(SANDBOX_CHOICES as readonly string[]).includes(choice)) throw new Error(`unknown sandbox kind: ${String(choice)}`);
  let reason: string | null = null;
  if (choice !== 'local') {
    const sandbox = new BwrapSandbox({ roots, path, bwrap, readOnly });
    try {
      await sandbox.init();
      return sandbox;
    } catch (err) {
      await sandbox.cleanup();
      reason = (err as Error).message;
      if (choice === 'bwrap') {
        throw new UserInputError(`--sandbox bwrap cannot be used: ${reason}. Or choose --sandbox local (not isolated).`, {
          fix: 'install bubblewrap (apt-get install bubblewrap) and allow user namespaces',
        });
      }
    }
  }
  if (!quiet && !warned) {
    warned = true;
    warn(reason === null ? LOCAL_SANDBOX_WARNING : `${LOCAL_SANDBOX_WARNING.trimEnd()}\n*** bwrap was not used: ${reason} ***\n\n`);
  }
  const sandbox = new LocalSandbox({ roots, path, home, tmpDir });
  await sandbox.init();
  return sandbox;
}
