// The `local` sandbox: runs commands on the host as the current user, in their own process group,
// with a scrubbed environment, a timeout that kills the whole group, and capped output.
// It is NOT isolated (no network or filesystem restriction); see `createSandbox` for the warning.
import { mkdtemp, mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { execa } from 'execa';
import { InfraError } from '../core/errors.ts';
import { DEFAULT_MAX_OUTPUT_BYTES, OutputCapture } from './capture.ts';
import { sandboxEnv } from './env.ts';
import { killGroup, trackGroup, untrackGroup } from './process-group.ts';
import type { ExecOptions, ExecResult, Sandbox } from './types.ts';

/** Longest delay `setTimeout` honours (larger values fire at once): ~24.8 days. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LocalSandboxOptions {
  /** HOME of every command. Default: a temp dir made on first use and removed by `dispose()`. */
  home?: string;
  /** TMPDIR of every command. Default: a temp dir beside the default HOME. */
  tmpDir?: string;
  /** PATH of every command. Default: the parent's PATH. */
  path?: string;
}

/**
 * Runs `bash -c <command>` on the host.
 *
 * - The command leads a new process group (`detached`); on timeout the whole group gets SIGKILL,
 *   so backgrounded grandchildren die too. When the leader exits normally, whatever it left
 *   running in its group is killed as well (a daemon cannot outlive its command or hold the pipes).
 * - The environment is built by `sandboxEnv` only: nothing of `process.env` but PATH is passed.
 * - stdout/stderr are captured as bytes up to `maxOutputBytes` each and decoded once as UTF-8.
 * - stdin is empty unless `input` is given.
 *
 * Never throws for the command's own failure; throws `InfraError` when bash cannot be started
 * (missing or relative `cwd`, no `bash`).
 */
export class LocalSandbox implements Sandbox {
  readonly kind = 'local' as const;
  #opts: LocalSandboxOptions;
  #root: Promise<{ home: string; tmpDir: string; made: string | null }> | null = null;

  constructor(opts: LocalSandboxOptions = {}) {
    this.#opts = opts;
  }

  async exec(command: string, opts: ExecOptions): Promise<ExecResult> {
    if (!isAbsolute(opts.cwd)) throw new InfraError(`sandbox cwd must be absolute, got ${JSON.stringify(opts.cwd)}`);
    const cwdStat = await stat(opts.cwd).catch(() => null);
    if (!cwdStat?.isDirectory()) throw new InfraError(`sandbox cwd is not a directory: ${opts.cwd}`);
    const dirs = await this.#dirs();
    const env = sandboxEnv({ path: this.#opts.path ?? process.env.PATH ?? '/usr/bin:/bin', ...dirs }, opts.env);
    const out = new OutputCapture(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    const err = new OutputCapture(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);

    const started = performance.now();
    const child = execa('bash', ['-c', command], {
      cwd: opts.cwd,
      env,
      extendEnv: false,
      reject: false,
      detached: true,
      cleanup: false,
      buffer: false,
      encoding: 'buffer',
      stripFinalNewline: false,
      windowsHide: true,
      ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
    });
    const pid = child.pid;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    if (pid !== undefined) {
      trackGroup(pid);
      timer = setTimeout(() => {
        timedOut = true;
        killGroup(pid);
      }, Math.min(opts.timeoutMs, MAX_TIMER_MS));
      // The leader is gone: reap the rest of its group so nothing keeps running or holds our pipes.
      child.once('exit', () => killGroup(pid));
    }
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));

    const result = await child;
    const durationMs = performance.now() - started;
    if (timer) clearTimeout(timer);
    if (pid !== undefined) untrackGroup(pid);

    if (pid === undefined || (result.exitCode === undefined && result.signal === undefined && !timedOut)) {
      throw new InfraError(`sandbox could not start bash in ${opts.cwd}: ${result.message ?? 'unknown error'}`);
    }
    return {
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      timedOut,
      stdout: out.text(),
      stderr: err.text(),
      durationMs,
      truncated: out.truncated || err.truncated,
    };
  }

  /** Removes the temp HOME/TMPDIR this sandbox made (not ones passed in). Safe to call twice. */
  async dispose(): Promise<void> {
    const root = this.#root;
    this.#root = null;
    const made = root ? (await root).made : null;
    if (made) await rm(made, { recursive: true, force: true });
  }

  #dirs(): Promise<{ home: string; tmpDir: string }> {
    this.#root ??= (async () => {
      const { home, tmpDir } = this.#opts;
      if (home && tmpDir) return { home, tmpDir, made: null };
      const made = await mkdtemp(join(tmpdir(), 'fixbench-sandbox-'));
      const dirs = { home: home ?? join(made, 'home'), tmpDir: tmpDir ?? join(made, 'tmp'), made };
      await mkdir(dirs.home, { recursive: true });
      await mkdir(dirs.tmpDir, { recursive: true });
      return dirs;
    })();
    return this.#root;
  }
}
