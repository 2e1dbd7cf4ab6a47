// The agent's workspace of one attempt: its path decided first, then the checkout and (for
// model-driven agents) setup; the built-in bash agent's first model call overlaps the making.
import type { TaskSpec } from '../config/task.ts';
import type { AttemptResult } from '../agents/types.ts';
import type { ContenderPlan } from '../agents/factory.ts';
import { NoopAgent } from '../agents/noop.ts';
import type { EnvCacheStatus } from '../core/records.ts';
import { createWorkspace, planWorkspace, runSetup } from '../workspace/index.ts';
import type { Workspace } from '../workspace/types.ts';
import type { AttemptEnv, Worked } from './attempt.ts';
import type { HarnessFault } from './attempt-record.ts';

/** A made workspace and its environment cache status. */
export interface Made {
  workspace: Workspace;
  envCache: EnvCacheStatus | null;
}

/** A workspace being made (`startWorkspace`), or none (`withoutWorkspace`). */
export interface Preparing {
  /**
   * The workspace as it will be (its final `dir`, shown in the prompt), once its path is decided
   * and before its tree exists; null when even that failed (then `made` gives the fault). Only with `planned`.
   */
  planned: Promise<Workspace | null>;
  /**
   * The made workspace, or the workspace phase's result as a `Worked` (never rejects): a harness
   * fault, or the known result of an agent that works in no workspace (`withoutWorkspace`, fault null).
   */
  made: Promise<Made | Worked>;
}

/**
 * The workspace phase of `plan` when its agent works in no workspace and its result is known before
 * it runs: noop, which touches nothing and gives the empty patch (agents/noop.ts). No checkout, no
 * private isolation and no extraction are made for it; `made` gives its `Worked` (fault null), which
 * the runner grades like any (noop's tests still run, on the grading's own fresh checkout). Null for
 * every other plan.
 */
export function withoutWorkspace(plan: ContenderPlan): Preparing | null {
  if (plan.kind !== 'reference' || plan.agent !== 'noop') return null;
  const made = new NoopAgent().attempt().then((result): Worked => ({ result, patch: { text: result.given_patch ?? '', binaryFilesDropped: 0 }, fault: null, envCache: null }));
  return { planned: Promise.resolve(null), made };
}

/** A harness fault at `stage` as the workspace phase's result (no patch). */
export function failedWork(stage: HarnessFault['stage'], e: unknown, envCache: EnvCacheStatus | null, result?: AttemptResult): Worked {
  return {
    result: result ?? { exit_status: 'env_error', calls: [], steps: 0, trajectory: [], error: `harness: ${(e as Error).message}` },
    patch: { text: '', binaryFilesDropped: 0 },
    fault: { stage, message: `${stage === 'patch' ? 'patch extraction failed' : 'harness'}: ${(e as Error).message}` },
    envCache,
  };
}

/**
 * A fresh checkout of the task under `attemptDir`, with `setup` run when `withSetup` (model-driven
 * agents). The caller removes it (`workspace.cleanup()`). A harness fault is returned as a `Worked`.
 */
export async function prepareWorkspace(task: TaskSpec, withSetup: boolean, env: AttemptEnv, attemptDir: string): Promise<Made | Worked> {
  return startWorkspace(task, withSetup, env, attemptDir, false).made;
}

/**
 * Starts making the workspace (as `prepareWorkspace`). With `planned`, its path is decided first
 * (`planWorkspace`) and given out by `Preparing.planned` before the checkout is made; without, the
 * checkout is made at once (`createWorkspace`) and `planned` resolves with it once made. A setup
 * that runs something (non-empty) takes a test slot; an empty one does not.
 */
export function startWorkspace(task: TaskSpec, withSetup: boolean, env: AttemptEnv, attemptDir: string, planned: boolean): Preparing {
  const { opts, pools } = env;
  const where = { repoCache: opts.repoCache, repo: task.repo, baseCommit: task.base_commit, parentDir: attemptDir };
  const plan = planned ? planWorkspace(where) : null;
  const made = (async (): Promise<Made | Worked> => {
    let envCache: EnvCacheStatus | null = null;
    let workspace: Workspace;
    try {
      workspace = plan ? await (await plan).fill() : await createWorkspace(where);
    } catch (e) {
      return failedWork('workspace', e, envCache);
    }
    try {
      if (withSetup) {
        const setup = () => runSetup(workspace, task, opts.sandbox, opts.envCache ? { envCache: opts.envCache, onCache: (r) => (envCache = r) } : {});
        // An empty setup runs nothing, so it takes no test slot: a new attempt never waits behind queued gradings before its first model call.
        await (task.setup.trim() ? pools.test(setup) : setup());
        envCache ??= opts.envCache ? null : task.setup.trim() ? 'off' : null;
      }
    } catch (e) {
      await workspace.cleanup().catch(() => undefined); // the attemptDir's removal takes what is left
      return failedWork('workspace', e, envCache);
    }
    return { workspace, envCache };
  })();
  const early = plan ? plan.then((p) => p.workspace, () => null) : made.then((m) => ('fault' in m ? null : m.workspace));
  return { planned: early, made };
}
