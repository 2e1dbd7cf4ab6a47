// Sandbox factory: picks a backend by name (`auto`: bwrap when it works here; else local, but only
// when nothing untrusted runs — fail closed) and warns, once per process, when it is not isolated.
import { UserInputError } from '../core/errors.ts';
import { BwrapSandbox, type BwrapSandboxOptions } from './bwrap.ts';
import { LocalSandbox, type LocalSandboxOptions } from './local.ts';
import { bwrapProgram, probeSandbox } from './probe.ts';
import { SANDBOX_CHOICES, type SandboxBackend, type SandboxChoice } from './types.ts';

export { SANDBOX_CHOICES, type ExecOptions, type ExecResult, type Sandbox, type SandboxBackend, type SandboxChoice, type SandboxKind } from './types.ts';
export { BwrapSandbox, type BwrapSandboxOptions } from './bwrap.ts';
export { LocalSandbox, type LocalSandboxOptions } from './local.ts';
export { BWRAP_ENV, apparmorProfile, bwrapProgram, formatProbe, probeSandbox, type SandboxProbe } from './probe.ts';

export interface CreateSandboxOptions extends LocalSandboxOptions, BwrapSandboxOptions {
  /** Suppress the not-isolated warning (tests). Default false. */
  quiet?: boolean;
  /** Where the warning goes. Default: process.stderr. */
  warn?: (message: string) => void;
  /**
   * What untrusted code this command would run (e.g. "model gpt-x writes the commands"), or
   * null/absent when only trusted code runs (the reference agents on the bundled tasks). With
   * `auto`, untrusted work never falls back to `local`.
   */
  untrusted?: string | null;
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
 * - `auto`: `bwrap` when its `init()` succeeds; else, when `untrusted` is null, `local` with the
 *   warning followed by the reason bwrap was not used; else it refuses (fail closed).
 * `quiet` silences the warning. The result's `kind` is the backend chosen. The bubblewrap program
 * is `opts.bwrap`, else `$FIXBENCH_BWRAP`, else `bwrap` on PATH.
 * @throws UserInputError (exit 2) when `bwrap` is asked for, or `auto` has untrusted work, and bwrap
 *   cannot run here; the message gives the reason, the fix for this host (see `probeSandbox`) and
 *   the explicit way out (`--sandbox local`).
 * @throws InfraError when the local sandbox cannot make its temp folders.
 */
export async function createSandbox(choice: SandboxChoice, opts: CreateSandboxOptions = {}): Promise<SandboxBackend> {
  const { quiet = false, warn = (m: string) => void process.stderr.write(m), roots, path, home, tmpDir, readOnly, untrusted = null } = opts;
  const bwrap = opts.bwrap ?? bwrapProgram();
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
      if (choice === 'bwrap' || untrusted !== null) throw await refusal(choice, reason, untrusted, bwrap);
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

/** The error of a sandbox that must isolate but cannot: the reason, this host's fix, the way out. */
async function refusal(choice: SandboxChoice, reason: string, untrusted: string | null, bwrap: string): Promise<UserInputError> {
  const probe = await probeSandbox({ bwrap });
  if (probe.reason) reason = probe.reason; // the probe's reason is shorter and matches its fixes
  const fixes = probe.fixes.length ? probe.fixes : ['see `fixbench doctor`'];
  const head =
    choice === 'bwrap'
      ? `--sandbox bwrap cannot be used: ${reason}`
      : `--sandbox auto: bwrap cannot isolate commands here (${reason}), and this would run untrusted code: ${untrusted}. ` +
        'fixbench stops before any work rather than run it unisolated';
  const fix = fixes.map((f) => `  - ${f}`).join('\n');
  return new UserInputError(
    `${head}.\nfix for this host (check it with \`fixbench doctor\`):\n${fix}\n` +
      '  - or, only in a disposable VM or container you accept to expose: --sandbox local (not isolated; recorded in run.json and the report)',
    { fix: fixes[0] },
  );
}
