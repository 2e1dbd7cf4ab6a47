// The `local` sandbox: runs commands on the host as the current user, in their own process group,
// with a scrubbed environment, a timeout that kills the whole group, and capped output.
// It is NOT isolated (no network or filesystem restriction); see `createSandbox` for the warning.
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfraError } from '../core/errors.ts';
import { sandboxEnv } from './env.ts';
import { readInside, resolveRoots, workingDirInside, writeInside } from './roots.ts';
import { restoreOwnerAccess } from './owner-access.ts';
import { mkdtempOwned } from '../core/work-owner.ts';
import { MARKER_VAR, newMarker, reapMarked } from './reap.ts';
import { runProcessGroup } from './spawn.ts';
import type { ExecOptions, ExecResult, SandboxBackend } from './types.ts';

export interface LocalSandboxOptions {
  /** Folders under which workspaces lie (see `SandboxBackend.roots`). Default: the OS temp folder. */
  roots?: string[];
  /**
   * HOME of every command. Default: a temp dir made on first use (`fixbench-sandbox-*`, its owner
   * file beside HOME and TMPDIR) and removed by `cleanup()`, or by a later run's sweep when this
   * process was killed (src/core/work-owner.ts).
   */
  home?: string;
  /** TMPDIR of every command. Default: a temp dir beside the default HOME. */
  tmpDir?: string;
  /** PATH of every command. Default: the parent's PATH. */
  path?: string;
}

/**
 * Runs `bash -c <command>` on the host (`runProcessGroup`: its own process group, killed whole on
 * timeout or when bash exits; capped output; empty stdin unless `input`).
 *
 * - The environment is built by `sandboxEnv` only: nothing of `process.env` but PATH is passed.
 *   HOME and TMPDIR are `opts.home` / `opts.tmpDir` (an attempt's private pair), else one temp
 *   folder pair shared by every command of this sandbox (the setup's).
 * - Nothing the command starts outlives it: its process group is killed when it exits, and then
 *   every process still carrying its per-command marker (`FIXBENCH_SANDBOX_RUN`), e.g. one started
 *   with `setsid`, is killed too (`reapMarked`: best effort, see there for what escapes it).
 * - `network: false` is NOT enforced, nor are writes limited to the workspace: the cwd must lie
 *   inside `roots` (the same check as isolating backends, so a harness bug shows up here too),
 *   but the command can reach whatever the user can.
 *
 * Never throws for the command's own failure; throws `InfraError` when bash cannot be started
 * (missing, relative or out-of-roots `cwd`, no `bash`).
 */
export class LocalSandbox implements SandboxBackend {
  readonly kind = 'local' as const;
  readonly roots: readonly string[];
  #opts: LocalSandboxOptions;
  #root: Promise<{ home: string; tmpDir: string; made: string | null }> | null = null;

  constructor(opts: LocalSandboxOptions = {}) {
    this.#opts = opts;
    this.roots = resolveRoots(opts.roots);
  }

  /** Makes the temp HOME/TMPDIR (nothing to check: bash is looked up at `exec`). */
  async init(): Promise<void> {
    await this.#dirs();
  }

  async exec(command: string, opts: ExecOptions): Promise<ExecResult> {
    const cwd = await workingDirInside(opts.cwd, this.roots);
    await restoreOwnerAccess(cwd); // an earlier `chmod 000 .` would fail the spawn (EACCES): not the harness's fault
    const dirs = await this.#dirs();
    const marker = newMarker();
    const env = {
      ...sandboxEnv({ path: [...(opts.pathPrefix ?? []), this.#opts.path ?? process.env.PATH ?? '/usr/bin:/bin'].join(':'), home: opts.home ?? dirs.home, tmpDir: opts.tmpDir ?? dirs.tmpDir }, opts.env),
      [MARKER_VAR]: marker,
    };
    const { result } = await runProcessGroup({
      file: 'bash',
      args: ['-c', '--', command], // `--`: a command starting with - or + is a command, not bash's options
      cwd: opts.cwd,
      env,
      timeoutMs: opts.timeoutMs,
      ...(opts.maxOutputBytes === undefined ? {} : { maxOutputBytes: opts.maxOutputBytes }),
      ...(opts.keepTailBytes === undefined ? {} : { keepTailBytes: opts.keepTailBytes }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      ...(opts.input === undefined ? {} : { input: opts.input }),
    });
    // What left the process group (setsid, double fork) but kept the marker dies with the command.
    await reapMarked(marker);
    return result;
  }

  read(path: string): Promise<Buffer> {
    return readInside(path, this.roots);
  }

  write(path: string, content: string | Uint8Array): Promise<void> {
    return writeInside(path, content, this.roots);
  }

  /** Removes the temp HOME/TMPDIR this sandbox made (not ones passed in). Safe to call twice. */
  async cleanup(): Promise<void> {
    const root = this.#root;
    this.#root = null;
    const made = root ? (await root.catch(() => null))?.made : null;
    if (made) await rm(made, { recursive: true, force: true });
  }

  #dirs(): Promise<{ home: string; tmpDir: string }> {
    this.#root ??= (async () => {
      const { home, tmpDir } = this.#opts;
      if (home && tmpDir) return { home, tmpDir, made: null };
      // Marked before it has its name: a later run removes it if this process dies first
      // (src/core/work-owner.ts); its HOME and TMPDIR are folders below, so the owner file is no
      // command's HOME or TMPDIR content.
      const made = await mkdtempOwned(tmpdir(), 'fixbench-sandbox-');
      const dirs = { home: home ?? join(made, 'home'), tmpDir: tmpDir ?? join(made, 'tmp'), made };
      await mkdir(dirs.home, { recursive: true });
      await mkdir(dirs.tmpDir, { recursive: true });
      return dirs;
    })();
    return this.#root;
  }
}
