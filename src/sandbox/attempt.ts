// One attempt's private corner of the host (DESIGN.md §11): a fresh HOME, TMPDIR and proxy-socket
// folder, outside every workspace, given to every command of the attempt and removed after it.
import { mkdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeTreeAt } from './remove-tree.ts';
import { mkdtempOwned } from '../core/work-owner.ts';
import type { ExecOptions, ExecResult, Sandbox } from './types.ts';
import { WarmSlot } from './warm.ts';

/** The folders of one attempt, all under one `mkdtempOwned` folder (mode 0700) in the OS temp folder. */
export interface AttemptIsolation {
  /**
   * The sandbox to hand the agent: every `exec` gets `home` and `tmpDir` (a caller's own values are
   * overridden) and sees `infoDir` read-only. With a backend that has `startWarm`, `warmNext` starts
   * the next command's container ahead (src/sandbox/warm.ts); `dropWarm` and `cleanup` kill it unused.
   */
  sandbox: Sandbox;
  /** HOME of the attempt's commands (real path). */
  home: string;
  /** TMPDIR of the attempt's commands (real path). */
  tmpDir: string;
  /**
   * Folder for what the host hands the agent (the problem statement): written by fixbench before
   * any command of the attempt runs, shown read-only to every command (real path). The host never
   * writes into the workspace once untrusted code has touched it (DESIGN.md §11).
   */
  infoDir: string;
  /** Folder for the metering proxy's Unix socket (bound read-only into a sandbox without network). */
  runDir: string;
  /** Kills a warm container left unused and waits until it is gone, then removes the folders. Safe to call twice; never throws. */
  cleanup(): Promise<void>;
}

/**
 * Makes an attempt's private HOME, TMPDIR and socket folder, and a `Sandbox` view of `sandbox` that
 * runs every command with them. Nothing the attempt writes there reaches another attempt, a setup
 * (which runs on `sandbox` itself, with the sandbox's own HOME) or grading; `cleanup()` removes it.
 * @param base parent folder (default: the OS temp folder); made if missing.
 * @throws Error when the folders cannot be made.
 */
export async function isolateAttempt(sandbox: Sandbox, base = tmpdir()): Promise<AttemptIsolation> {
  await mkdir(base, { recursive: true });
  // holds its owner from the moment it has its name: a later run removes it if this process dies first (src/core/work-owner.ts)
  const root = await realpath(await mkdtempOwned(base, 'fixbench-attempt-'));
  const home = join(root, 'home');
  const tmpDir = join(root, 'tmp');
  const runDir = join(root, 'run');
  const infoDir = join(root, 'info');
  await Promise.all([home, tmpDir, runDir, infoDir].map((d) => mkdir(d, { mode: 0o700 })));
  let gone: Promise<void> | null = null;
  const own = (opts: ExecOptions): ExecOptions => ({ ...opts, home, tmpDir, readOnly: [...new Set([...(opts.readOnly ?? []), infoDir])] });
  const warm = new WarmSlot(sandbox);
  return {
    sandbox: {
      kind: sandbox.kind,
      exec: (command: string, opts: ExecOptions): Promise<ExecResult> => warm.exec(command, own(opts)),
      warmNext: (opts: ExecOptions, pendingSinceMs?: number) => warm.prepare(own(opts), pendingSinceMs),
      dropWarm: () => warm.drop(),
    },
    home,
    tmpDir,
    infoDir,
    runDir,
    cleanup: () => (gone ??= warm.drop().then(() => removeTree(root))),
  };
}

/** Runs `fn` with a fresh `isolateAttempt(sandbox)`, removed afterwards whatever `fn` did. */
export async function withAttemptIsolation<T>(sandbox: Sandbox, fn: (own: AttemptIsolation) => Promise<T>): Promise<T> {
  const own = await isolateAttempt(sandbox);
  try {
    return await fn(own);
  } finally {
    await own.cleanup();
  }
}

/**
 * Removes `root` and everything below, also folders an agent made unreadable and chains deeper than
 * PATH_MAX (`removeTreeAt`, when fs.rm left anything: symlinks are never followed). What cannot be
 * removed is reported on stderr (`warning: fixbench could not remove <removeTreeAt's message>`).
 * Never throws.
 */
export async function removeTree(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true }).catch(() => undefined); // e.g. EACCES below a folder made mode 000
  const left = await removeTreeAt(root);
  if (left) process.stderr.write(`warning: fixbench could not remove ${left}\n`);
}
