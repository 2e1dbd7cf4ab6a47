// One attempt, as its steps (DESIGN.md §5–7): agent → workspace, setup and the agent's run → the
// patch (extracted once, here, unless the agent gives it: noop, predictions) → grading with re-runs → the record → its logs.
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import type pLimit from 'p-limit';
import type { TaskSpec } from '../config/task.ts';
import type { AgentLimits, AttemptResult } from '../agents/types.ts';
import type { RunLimits } from '../config/run-config.ts';
import { attemptAgent, type AttemptAgent, type ContenderPlan, type MeterHooks } from '../agents/factory.ts';
import type { AttemptRecord, Contender, EnvCacheStatus } from '../core/records.ts';
import type { Redactor } from '../core/redact.ts';
import { promptTokens } from '../core/usage.ts';
import { evaluate, startCheckout } from '../evaluation/evaluate.ts';
import { gradeWithReruns } from '../evaluation/grade-attempt.ts';
import type { ModelClient } from '../models/types.ts';
import { removeTree, withAttemptIsolation } from '../sandbox/attempt.ts';
import type { RunWriter } from '../store/store.ts';
import { extractPatch, workTreeUnchanged, WorkspaceOverflowError } from '../workspace/extract-patch.ts';
import { isNoSpace, spaceBefore, type SpaceBefore } from '../workspace/disk-fill.ts';
import { toAttemptRecord, type HarnessFault } from './attempt-record.ts';
import { failedWork, startWorkspace, withoutWorkspace, type Made, type Preparing } from './attempt-workspace.ts';
import { meteredClient, seatedClient, type RunBudget } from './budget.ts';
import { pooledClient } from './pooled-client.ts';
import { gradingUntil, stopsOnInterrupt } from './cut-grading.ts';
import { callBounder } from '../pricing/call-bound.ts';
import { callLedger, carriedCapUsd, openAttemptLedger, type AttemptLedger } from './ledger-fold.ts';
import type { Sandbox } from '../sandbox/types.ts';
import type { RepoCache } from '../workspace/index.ts';
import type { EnvCache } from '../workspace/env-cache.ts';
import type { Workspace } from '../workspace/types.ts';
import type { TrajectorySink } from '../core/trajectory.ts';
import type { EnterTests } from './stages.ts';
import { blameFullDisk, otherFilled, type DiskWatch } from './disk-watch.ts';

/** `prepareWorkspace` is in attempt-workspace.ts; exported here too, for the cascade runner and tests. */
export { prepareWorkspace } from './attempt-workspace.ts';

export type Job = { task: TaskSpec; plan: ContenderPlan; contender: Contender; attempt: number; key: string };

/** The run's p-limit pools besides the attempt pool. */
export interface Pools {
  model: ReturnType<typeof pLimit>;
  test: ReturnType<typeof pLimit>;
}

/** The run's settings an attempt uses (a subset of `RunOptions`, src/runner/run.ts). Units: USD, tokens. */
export interface AttemptOptions {
  runId: string;
  limits: AgentLimits;
  /** The run's RunConfig limits (timeouts, output caps); absent = `LIMIT_DEFAULTS`. */
  config?: { limits: RunLimits };
  priceSheet: { file: string };
  budgetUsd: number | null;
  budgetTokens?: number | null;
  rerunFailed?: number;
  resume?: boolean;
  sandbox: Sandbox;
  repoCache: RepoCache;
  envCache?: EnvCache;
  signal?: AbortSignal;
}

export interface AttemptEnv {
  opts: AttemptOptions;
  writer: RunWriter;
  budget: RunBudget;
  workRoot: string;
  redact: Redactor;
  pools: Pools;
  onBudgetRefused: () => void;
  /**
   * Called right before the attempt's tests start (`AttemptStages`, stages.ts): resolves once the
   * attempt may run them, and lets the next attempt start preparing. Absent = at once.
   */
  enterTests?: EnterTests;
  /** Called once the attempt's test commands are over when no re-run can follow (`Stage.leaveTests`). */
  leaveTests?: () => void;
  /** The run's temp-disk watch (disk-watch.ts): a grading failed while another attempt held the disk full is `infra_error`. Absent = not weighed. */
  diskWatch?: DiskWatch;
}

/** Runs one attempt of a single contender and returns its record (not yet appended); logs are written. Never throws for the attempt's failures. @throws Error for a cascade plan (a bug: use `runAttempt`). */
export async function runOneAttempt(job: Job, env: AttemptEnv): Promise<AttemptRecord> {
  const { task, contender, attempt, key } = job;
  const plan = job.plan;
  if (plan.kind === 'cascade') throw new Error('runOneAttempt: a cascade runs through runAttempt (src/runner/cascade-attempt.ts)');
  const { opts, writer } = env;
  const t0 = Date.now();
  const ids = { key, model: contender.id, instance_id: task.instance_id, attempt };
  const ledger = plan.kind === 'model' ? await openAttemptLedger(writer.dir, ids, opts.resume ?? false, env.budget) : null;
  const meter = meterHooks(env, ledger);
  const attemptDir = await mkdtemp(path.join(env.workRoot, `${contender.id}-${task.instance_id}-${attempt}-`));
  const party = partyOf(job);
  const leaveWatch = (await env.diskWatch?.enter(party, attemptDir)) ?? (() => {});
  let gradingFrom = t0; // the disk's state counts from the agent's end on (the checkout, the grading)
  // The workspace (and setup) is made while the agent is built (the SDK import, its clients): neither
  // needs the other. The built-in bash agent also makes its first model call meanwhile: its path is decided first.
  const made = withoutWorkspace(plan) ?? startWorkspace(task, plan.kind === 'model', env, attemptDir, plan.kind === 'model' && !plan.agent);
  let removal: Promise<Error | null> | undefined;
  // The grading's fresh checkout, started once the agent has finished (so it overlaps the patch
  // extraction and the agent workspace's removal); only the first grading uses it. A reference agent
  // (gold, noop: the task's own patches, no untrusted code) has it made beside its own workspace, from
  // the start (`premadeFromStart`): the first attempt's preparation is the run's critical path.
  let checkout: Promise<Workspace> | undefined = premadeFromStart(plan) ? startCheckout(task, opts.repoCache, attemptDir) : undefined;
  const afterAgent = () => void (meter.done(), checkout ??= ((gradingFrom = Date.now()), startCheckout(task, opts.repoCache, attemptDir)));
  try {
    const built = await attemptAgent(plan, meter.hooks, opts.config?.limits, { instanceId: task.instance_id, attempt }).catch(async (e: unknown) => {
      await made.made.then((m) => ('fault' in m ? undefined : m.workspace.cleanup())).catch(() => undefined); // the attemptDir's removal takes what is left
      throw e;
    });
    const worked = await workAttempt(job, env, built, made, afterAgent, carriedCapUsd(ledger?.carried ?? null));
    const removed = (removal = worked.removed);
    let premade = worked.fault ? undefined : checkout;
    const graded = await gradeWithReruns({
      task,
      rerunFailed: opts.rerunFailed ?? 0,
      harnessError: worked.fault?.message ?? null,
      // Only its setup and test command take a test slot (`testSlot`): its patching and checks run beside other attempts' tests. One with no billed call stops at the run's interrupt (cut-grading.ts).
      grade: () => evaluate({
        task, modelPatch: worked.patch.text, ...gradingUntil(stopsOnInterrupt(plan), opts.signal, opts.sandbox, env.pools.test), repoCache: opts.repoCache, workDir: attemptDir,
        // noop's empty patch is still graded, so the run checks that no task resolves without a fix
        gradeEmptyPatch: plan.kind === 'reference' && plan.agent === 'noop',
        ...(opts.config ? { testOutputChars: opts.config.limits.test_output_chars } : {}),
        ...(opts.envCache ? { envCache: opts.envCache } : {}),
        removeWorkspace: false, // attemptDir's removal below does it, after the record
        // The agent's workspace is being removed meanwhile: gone before the graded tests start.
        beforeTests: () => removed.then((err) => { if (err) throw err; }).then(() => env.enterTests?.()),
        ...(premade ? { checkout: premade } : {}),
        // With re-runs the tests may run again: the test place is kept until the attempt ends.
        ...((opts.rerunFailed ?? 0) === 0 && env.leaveTests ? { afterTests: env.leaveTests } : {}),
      }).finally(() => (premade = undefined)),
    });
    if (env.diskWatch) graded.evaluation = blameFullDisk(graded.evaluation, await env.diskWatch.verdict(party, gradingFrom));
    // A workspace that could not be removed is this attempt's harness fault (infra_error, recorded), never the run's end.
    const removalError = await removed;
    // A harness fault met while another attempt held the disk full says so (still infra_error: no verdict exists).
    const fault = worked.fault ?? (worked.result.exit_status === 'env_error' && isNoSpace(worked.result.error ?? '') ? { stage: 'agent' as const, message: worked.result.error! } : null);
    const fill = fault && env.diskWatch ? await env.diskWatch.verdict(party, t0) : null;
    const filled = otherFilled(fill);
    // Its own party filled the disk (its workspace, HOME or TMPDIR): a full-disk fault is its failure, never an infra_error re-roll.
    const ownFill = fill?.kind === 'own' && isNoSpace(fault!.message) ? { stage: fault!.stage === 'agent' ? 'agent' as const : 'patch' as const, message: `${party} filled the temp disk the run shares: ${fault!.message}` } : null;
    const harnessFault = ownFill ? null : (worked.fault && filled ? { ...worked.fault, message: `${filled}; ${worked.fault.message}` } : worked.fault) ?? (removalError ? { stage: 'workspace' as const, message: `harness: removing the agent's workspace: ${removalError.message}` } : null);
    const record = toAttemptRecord({
      runId: opts.runId, instanceId: task.instance_id, contender, kind: plan.kind, attempt, key,
      result: worked.result, patch: worked.patch, harnessFault, agentFault: worked.agentFault ?? ownFill, graded,
      refusedByBudget: meter.refused(), limits: limitsOf(opts), formatErrors: opts.limits.formatErrors,
      priceSheet: opts.priceSheet.file, wallMs: Date.now() - t0, finishedAt: new Date().toISOString(),
      envCache: worked.envCache, carried: ledger?.carried ?? null,
    });
    await writer.writeAttemptLogs(record, graded.evaluation);
    return record;
  } finally {
    meter.done();
    leaveWatch();
    ledger?.close();
    await removal;
    await checkout?.catch(() => undefined); // never removed while being copied
    removeLater(attemptDir);
  }
}

/**
 * Who answers for what an attempt writes on the shared temp disk (disk-watch.ts `enter`): a model's
 * or a predictions file's contender (its attempts are one party: one of its patches filling the disk
 * never excuses another of them), else (gold, noop: the task's own patches) the attempt itself.
 */
export function partyOf(job: Pick<Job, 'plan' | 'contender' | 'key'>): string {
  return job.plan.kind === 'reference' ? `attempt ${job.key}` : `contender ${job.contender.id}`;
}

/**
 * Whether the grading's checkout of an attempt of `plan` is started with its agent's workspace rather
 * than once its agent has run: only for the reference agents (gold, noop), which run no untrusted code,
 * so nothing can act beside the checkout being made; a model's or a predictions file's attempt keeps
 * the checkout after its agent (its disk verdict counts from the agent's end, disk-watch.ts).
 */
export function premadeFromStart(plan: Job['plan']): boolean {
  return plan.kind === 'reference';
}

/** Attempt folders being removed: the record does not wait for their removal, the run's end does (`removeWorkRoot`). */
const removals = new Set<Promise<void>>();

/** Starts removing `dir` (`removeTree`: also folders an agent locked with `chmod`; never fails). */
export function removeLater(dir: string): void {
  const p: Promise<void> = removeTree(dir).finally(() => removals.delete(p));
  removals.add(p);
}

/**
 * Removes the run's work folder `workRoot` once every attempt folder whose removal was started has
 * been removed (so no two removals race on one tree). Never throws.
 */
export async function removeWorkRoot(workRoot: string): Promise<void> {
  await Promise.all([...removals]);
  await removeTree(workRoot);
}

/** What the workspace phase left: the agent's result, the patch to grade, and a harness fault if one stopped it. */
export interface Worked {
  result: AttemptResult;
  patch: { text: string; binaryFilesDropped: number };
  fault: HarnessFault | null;
  /** The workspace held too much to extract a patch from (the agent's failure; graded as an empty patch). */
  agentFault?: { stage: 'patch' | 'agent'; message: string };
  envCache: EnvCacheStatus | null;
}

/**
 * Takes the workspace `preparing` makes (`startWorkspace`: the checkout, and `setup` for model-driven
 * agents only: reference agents need no installed environment), runs the agent in its private
 * isolation, and extracts the patch, then starts removing the workspace: `removed` settles when it
 * is gone (with the removal's error, if any). An agent that `waitsForWorkspace` starts as soon as the
 * workspace's path is decided; every other agent once it is made. A fault of the harness (checkout,
 * setup, sandbox, extraction) is returned, never thrown; a workspace fault keeps the calls the agent made.
 */
async function workAttempt(job: Job, env: AttemptEnv, built: AttemptAgent, preparing: Preparing, afterAgent?: () => void, spentBeforeUsd?: number): Promise<Worked & { removed: Promise<Error | null> }> {
  const early = built.agent.waitsForWorkspace === true ? await preparing.planned : null;
  const made = early ? null : await preparing.made;
  if (made && 'fault' in made) return { ...made, removed: Promise.resolve(null) };
  const workspace = early ?? (made as Made).workspace;
  let removed: Promise<Error | null> | undefined;
  try {
    const saveTrajectory = job.plan.kind === 'model' ? env.writer.trajectorySink({ contender: job.contender.id, instance_id: job.task.instance_id, attempt: job.attempt }) : undefined;
    const worked = await workIn({ task: job.task, built, workspace, fillParty: partyOf(job), envCache: made?.envCache ?? null, ...(early ? { making: preparing.made } : {}), saveTrajectory, spentBeforeUsd, ...(afterAgent ? { afterAgent } : {}) }, env);
    // Removed while the grading checks out and patches its own workspace; awaited before its tests.
    removed = workspace.cleanup().then(() => null, (e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    return { ...worked, removed };
  } finally {
    if (!removed) await (early ? preparing.made.then(() => workspace.cleanup()) : workspace.cleanup()).catch(() => undefined); // the attemptDir's removal takes what is left
  }
}

/** What one agent run in a prepared workspace needs. `task` is the one shown to the agent. */
export interface WorkIn {
  task: TaskSpec;
  built: AttemptAgent;
  workspace: Workspace;
  envCache: EnvCacheStatus | null;
  saveTrajectory: TrajectorySink | undefined;
  /** USD of this attempt key's interrupted tries' billed calls (`carriedCapUsd`, `--resume`): taken off `--attempt-usd`, which bounds the key's total. */
  spentBeforeUsd?: number | undefined;
  /** Called once the agent's run (and its isolation) has ended, before the patch is extracted. */
  afterAgent?: () => void;
  /** Who answers for what the agent writes in its HOME / TMPDIR on the shared temp disk (`partyOf`; env.diskWatch). */
  fillParty?: string;
  /**
   * The workspace being made (`Preparing.made`) when the agent starts before it exists (its
   * `waitsForWorkspace`): the agent gets it as `workspaceReady`; the patch is extracted once it is
   * made; its fault becomes the attempt's (stage workspace), with the agent's calls kept.
   */
  making?: Promise<Made | Worked>;
}

/**
 * Runs the agent in `w.workspace` in its private isolation and extracts the patch (the workspace is
 * left in place). A fault of the harness (sandbox, extraction) is returned, never thrown.
 */
export async function workIn(w: WorkIn, env: AttemptEnv): Promise<Worked> {
  const { opts } = env;
  const { task, built, workspace } = w;
  let envCache = w.envCache;
  let result: AttemptResult;
  let space: SpaceBefore | null = null;
  // Rejects when the workspace could not be made (its fault is `w.making`'s). Resolves once the
  // workspace is made (checkout and setup done) and the "before" reading taken: the agent runs no
  // command before it, and setup's own files (node_modules) are not counted as the agent's growth.
  const workspaceReady = w.making?.then(async (m) => {
    if ('fault' in m) throw new Error(m.fault?.message ?? 'the workspace could not be made');
    space = await spaceBefore(workspace.dir);
  });
  workspaceReady?.catch(() => undefined);
  try {
    const limits: AgentLimits = { ...opts.limits };
    if (limits.costUsd !== null && w.spentBeforeUsd) limits.costUsd = Math.max(0, limits.costUsd - w.spentBeforeUsd);
    // One statfs: the evidence extractPatch weighs should the disk be full after the agent (disk-fill.ts);
    // an agent that starts before its workspace exists gets it once the workspace is made (above).
    if (!workspaceReady) space = await spaceBefore(workspace.dir);
    // A private HOME / TMPDIR / proxy-socket folder for this attempt only; setup and grading never see it.
    result = await withAttemptIsolation(opts.sandbox, async (own) => {
      const leave = (w.fillParty && (await env.diskWatch?.enter(w.fillParty, path.dirname(own.home)))) || (() => {});
      return built.agent.attempt({
        task, workspace, sandbox: own.sandbox, proxyDir: own.runDir, infoDir: own.infoDir, limits,
        model: built.model, upstream: built.upstream, saveTrajectory: w.saveTrajectory, signal: opts.signal, redact: env.redact,
        ...(workspaceReady ? { workspaceReady } : {}),
      }).finally(leave);
    });
  } catch (e) {
    const m = await w.making;
    return m && 'fault' in m ? m : failedWork('workspace', e, m?.envCache ?? envCache);
  }
  if (w.making) {
    const m = await w.making;
    // The workspace's fault is the attempt's; every call the agent made stays in its record.
    if ('fault' in m) return { ...m, result: { ...result, exit_status: m.result.exit_status, ...(m.result.error !== undefined ? { error: m.result.error } : {}) } };
    envCache = m.envCache;
  }
  w.afterAgent?.();
  if (result.given_patch !== undefined) return { result, patch: { text: result.given_patch, binaryFilesDropped: 0 }, fault: null, envCache };
  try {
    const extracted = await extractPatch(workspace, space);
    return { result, patch: { text: extracted.patch, binaryFilesDropped: extracted.binaryFilesDropped }, fault: null, envCache };
  } catch (e) {
    if (e instanceof WorkspaceOverflowError) return { result, patch: { text: '', binaryFilesDropped: 0 }, fault: null, agentFault: { stage: 'patch', message: e.message }, envCache };
    // A full disk (another attempt's doing) in a workspace the agent left unchanged: its empty patch needs no disk to be graded.
    if (isNoSpace(e) && (await workTreeUnchanged(workspace))) return { result, patch: { text: '', binaryFilesDropped: 0 }, fault: null, envCache };
    // No patch can be trusted: the attempt is the harness's failure, whatever else happened.
    return failedWork('patch', e, envCache, { ...result, exit_status: 'env_error', error: `patch extraction failed: ${(e as Error).message}${result.error ? `; before that: ${result.error}` : ''}` });
  }
}

/** The run budget's and the ledger's hooks for the agent, and whether the budget refused a call. */
export function meterHooks(env: AttemptEnv, ledger: AttemptLedger | null): { hooks: MeterHooks; refused: () => boolean; done: () => void } {
  let refused = false;
  const seat = {}; // this attempt's seat at the run budget (RunBudget.acquire), left by `done` when its agent is done
  const onRefused = () => {
    refused = true;
    env.onBudgetRefused();
  };
  const billed = ledger ? ledger.billed : async () => {};
  const billedSync: AttemptLedger['billedSync'] = ledger ? ledger.billedSync : () => {};
  const hooks: MeterHooks = {
    // the seat before the pool slot (atkL14 #2), the slot before the pending ledger line
    wrapClient: (client, models) => seatedClient(pooledClient(meteredClient(client, env.budget, onRefused, ledger ? callLedger(ledger, callBounder(models)) : billed, seat), env.pools.model), env.budget, seat, onRefused),
    refuse: () => {
      if (!env.budget.exhausted) return null;
      onRefused();
      return env.budget.describe();
    },
    onCall: (c, callId) => (billedSync(c, callId), env.budget.add(c.list_usd, promptTokens(c.usage) + c.usage.output, c.cap_usd)),
    ...(ledger ? { pending: ledger.pending, unbilled: (id: string) => void ledger.unbilled(id).catch(() => {}) } : {}),
  };
  return { hooks, refused: () => refused, done: () => env.budget.leave(seat) };
}

/** The run's limits as recorded (for the record's `limit.value`). */
export function limitsOf(opts: AttemptOptions) {
  return {
    steps: opts.limits.steps,
    attempt_usd: opts.limits.costUsd,
    wall_ms: opts.limits.wallMs,
    command_timeout_ms: opts.limits.commandTimeoutMs,
    run_budget_usd: opts.budgetUsd,
    run_budget_tokens: opts.budgetTokens ?? null,
  };
}
