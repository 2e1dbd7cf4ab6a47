// The `bwrap` sandbox: runs each command in a throw-away bubblewrap container (DESIGN.md §11): no
// network, its own PID namespace, a read-only system, and write access to its workspace only.
import { execFile } from 'node:child_process';
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { removeTree } from './attempt.ts';
import { restoreOwnerAccess } from './owner-access.ts';
import { mkdtempOwned } from '../core/work-owner.ts';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { InfraError } from '../core/errors.ts';
import { BWRAP_ENV } from './probe.ts';
import { sandboxEnv } from './env.ts';
import { SANDBOX_PROXY_DIR, launcher, relayCommand, type RelayProgram } from './relay.ts';
import { lockedBindArgs } from './locked-binds.ts';
import { lockedPycacheArgs, lockedPythonEnv } from './locked-python.ts';
import { isStrictlyInside, readInside, resolveRoots, workingDirInside, writeInside } from './roots.ts';
import { runProcessGroup } from './spawn.ts';
import type { ExecOptions, ExecResult, SandboxBackend } from './types.ts';
import { WARM_LAUNCHER, WarmContainer, warmEligible } from './warm.ts';
const execFileP = promisify(execFile);

/** Host folders shown read-only inside (a symlink, as in merged-/usr systems, is recreated as one). */
const SYSTEM_PATHS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];

/** HOME of a command without network: an empty folder on its private /tmp. */
const SANDBOX_HOME = '/tmp/.fixbench-home';

/** The fd on which bwrap reports its container's init pid (`--info-fd`; the spawn helper's layout). */
const INFO_FD = 6;

/**
 * Size cap of each container's private /tmp (a tmpfs, in RAM), bytes: 2 GiB. A command that fills it
 * gets ENOSPC inside its own sandbox instead of filling the host's RAM. Set with `tmpfsBytes`.
 * Needs bubblewrap ≥ 0.5 (`--size`); with an older one the /tmp is uncapped, as before.
 */
export const SANDBOX_TMPFS_BYTES = 2 * 1024 ** 3;

/** Limit on `init()`'s trial run, milliseconds. */
const INIT_TIMEOUT_MS = 30_000;


export interface BwrapSandboxOptions {
  /** Folders under which workspaces lie (see `SandboxBackend.roots`). Default: the OS temp folder. */
  roots?: string[];
  /** PATH of every command. Default: the parent's PATH. */
  path?: string;
  /** The bubblewrap program. Default: `bwrap` on the parent's PATH. */
  bwrap?: string;
  /**
   * More host folders to show read-only (a toolchain outside /usr). The folder of the running
   * `node` is always shown.
   */
  readOnly?: string[];
  /** Size cap of the private /tmp, bytes (default SANDBOX_TMPFS_BYTES). */
  tmpfsBytes?: number;
}

/**
 * Whether the bubblewrap of `--version` output `version` (`bubblewrap 0.8.0`) knows `--size`
 * (0.5.0 and later). An unreadable version is taken as new enough: then a refusal shows in `init()`'s
 * trial run, with bwrap's own message.
 */
export function bwrapHasSize(version: string | null): boolean {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(version ?? '');
  if (!m) return true;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 0 || minor >= 5;
}

/**
 * Runs `bash -c <command>` inside `bwrap`, one fresh container per command:
 *
 * - **network**: none (`--unshare-net`: only its own loopback), unless `network: true` (the task's
 *   setup, or an external agent with `network: host`), which shares the host's network and its DNS
 *   configuration. With `proxy` (an external agent), the proxy socket's folder is bound read-only
 *   at `/run/fixbench-proxy` and a relay (src/sandbox/relay.ts) serves it on the container's own
 *   `127.0.0.1:<port>` before the command starts: the one way out;
 * - **processes**: its own PID, IPC, UTS and user namespaces (`--unshare-all`), a new session, no
 *   capabilities; it cannot see or signal fixbench nor read `/proc/<pid>/environ` of anything
 *   outside; it dies with fixbench (`--die-with-parent`);
 * - **files**: /usr, /bin, /lib*, /etc (and the running node's folder) read-only; a fresh /dev,
 *   /proc and a private, empty /tmp (TMPDIR) per command, capped at SANDBOX_TMPFS_BYTES. The only host folder it can write is
 *   its workspace, `cwd` (bound read-write at its real path), which must lie inside `roots`, and
 *   `home` / `tmpDir` when given (an attempt's private pair, bound read-write at their paths).
 *   Without them HOME is an empty folder on the private /tmp, so nothing it writes outside the
 *   workspace survives the command; a `network: true` command without `home` (setup) gets a
 *   fresh HOME of its own on the host's disk (package caches such as ~/.npm fit there), removed
 *   when it exits: nothing one task's setup leaves in HOME (an `.npmrc`, a poisoned cache) reaches
 *   another setup.
 * - **environment**: cleared, then `sandboxEnv` (no API key; bwrap itself is started with PATH
 *   only, since its process is visible inside as PID 1);
 * - **time**: bwrap leads a process group (`runProcessGroup`); on timeout the group gets SIGKILL,
 *   which takes the container's PID 1 and so every process in it. When the command exits, what
 *   it left running in the background is killed with the container.
 *
 * A command killed by a signal inside shows as `exitCode` 128+n (bwrap's convention), not `signal`;
 * `signal` is SIGKILL only when fixbench killed the container (timeout).
 *
 * **Warm containers** (`startWarm`, src/sandbox/warm.ts; an attempt's agent commands only): the
 * container of the next command is started with everything but the command (the same arguments as
 * the cold one, `workingDirInside` and `restoreOwnerAccess` done first, after the previous command
 * ended); `exec` then writes the command to it, and only when its options give the very same
 * container arguments, else it is killed and the command runs cold. Still one fresh container per
 * command, killed whole when the command ends; the timeout, abort and `durationMs` count from the
 * dispatch; a container that died before taking the command means a cold run, never an error.
 * Not for commands with network or the proxy (setup, external agents).
 */
export class BwrapSandbox implements SandboxBackend {
  readonly kind = 'bwrap' as const;
  readonly roots: readonly string[];
  #opts: BwrapSandboxOptions;
  #path: string;
  #systemArgs: string[] | null = null;
  /** Folder (0700) of each setup's HOME while it runs and of its owner file (`mkdtempOwned`, never bound): removed by `cleanup()` or a later run's sweep. */
  #homes: string | null = null;
  #relay: RelayProgram | null = null;
  /** `--size <bytes>` before `--tmpfs /tmp` when this bwrap knows it (`init()` decides), else nothing. */
  #tmpfsSize: string[] = [];
  #ready: Promise<void> | null = null;

  constructor(opts: BwrapSandboxOptions = {}) {
    this.#opts = opts;
    this.roots = resolveRoots(opts.roots);
    this.#path = opts.path ?? process.env.PATH ?? '/usr/bin:/bin';
  }

  /**
   * Makes the sandbox's HOME and runs `true` in a container built exactly as `exec` builds them.
   * Idempotent (the first call's promise is returned; a failure is remembered).
   * @throws InfraError naming what is missing: bwrap itself (`missingBwrap`), or
   *   usable user namespaces.
   */
  init(): Promise<void> {
    this.#ready ??= (async () => {
      try {
        this.#systemArgs = systemArgs(this.#opts.readOnly ?? []);
      } catch (err) {
        throw new InfraError(`bwrap sandbox: a folder to show read-only cannot be resolved: ${(err as Error).message}`, { cause: err });
      }
      // marked before it has its name: removed by a later run if this process dies first; a container gets one HOME bound, never this folder
      this.#homes = await mkdtempOwned(tmpdir(), 'fixbench-bwrap-');
      const version = await execFileP(this.#bwrap, ['--version'], { env: { PATH: this.#path }, timeout: INIT_TIMEOUT_MS }).then((r) => r.stdout, () => null);
      if (bwrapHasSize(version)) this.#tmpfsSize = ['--size', String(this.#opts.tmpfsBytes ?? SANDBOX_TMPFS_BYTES)];
      let trial: { result: ExecResult; started: boolean };
      try {
        trial = await this.#run('true', null, { timeoutMs: INIT_TIMEOUT_MS });
      } catch (err) {
        if (!/ENOENT/.test((err as Error).message)) throw err;
        throw new InfraError(missingBwrap(this.#bwrap));
      }
      const { result } = trial;
      if (!trial.started || result.exitCode !== 0) {
        const status = result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`;
        throw new InfraError(
          `bubblewrap cannot build a sandbox here (${status}): ${result.stderr.trim() || result.stdout.trim() || 'no message'}. ` +
            'Unprivileged user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04+ ' +
            'kernel.apparmor_restrict_unprivileged_userns=0), or a container forbids them (run it with ' +
            '--security-opt seccomp=unconfined, or use --sandbox local inside a disposable VM)',
        );
      }
    })();
    return this.#ready;
  }

  async exec(command: string, opts: ExecOptions, warm?: WarmContainer): Promise<ExecResult> {
    await this.init();
    if (warm) {
      // Its workspace was resolved, checked and given back its owner's access when it started, after
      // the previous command had ended; no command of the attempt has run since.
      if (warm.ready && warm.cwd.given === opts.cwd && warmEligible(command) && warm.key === this.#warmKey(warm.cwd.resolved, opts)) {
        const ran = await warm.run(command, opts);
        // no `started`: the command never ran in it (set-up failed, or it died waiting): run it cold
        if (ran.status === 'started' || ran.result.timedOut) return ran.result;
      } else warm.kill();
    }
    const cwd = await workingDirInside(opts.cwd, this.roots);
    // An earlier command may have taken its workspace's owner bits (`chmod 000 .`): bwrap's
    // `--chdir` would fail before the command starts, an infra error the model caused.
    await restoreOwnerAccess(cwd);
    const { result, started } = await this.#run(command, cwd, opts);
    if (!started && !result.timedOut) {
      throw new InfraError(`bubblewrap could not set up the sandbox (exit ${result.exitCode ?? result.signal}): ${result.stderr.trim() || 'no message'}`);
    }
    return result;
  }

  /** See the class's docstring ("Warm containers") and `Sandbox.startWarm`. */
  async startWarm(opts: ExecOptions): Promise<WarmContainer | null> {
    if (opts.network === true || opts.proxy) return null;
    await this.init();
    const cwd = await workingDirInside(opts.cwd, this.roots);
    await restoreOwnerAccess(cwd);
    const key = this.#warmKey(cwd, opts)!;
    const args = this.#containerArgs(cwd, opts, false, opts.home ?? SANDBOX_HOME, false);
    return WarmContainer.start(key, { given: opts.cwd, resolved: cwd }, { file: this.#bwrap, args: [...args, ...WARM_LAUNCHER], cwd: '/', env: { PATH: this.#path } }, opts.signal);
  }

  /** What makes a warm container fit a command: the program and every container argument; null when none would. */
  #warmKey(cwd: string, opts: ExecOptions): string | null {
    if (opts.network === true || opts.proxy) return null;
    return JSON.stringify([this.#bwrap, this.#path, this.#containerArgs(cwd, opts, false, opts.home ?? SANDBOX_HOME, false)]);
  }

  read(path: string): Promise<Buffer> {
    return readInside(path, this.roots);
  }

  write(path: string, content: string | Uint8Array): Promise<void> {
    return writeInside(path, content, this.roots);
  }

  /** Removes this sandbox's folder of setup HOMEs. Safe to call twice. */
  async cleanup(): Promise<void> {
    const ready = this.#ready;
    const homes = this.#homes;
    this.#ready = null;
    this.#homes = null;
    await ready?.catch(() => undefined);
    if (homes) await removeTree(homes);
  }

  get #bwrap(): string {
    return this.#opts.bwrap ?? 'bwrap';
  }

  /**
   * Runs `command` in a fresh container; `workspace` (a real path) is bound read-write and is the
   * cwd. `started` is false when bwrap failed before the command ran (its message is on stderr).
   */
  async #run(command: string, workspace: string | null, opts: Omit<ExecOptions, 'cwd'>): Promise<{ result: ExecResult; started: boolean }> {
    const network = opts.network === true;
    // A private HOME / TMPDIR given by the caller (the attempt's) is bound at its own path; a setup
    // without one gets a fresh host folder, removed when it exits.
    const ownHome = !opts.home && network ? await mkdtemp(join(this.#homes!, 'home-')) : null;
    try {
      const ran = await this.#runWith(command, workspace, opts, network, opts.home ?? ownHome ?? SANDBOX_HOME);
      return ownHome ? { ...ran, result: { ...ran.result, removedDirs: [ownHome] } } : ran;
    } finally {
      if (ownHome) await removeTree(ownHome);
    }
  }

  async #runWith(command: string, workspace: string | null, opts: Omit<ExecOptions, 'cwd'>, network: boolean, home: string): Promise<{ result: ExecResult; started: boolean }> {
    const relay = opts.proxy && !network ? { program: (this.#relay ??= relayCommand()), socket: `${SANDBOX_PROXY_DIR}/${basename(opts.proxy.socket)}`, port: opts.proxy.port } : undefined;
    const { result, status } = await runProcessGroup({
      file: this.#bwrap,
      args: [...this.#containerArgs(workspace, opts, network, home, relay !== undefined), ...launcher(command, relay)],
      cwd: '/',
      env: { PATH: this.#path },
      timeoutMs: opts.timeoutMs,
      statusFd: true,
      infoFd: true,
      ...(opts.maxOutputBytes === undefined ? {} : { maxOutputBytes: opts.maxOutputBytes }),
      ...(opts.keepTailBytes === undefined ? {} : { keepTailBytes: opts.keepTailBytes }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      ...(opts.input === undefined ? {} : { input: opts.input }),
    });
    return { result, started: status === 'started' };
  }

  /** bwrap's arguments up to and including its `--` (the container without its launcher); `relay`: the proxy's folder is bound. */
  #containerArgs(workspace: string | null, opts: Omit<ExecOptions, 'cwd'>, network: boolean, home: string, relay: boolean): string[] {
    const locked = opts.lockedPaths !== undefined, path = [...(opts.pathPrefix ?? []), this.#path].join(':');
    const env = sandboxEnv({ path, home, tmpDir: opts.tmpDir ?? '/tmp' }, { ...opts.env, ...(locked ? lockedPythonEnv() : {}) });
    return [
      // bwrap reports its child (the container's init) here: killed with bwrap's group (spawn-helper.mjs)
      '--info-fd', String(INFO_FD),
      '--unshare-all',
      ...(network ? ['--share-net'] : []),
      '--die-with-parent',
      '--new-session',
      '--cap-drop', 'ALL',
      // /tmp first: binds below may lie inside it (a checkout under /tmp) and must sit on top of it
      '--proc', '/proc',
      '--dev', '/dev',
      ...this.#tmpfsSize, '--tmpfs', '/tmp',
      ...this.#systemArgs!,
      ...(network ? resolvConfArgs() : []),
      ...(home === SANDBOX_HOME ? ['--dir', SANDBOX_HOME] : ['--bind', home, home]),
      ...(opts.tmpDir ? ['--bind', opts.tmpDir, opts.tmpDir] : []),
      ...(opts.readOnly ?? []).flatMap((p) => ['--ro-bind', p, p]),
      ...(relay ? ['--ro-bind', dirname(opts.proxy!.socket), SANDBOX_PROXY_DIR] : []),
      ...(locked ? lockedPycacheArgs() : []),
      ...(workspace ? ['--bind', workspace, workspace, ...lockedBindArgs(workspace, opts.lockedPaths ?? []), '--chdir', workspace] : ['--chdir', '/']),
      '--clearenv',
      ...Object.entries(env).flatMap(([k, v]) => ['--setenv', k, v]),
      '--',
    ];
  }
}

/**
 * Read-only binds of the system folders, of `extra` folders and of the running node's install
 * prefix (`<prefix>/bin/node`; just its folder when the prefix would be `/`). `/` itself is never
 * bound.
 */
function systemArgs(extra: readonly string[]): string[] {
  const args: string[] = [];
  const shown: string[] = [];
  for (const p of SYSTEM_PATHS) {
    const st = lstatOrNull(p);
    if (!st) continue;
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(p), p);
    else if (st.isDirectory()) {
      args.push('--ro-bind', p, p);
      shown.push(p);
    }
  }
  const nodeDir = dirname(realpathSync(process.execPath));
  const nodePrefix = dirname(nodeDir) === '/' ? nodeDir : dirname(nodeDir);
  for (const p of [nodePrefix, ...extra.map((e) => realpathSync(e))]) {
    if (p === '/' || shown.some((s) => s === p || isStrictlyInside(p, s))) continue;
    args.push('--ro-bind', p, p);
    shown.push(p);
  }
  return args;
}

/** When /etc/resolv.conf links outside /etc (systemd-resolved), its target too, so DNS works. */
function resolvConfArgs(): string[] {
  if (!lstatOrNull('/etc/resolv.conf')?.isSymbolicLink()) return [];
  let target: string;
  try {
    target = realpathSync('/etc/resolv.conf');
  } catch {
    return [];
  }
  return ['--ro-bind-try', target, target];
}

function lstatOrNull(p: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

/**
 * Why the bubblewrap program `program` could not start, with the fix: `bwrap` not on PATH → install
 * it; any other program (`$FIXBENCH_BWRAP`, as `fixbench doctor` says) → point the variable at
 * bubblewrap or unset it.
 */
export function missingBwrap(program: string, env: NodeJS.ProcessEnv = process.env): string {
  if (program === 'bwrap') return 'bubblewrap is not installed: "bwrap" was not found on PATH; install it (apt-get install bubblewrap)';
  const named = env[BWRAP_ENV]?.trim() === program ? `$${BWRAP_ENV} names "${program}"` : `the bubblewrap program "${program}"`;
  return `${named}, which does not exist or is not executable: point $${BWRAP_ENV} at bubblewrap, or unset it to use bwrap on PATH (apt-get install bubblewrap)`;
}
