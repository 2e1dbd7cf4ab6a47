// Sandbox factory: picks a backend by name and warns, once per process, when it is not isolated.
import { LocalSandbox, type LocalSandboxOptions } from './local.ts';
import type { Sandbox } from './types.ts';

export type { ExecOptions, ExecResult, Sandbox } from './types.ts';
export { LocalSandbox, type LocalSandboxOptions } from './local.ts';

export type SandboxKind = 'local';

export interface CreateSandboxOptions extends LocalSandboxOptions {
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
 * Creates a sandbox of the given kind. `local` prints `LOCAL_SANDBOX_WARNING` to stderr the first
 * time it is created in a process, unless `quiet`. Only `local` exists so far (`bwrap`, `docker`
 * are planned, DESIGN.md §1).
 */
export function createSandbox(kind: SandboxKind, opts: CreateSandboxOptions = {}): Sandbox & { dispose(): Promise<void> } {
  if (kind !== 'local') throw new Error(`unknown sandbox kind: ${String(kind)}`);
  const { quiet = false, warn = (m: string) => void process.stderr.write(m), ...local } = opts;
  if (!quiet && !warned) {
    warned = true;
    warn(LOCAL_SANDBOX_WARNING);
  }
  return new LocalSandbox(local);
}
