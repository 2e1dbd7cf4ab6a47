// One attempt of a live cascade contender (`run --cascade a,b`, DESIGN.md §13): run the first model;
// when the run-time signal fails (no submission, a limit, an empty patch, or with `signal: visible`
// the visible check), escalate to the next model — in a fresh workspace, or the same one with the
// earlier transcript summarised (`mode: continue`). Every stage's calls are billed to the attempt
// (one ledger, so a killed session's calls are carried on resume); the last stage's patch is graded.
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { attemptAgent, type CascadePlan } from '../agents/factory.ts';
import type { AttemptResult } from '../agents/types.ts';
import type { CallRecord } from '../core/calls.ts';
import type { AttemptRecord, CascadeStage, EnvCacheStatus } from '../core/records.ts';
import type { TrajectorySink } from '../core/trajectory.ts';
import { addUsage, zeroUsage } from '../core/usage.ts';
import { evaluate } from '../evaluation/evaluate.ts';
import { gradeWithReruns } from '../evaluation/grade-attempt.ts';
import { attemptCost } from '../pricing/cost.ts';
import { modelMix } from '../pricing/model-mix.ts';
import { removeTree } from '../sandbox/attempt.ts';
import { trajectoryRel } from '../store/trajectory.ts';
import type { Workspace } from '../workspace/types.ts';
import { limitsOf, meterHooks, partyOf, prepareWorkspace, runOneAttempt, workIn, type AttemptEnv, type Job, type Worked } from './attempt.ts';
import { toAttemptRecord } from './attempt-record.ts';
import { withEarlierStages, type EarlierStage } from './cascade-summary.ts';
import { carriedCapUsd, openAttemptLedger } from './ledger-fold.ts';
import { blameFullDisk } from './disk-watch.ts';
import { visibleCheck } from './visible-check.ts';

export type { Job, Pools } from './attempt.ts';
export { removeWorkRoot } from './attempt.ts';

/** Runs one attempt of any contender: a live cascade here, any other through `runOneAttempt`. Never throws for the attempt's failures. */
export function runAttempt(job: Job, env: AttemptEnv): Promise<AttemptRecord> {
  return job.plan.kind === 'cascade' ? runCascadeAttempt({ ...job, plan: job.plan }, env) : runOneAttempt(job, env);
}

/** Why a stage ends the cascade whatever its signal (a harness fault, the run budget, an outage, an interrupt); null when it does not. */
function stopReason(w: Worked, refusedByBudget: boolean, aborted: boolean): string | null {
  if (w.fault) return `stopped: ${w.fault.message}`;
  if (refusedByBudget) return 'stopped: the run budget refused a call';
  if (aborted || w.result.error === 'interrupted') return 'stopped: interrupted';
  // an outage says nothing about the model: the attempt is an infra error, re-runnable
  if (w.result.exit_status === 'api_error' || w.result.exit_status === 'env_error') return `stopped: ${w.result.exit_status}${w.result.error ? ` (${w.result.error})` : ''}`;
  return null;
}

/** The run-time signal of a stage that is not the last: passed (stop here), failed (escalate) or a harness fault. */
async function stageSignal(plan: CascadePlan, job: Job, w: Worked, env: AttemptEnv, workDir: string): Promise<{ kind: 'passed' | 'failed' | 'fault'; reason: string; ms: number }> {
  const r = w.result;
  if (w.agentFault) return { kind: 'failed', reason: `no patch: ${w.agentFault.message}`, ms: 0 };
  if (r.exit_status !== 'submitted') return { kind: 'failed', reason: `no submission: the agent ended with ${r.exit_status}${r.error ? ` (${r.error})` : ''}`, ms: 0 };
  if (w.patch.text.trim() === '') return { kind: 'failed', reason: 'submitted without a change (empty patch)', ms: 0 };
  if (plan.signal === 'submitted') return { kind: 'passed', reason: 'submitted a patch', ms: 0 };
  const { opts } = env;
  return env.pools.test(() => visibleCheck({ task: job.task, patch: w.patch.text, sandbox: opts.sandbox, repoCache: opts.repoCache, workDir, ...(opts.envCache ? { envCache: opts.envCache } : {}) }));
}

/**
 * Runs the cascade attempt and returns its record (not yet appended; logs written). Each stage has
 * the run's per-attempt limits (steps, attempt USD, wall time), as the single-model attempts the
 * simulation is built from; the run budget counts every stage's calls. The record's usage and cost
 * are every stage's calls; its patch, outcome and tests the last stage's, graded as any attempt;
 * `stages` keeps each stage. Never throws for the attempt's failures.
 */
export async function runCascadeAttempt(job: Job & { plan: CascadePlan }, env: AttemptEnv): Promise<AttemptRecord> {
  const { task, plan, contender, attempt, key } = job;
  const { opts, writer } = env;
  const t0 = Date.now();
  const ledger = await openAttemptLedger(writer.dir, { key, model: contender.id, instance_id: task.instance_id, attempt }, opts.resume ?? false, env.budget);
  const meter = meterHooks(env, ledger);
  const attemptDir = await mkdtemp(path.join(env.workRoot, `cascade-${task.instance_id}-${attempt}-`));
  const party = partyOf(job); // its stages are one party (disk-watch.ts)
  const leaveWatch = (await env.diskWatch?.enter(party, attemptDir)) ?? (() => {});
  const stages: CascadeStage[] = [];
  const earlier: EarlierStage[] = [];
  const calls: CallRecord[] = [];
  let steps = 0;
  let kept: { workspace: Workspace; envCache: EnvCacheStatus | null } | null = null;
  let last: Worked | null = null;
  let lastDoc: unknown = null;
  let firstEnvCache: EnvCacheStatus | null = null;
  let cutByBudget = false;
  try {
    for (const [i, stagePlan] of plan.stages.entries()) {
      // a later stage starts only while the run may spend and is not interrupted
      if (i > 0 && env.budget.exhausted) {
        cutByBudget = true;
        env.onBudgetRefused();
        stages.at(-1)!.reason += '; the run budget was reached before the next stage';
        break;
      }
      if (i > 0 && opts.signal?.aborted) break;
      const s0 = Date.now();
      const ref = { contender: contender.id, instance_id: task.instance_id, attempt, stage: i + 1 };
      const sink = writer.trajectorySink(ref);
      let wrote = false;
      const saveTrajectory: TrajectorySink = async (doc) => {
        lastDoc = doc;
        wrote = true;
        await sink(doc);
      };
      lastDoc = null;
      const shown = i > 0 && plan.mode === 'continue' ? withEarlierStages(task, earlier) : task;
      const built = await attemptAgent(stagePlan, meter.hooks, opts.config?.limits);
      let worked: Worked;
      if (kept) worked = await workIn({ task: shown, built, workspace: kept.workspace, envCache: kept.envCache, saveTrajectory }, env);
      else {
        const made = await prepareWorkspace(task, true, env, attemptDir);
        if ('fault' in made) worked = made;
        else if (plan.mode === 'continue') {
          kept = made;
          worked = await workIn({ task: shown, built, workspace: made.workspace, envCache: made.envCache, saveTrajectory, spentBeforeUsd: i === 0 ? carriedCapUsd(ledger.carried) : 0 }, env);
        } else {
          try {
            worked = await workIn({ task: shown, built, workspace: made.workspace, envCache: made.envCache, saveTrajectory, spentBeforeUsd: i === 0 ? carriedCapUsd(ledger.carried) : 0 }, env);
          } finally {
            await made.workspace.cleanup().catch(() => undefined); // the attemptDir's removal takes what is left
          }
        }
      }
      if (i === 0) firstEnvCache = worked.envCache;
      calls.push(...worked.result.calls);
      steps += worked.result.steps;
      const isLast = i === plan.stages.length - 1;
      const stop = stopReason(worked, meter.refused(), opts.signal?.aborted ?? false);
      let passed: boolean | null = null;
      let reason = stop ?? 'last stage: its patch is graded';
      let checkMs = 0;
      if (!stop && !isLast) {
        const sig = await stageSignal(plan, job, worked, env, attemptDir);
        checkMs = sig.ms;
        reason = sig.reason;
        if (sig.kind === 'fault') worked = { ...worked, fault: { stage: 'workspace', message: `harness: ${sig.reason}` } };
        else passed = sig.kind === 'passed';
      }
      stages.push(stageRecord(stagePlan.agent ? `${stagePlan.model.spec.id}@${stagePlan.agent.id}` : stagePlan.model.spec.id, stagePlan.model.spec.id, worked, {
        passed, reason, wallMs: Date.now() - s0, checkMs, trajectory: wrote ? trajectoryRel(ref) : null,
      }));
      earlier.push({ contender: stages.at(-1)!.contender, reason, steps: worked.result.trajectory });
      last = worked;
      if (stop || isLast || passed || worked.fault) break;
    }
    const final = last!;
    // the graded attempt: the last stage's patch, every stage's calls and steps
    const aborted = (opts.signal?.aborted ?? false) && stages.length < plan.stages.length && stages.at(-1)!.passed !== true;
    const result: AttemptResult = aborted
      ? { ...final.result, calls, steps, exit_status: 'env_error', error: 'interrupted' }
      : { ...final.result, calls, steps };
    if (lastDoc !== null) await writer.trajectorySink({ contender: contender.id, instance_id: task.instance_id, attempt })(lastDoc as never);
    const gradingFrom = Date.now();
    const graded = await gradeWithReruns({
      task,
      rerunFailed: opts.rerunFailed ?? 0,
      harnessError: final.fault?.message ?? null,
      grade: () => evaluate({
        task, modelPatch: final.patch.text, sandbox: opts.sandbox, repoCache: opts.repoCache, workDir: attemptDir, testSlot: env.pools.test,
        ...(opts.config ? { testOutputChars: opts.config.limits.test_output_chars } : {}),
        ...(opts.envCache ? { envCache: opts.envCache } : {}),
        // its test place (at --concurrency 1 held since the cascade started: stages.ts); without re-runs given back once the tests are over
        ...(env.enterTests ? { beforeTests: env.enterTests } : {}),
        ...((opts.rerunFailed ?? 0) === 0 && env.leaveTests ? { afterTests: env.leaveTests } : {}),
      }),
    });
    // a grading failed while another party held the shared temp disk full is infra_error (disk-watch.ts)
    if (env.diskWatch) graded.evaluation = blameFullDisk(graded.evaluation, await env.diskWatch.verdict(party, gradingFrom));
    const record = toAttemptRecord({
      runId: opts.runId, instanceId: task.instance_id, contender, kind: 'model', attempt, key,
      result, patch: final.patch, harnessFault: final.fault, agentFault: final.agentFault ?? null, graded,
      refusedByBudget: meter.refused() || cutByBudget, limits: limitsOf(opts), formatErrors: opts.limits.formatErrors,
      priceSheet: opts.priceSheet.file, wallMs: Date.now() - t0, finishedAt: new Date().toISOString(),
      envCache: firstEnvCache, carried: ledger.carried,
    });
    const withStages: AttemptRecord = { ...record, stages };
    await writer.writeAttemptLogs(withStages, graded.evaluation);
    return withStages;
  } finally {
    meter.done(); // its seat at the run budget (RunBudget.acquire), held across its stages
    leaveWatch();
    ledger.close();
    await kept?.workspace.cleanup().catch(() => {});
    await removeTree(attemptDir); // holds agent-written trees (a stage's workspace): also locked folders; never throws
  }
}

/** A stage's record from its work and signal (`model_mix` for a router or step-routing stage). */
function stageRecord(stageContender: string, model: string, w: Worked, s: { passed: boolean | null; reason: string; wallMs: number; checkMs: number; trajectory: string | null }): CascadeStage {
  const cost = attemptCost(w.result.calls);
  return {
    contender: stageContender,
    model,
    exit_status: w.result.exit_status,
    passed: s.passed,
    reason: s.reason,
    patch_chars: w.patch.text.length,
    steps: w.result.steps,
    calls: w.result.calls.length,
    usage: w.result.calls.reduce((u, c) => addUsage(u, c.usage), zeroUsage()),
    list_usd: cost.list_usd,
    billed_usd: cost.billed_usd,
    ...modelMix(w.result.calls),
    wall_ms: s.wallMs,
    check_ms: s.checkMs,
    trajectory: s.trajectory,
  };
}
