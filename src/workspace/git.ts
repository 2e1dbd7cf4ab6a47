// Hermetic git for the harness: simple-git instances that ignore the user's global and system
// config, never run hooks or fsmonitor, and reject on any non-zero exit. `gitAt` is for folders
// fixbench owns (mirrors, checkout templates); git on a workspace goes through `hostGit`
// (host-git.ts), which never reads the workspace's own `.git`.
import { lstat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError, simpleGit, type SimpleGit } from 'simple-git';
import { InfraError } from '../core/errors.ts';
import { hostPath } from '../core/host-path.ts';

/** Identity of commits made in a workspace (agents and `git stash` need one). */
export const GIT_IDENTITY = { name: 'fixbench', email: 'fixbench@localhost' } as const;

/** The single branch of a workspace, pointing at `base_commit`. */
export const WORKSPACE_BRANCH = 'main';

/**
 * Config passed with `-c` on every harness git command: it wins over the repository's own config,
 * so an agent-edited `.git/config` cannot make the harness run a hook or fsmonitor, or rewrite
 * line endings.
 */
export const GIT_COMMAND_CONFIG: readonly string[] = [
  'core.autocrlf=false',
  'core.safecrlf=false',
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.quotePath=true',
  'gc.auto=0',
  'advice.detachedHead=false',
  'init.defaultBranch=main',
];

/** Environment of harness git commands: no global/system config, no prompts, fixed identity. */
export function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: hostPath(), // absolute entries only: git runs with its cwd in a workspace the agent wrote
    HOME: tmpdir(),
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: GIT_IDENTITY.name,
    GIT_AUTHOR_EMAIL: GIT_IDENTITY.email,
    GIT_COMMITTER_NAME: GIT_IDENTITY.name,
    GIT_COMMITTER_EMAIL: GIT_IDENTITY.email,
    ...extra,
  };
}

/**
 * A simple-git instance rooted at `dir`. With `hermetic` (default) it uses `gitEnv(env)`;
 * without, the parent's environment (needed to clone private URLs with the user's credentials).
 * `config` adds `-c` settings; `silentLimitMs` kills a git process that prints nothing for that
 * long. Every non-zero exit rejects with a `GitError` whose message is git's output.
 */
export function gitAt(dir: string, opts: { hermetic?: boolean; env?: Record<string, string>; config?: readonly string[]; silentLimitMs?: number } = {}): SimpleGit {
  const git = simpleGit({
    baseDir: dir,
    config: [...GIT_COMMAND_CONFIG, ...(opts.config ?? [])],
    ...(opts.silentLimitMs ? { timeout: { block: opts.silentLimitMs } } : {}),
    maxConcurrentProcesses: 4,
    // We set these keys only to switch the feature off or to point config at /dev/null.
    unsafe: { allowUnsafeHooksPath: true, allowUnsafeFsMonitor: true, allowUnsafeConfigPaths: true },
    errors(error, result) {
      if (error) return error;
      if (result.exitCode !== 0) return Buffer.concat([...result.stdOut, ...result.stdErr]);
      return undefined;
    },
  });
  git.outputHandler(endSilently);
  return opts.hermetic === false ? git : git.env(gitEnv(opts.env));
}

/**
 * simple-git (3.x, its completion plugin) waits a further 50 ms after a git process has closed
 * whenever that process printed nothing, in case its output is late: ~50 ms for every silent
 * command (`git apply`, `git add`, an empty `git diff`), several per attempt. Output cannot be late
 * once both of the process's pipes have ended, so at that moment this gives simple-git an empty
 * chunk on stdout (the bytes it collects are unchanged: an empty Buffer). The process's exit code,
 * output and errors are read as before; the completion still waits for the process's `close`.
 * (The empty chunk also counts as output for the silence limit, only once both pipes are closed.)
 */
function endSilently(_command: string, stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream): void {
  let open = 2;
  const ended = (): void => {
    if (--open === 0) stdout.emit('data', Buffer.alloc(0));
  };
  stdout.once('end', ended);
  stderr.once('end', ended);
}

/** Runs `git <args>` and returns `{ok, output}` instead of rejecting on failure. */
export async function gitTry(git: Pick<SimpleGit, 'raw'> | { raw(args: string[]): Promise<string> }, args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    return { ok: true, output: await git.raw(args) };
  } catch (err) {
    if (err instanceof GitError) return { ok: false, output: err.message };
    throw err;
  }
}

/** Wraps a git failure as an `InfraError` naming what the harness was doing. */
export function gitFailure(doing: string, err: unknown): InfraError {
  const msg = err instanceof Error ? err.message : String(err);
  return new InfraError(`git failed while ${doing}: ${msg.trim()}`, { cause: err });
}

/** The config a workspace's `.git/config` holds: nothing but core settings and the identity. */
const WORKSPACE_CONFIG = `[core]
\trepositoryformatversion = 0
\tfilemode = true
\tbare = false
\tlogallrefupdates = true
\tautocrlf = false
[user]
\tname = ${GIT_IDENTITY.name}
\temail = ${GIT_IDENTITY.email}
[gc]
\tauto = 0
`;

/**
 * (Re)writes `<dir>/.git/config` to the canonical workspace config (used on fixbench's own
 * checkout templates, before any agent sees a copy). Throws `InfraError` when `.git` is not a real
 * directory.
 */
export async function resetWorkspaceGitConfig(dir: string): Promise<void> {
  const st = await lstat(join(dir, '.git')).catch(() => null);
  if (!st?.isDirectory()) throw new InfraError(`${join(dir, '.git')} is not a git directory (missing, a file or a symlink)`);
  await writeFile(join(dir, '.git', 'config'), WORKSPACE_CONFIG);
}
