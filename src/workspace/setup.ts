import { realpath } from 'node:fs/promises';
import path from 'node:path';
// Running a task's `setup` command (DESIGN.md §2, §4) in a workspace, and keeping what it
// creates out of the attempt's patch.
import type { TaskSpec } from '../config/task.ts';
import { InfraError } from '../core/errors.ts';
import { truncateText } from '../core/truncate.ts';
import type { ExecResult, Sandbox } from '../sandbox/types.ts';
import type { EnvCache, EnvCacheResult } from './env-cache.ts';
import { taskBrowser } from './browser.ts';
import { taskRuntimeExecOptions } from './node-runtime.ts';
import { recordSetupState } from './host-git.ts';
import type { Workspace } from './types.ts';

/** Default limit on `setup`: 30 minutes, in milliseconds. */
export const DEFAULT_SETUP_TIMEOUT_MS = 30 * 60 * 1000;

/** Characters of output quoted in a setup failure message (its head and tail, `truncateText`). */
const OUTPUT_CHARS = 4000;

/** What stands for a folder `ExecResult.removedDirs` names in a quoted output. */
const REMOVED_HOME = '<setup HOME, deleted>';

/**
 * A failed setup's stdout and stderr as quoted in its error: head and tail past `OUTPUT_CHARS`,
 * each folder of `res.removedDirs` (the sandbox's setup HOME: npm's debug log lies there) replaced
 * by `REMOVED_HOME`, with a line saying those files are gone. Pure.
 */
export function setupFailureOutput(res: Pick<ExecResult, 'stdout' | 'stderr' | 'removedDirs'>): string {
  let out = `${res.stdout}${res.stderr && res.stdout ? '\n--- stderr ---\n' : ''}${res.stderr}`;
  let gone = false;
  for (const dir of res.removedDirs ?? []) {
    if (!out.includes(dir)) continue;
    out = out.split(dir).join(REMOVED_HOME);
    gone = true;
  }
  const cut = truncateText(out, OUTPUT_CHARS);
  return gone ? `${cut}\n(${REMOVED_HOME}: the sandbox's HOME for setup, deleted when setup exited; files under it, such as a debug log, are gone: run the setup command in a checkout of your own to keep them)` : cut;
}

/**
 * Runs `task.setup` (when non-empty) with `bash -c` in the sandbox, cwd = the workspace, with
 * network access (`network: true`: installing dependencies needs the package registry; it runs
 * the task's own command on a fresh checkout, before any model or patch touches it). Agent
 * commands and test runs never get the network.
 * Then `recordSetupState` records the workspace as setup left it in fixbench's own git directory:
 * untracked files it leaves that the repository does not ignore are excluded there, so
 * `extractPatch` never counts setup output as the model's work and `git clean` between patch
 * attempts keeps the installed environment; setup's edits to tracked files become the state the
 * model's patch is taken against.
 *
 * With `opts.envCache` (and `task.repo`), setup runs once per environment key and later
 * workspaces get a copy of its output (`EnvCache.provide`); `opts.onCache` hears `hit`, `miss` or
 * `uncacheable`. A restored environment returns a synthetic result (exit 0, stdout naming the cache).
 *
 * Returns the command's result, or null when there is no setup. Throws `InfraError` (with the
 * exit status and `setupFailureOutput`) when setup exits non-zero or times out.
 */
export async function runSetup(
  workspace: Workspace,
  task: Pick<TaskSpec, 'instance_id' | 'setup'> & { repo?: string; dir?: string; node?: string; browser?: TaskSpec['browser'] },
  sandbox: Sandbox,
  opts: { timeoutMs?: number; env?: Record<string, string>; envCache?: EnvCache; onCache?: (r: EnvCacheResult) => void } = {},
): Promise<ExecResult | null> {
  if (!task.setup.trim()) return null;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS;
  // The task's own Node version, when it names one (installed once per version; node-runtime.ts).
  const runtime = await taskRuntimeExecOptions(task, { setup: true });
  const run = async (): Promise<ExecResult> => {
    const res = await sandbox.exec(task.setup, { cwd: workspace.dir, timeoutMs, network: true, ...runtime, ...(opts.env || runtime.env ? { env: { ...runtime.env, ...opts.env } } : {}) });
    if (res.timedOut || res.exitCode !== 0) {
      const status = res.timedOut ? `timed out after ${timeoutMs} ms` : `exited with ${res.exitCode ?? res.signal}`;
      throw new InfraError(`setup of ${task.instance_id} ${status}: ${task.setup}\n--- output ---\n${setupFailureOutput(res)}`);
    }
    return res;
  };
  let res: ExecResult | null = null;
  if (opts.envCache && task.repo !== undefined) {
    const t0 = Date.now();
    const notes: string[] = [];
    const origin = task.dir ? await realpath(path.dirname(task.dir)).catch(() => path.resolve(path.dirname(task.dir!))) : null;
    const cached = await opts.envCache.provide(workspace, { repo: task.repo, setup: task.setup, origin, node: task.node ?? null, browser: (await taskBrowser(task))?.cacheKey ?? null }, async () => {
      res = await run();
    }, (n) => notes.push(n));
    opts.onCache?.(cached);
    res ??= { exitCode: 0, signal: null, timedOut: false, stdout: `environment restored from ${opts.envCache.dir}\n`, stderr: '', durationMs: Date.now() - t0, truncated: false };
    if (notes.length) res = { ...res, stdout: `${notes.map((n) => `fixbench: ${n}\n`).join('')}${res.stdout}` };
  } else {
    res = await run();
  }
  await recordSetupState(workspace);
  return res;
}
