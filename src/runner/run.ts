// Runs a suite: every task × contender × attempt, each through workspace → agent → evaluation →
// results store, under a shared run budget. Attempts are recorded as they finish.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import type { TaskSpec } from '../config/task.ts';
import type { RunConfig } from '../config/run-config.ts';
import type { Agent, AgentLimits, AgentUpstream, AttemptResult } from '../agents/types.ts';
import { createAgent } from '../agents/index.ts';
import type { ModelClient } from '../models/types.ts';
import type { Sandbox } from '../sandbox/types.ts';
import { createWorkspace, runSetup } from '../workspace/index.ts';
import type { RepoCache } from '../workspace/index.ts';
import { evaluate } from '../evaluation/evaluate.ts';
import type { EvaluationResult } from '../evaluation/types.ts';
import { flakyTests } from '../evaluation/flaky.ts';
import { PredictionsAgent } from '../evaluation/predictions-agent.ts';
import { agentLimitsOf, attemptKeyOf, contenderOf, headerConfigFields, legacyAttemptKey, type ContenderPlan } from './run-config.ts';
import { addUsage, promptTokens, zeroUsage } from '../core/usage.ts';
import { attemptCost } from '../pricing/cost.ts';
import { callCounts } from '../pricing/side-calls.ts';
import { secretRedactor, type Redactor } from '../core/redact.ts';
import type { AttemptRecord, Contender, EnvCacheStatus, RunHeader, Shard } from '../store/records.ts';
import { sweBenchReport } from './swe-bench-report.ts';
import { STORE_FORMAT_VERSION } from '../store/records.ts';
import { RunWriter } from '../store/store.ts';
import { lockRun } from '../store/lock.ts';
import type { EnvCache } from '../workspace/env-cache.ts';
import { UserInputError } from '../core/errors.ts';
import { inShard } from '../store/shard.ts';
import { predatesRunConfig, resumeMismatches, resumeRefusal } from '../store/compat.ts';
import { RunBudget, meteredClient } from './budget.ts';
import { foldInterrupted, openAttemptLedger } from './ledger-fold.ts';
import { settleLedger } from '../store/ledger.ts';
import { integrityFields } from '../evaluation/integrity.ts';
import { attemptOutcome } from './outcome.ts';
import { referenceGate } from './gate.ts';
import { withAttemptIsolation } from '../sandbox/attempt.ts';

export type { ContenderPlan } from './run-config.ts';

export interface RunOptions {
  runId: string;
  resultsDir: string;
  tasks: TaskSpec[];
  contenders: ContenderPlan[];
  skipped: { id: string; reason: string }[];
  /**
   * The run's configuration (limits, attempts, re-runs, run budget, price sheet, one entry per plan
   * of `contenders`, same ids): stored in run.json, and its hashes give the attempt keys.
   */
  config: RunConfig;
  /** Attempts in flight at once (the attempt pool). */
  concurrency: number;
  /** Model calls in flight at once across all attempts (default: `concurrency`). */
  modelConcurrency?: number;
  /** Test executions (setup and evaluation test runs) at once (default: the CPU count). */
  testConcurrency?: number;
  /**
   * Continue the run already in `<resultsDir>/<runId>`: its records are kept and only attempt keys
   * with no record run. Refused (UserInputError naming each differing field) unless the stored header
   * has the same suite, shard and RunConfig (`resumeMismatches`); a run older than RunConfig keeps
   * its own attempt keys (`legacyAttemptKey`).
   */
  resume?: boolean;
  /** With `resume`: records with outcome `infra_error` are dropped first (kept in attempts.superseded.jsonl) so they run again. */
  retryErrors?: boolean;
  /** Run only the attempts whose key hashes to this shard (`--shard i/n`); null/absent = all. */
  shard?: Shard | null;
  /** Environment cache for every `setup` (DESIGN.md §4); absent = setup runs in every workspace. */
  envCache?: EnvCache;
  /** Called once before the first attempt starts: the run's attempt count and the records it already holds (resume). */
  onStart?: (info: { total: number; done: readonly AttemptRecord[] }) => void;
  sandbox: Sandbox;
  repoCache: RepoCache;
  harness: { version: string; commit: string | null };
  suiteHash: string;
  /** Called once per finished attempt (progress output); `done` counts records the run held before a resume too. */
  onAttempt?: (record: AttemptRecord, done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface RunSummary {
  dir: string;
  header: RunHeader;
  /** Problems of the reference gate (gold must resolve every task, noop none); empty when it holds. */
  gate: string[];
  /** Every record of the run: those of earlier sessions (resume) first, then this session's. */
  attempts: AttemptRecord[];
  /** Attempts this session ran (the rest were recorded before, or belong to other shards). */
  ran: number;
}

/**
 * Runs the suite and writes `results/<run_id>/`. Never throws for an attempt's failure: each ends as a
 * record. Stops starting attempts when `signal` aborts or the run budget is reached.
 * Scheduling: task-major order (every contender gets the same tasks first); three p-limit pools —
 * attempts (`concurrency`), model calls (`modelConcurrency`), test executions (`testConcurrency`).
 * With `shard`, only keys of that shard; with `resume`, only keys without a record.
 * @throws UserInputError when resuming a run whose stored configuration differs; otherwise only on
 * faults of the store itself (disk).
 */
export async function runSuite(opts: RunOptions): Promise<RunSummary> {
  const dir = path.join(opts.resultsDir, opts.runId);
  const { config } = opts;
  const limits = agentLimitsOf(config.limits);
  const header: RunHeader = {
    format_version: STORE_FORMAT_VERSION,
    run_id: opts.runId,
    status: 'running',
    started_at: new Date().toISOString(),
    finished_at: null,
    harness: opts.harness,
    suite: { hash: opts.suiteHash, instance_ids: opts.tasks.map((t) => t.instance_id) },
    skipped: opts.skipped,
    concurrency: opts.concurrency,
    sandbox: opts.sandbox.kind,
    host: { platform: `${os.platform()}-${os.arch()}`, node: process.version, cpus: os.cpus().length },
    note: null,
    shard: opts.shard ?? null,
    ...headerConfigFields(config, opts.contenders),
  };
  // Every API key of the run is redacted from everything stored and from what commands show a model.
  const redact = secretRedactor(opts.contenders.flatMap((c) => (c.kind === 'model' ? [c.apiKey] : [])));
  let writer: RunWriter;
  let earlier: AttemptRecord[] = [];
  let unlock = async (): Promise<void> => {};
  // A run stored before RunConfig keeps its header shape and its attempt keys.
  let keyOf = (plan: ContenderPlan, instanceId: string, a: number) => attemptKeyOf(config, plan, instanceId, a);
  if (opts.resume) {
    unlock = await lockRun(dir);
    const opened = await RunWriter.open(dir, redact).catch(async (e: unknown) => {
      await unlock();
      throw e;
    });
    const problems = resumeMismatches(opened.run.header, header);
    if (problems.length) {
      await unlock();
      throw new UserInputError(resumeRefusal(dir, problems));
    }
    if (predatesRunConfig(opened.run.header)) {
      delete header.config;
      header.contenders = opts.contenders.map((p) => contenderOf(p));
      keyOf = (plan, instanceId, a) => legacyAttemptKey(plan, limits, instanceId, a);
    }
    writer = opened.writer;
    earlier = opened.run.attempts;
    if (opts.retryErrors) {
      const dropped = new Set((await writer.dropAttempts((r) => r.outcome === 'infra_error')).map((r) => r.key));
      earlier = earlier.filter((r) => !dropped.has(r.key));
    }
    header.started_at = opened.run.header.started_at;
    header.resumed_at = [...(opened.run.header.resumed_at ?? []), new Date().toISOString()];
    await writer.writeHeader(header);
  } else {
    writer = await RunWriter.create(dir, header, redact);
    unlock = await lockRun(dir);
  }
  const budget = new RunBudget(config.run_budget.usd, config.run_budget.tokens);
  // A resumed run's budget counts what its earlier sessions spent.
  for (const r of earlier) budget.carryOver(r.list_usd, promptTokens(r.usage) + r.usage.output);
  const workRoot = await mkdtemp(path.join(os.tmpdir(), `fixbench-${opts.runId}-`));
  const limit = pLimit(Math.max(1, opts.concurrency));
  const pools: Pools = {
    model: pLimit(Math.max(1, opts.modelConcurrency ?? opts.concurrency)),
    test: pLimit(Math.max(1, opts.testConcurrency ?? os.cpus().length)),
  };
  const records: AttemptRecord[] = [...earlier];
  const recorded = new Set(earlier.map((r) => r.key));
  let budgetStopped = false;

  const jobs: Job[] = [];
  let total = 0;
  // Task by task, every contender in turn: a run stopped early by its budget has given every
  // model the same tasks, instead of spending it all on the first models of the catalog.
  for (const task of opts.tasks) {
    for (let a = 0; a < config.attempts_per_task; a++) {
      for (const [i, plan] of opts.contenders.entries()) {
        const key = keyOf(plan, task.instance_id, a);
        if (!inShard(key, opts.shard)) continue;
        total++;
        if (!recorded.has(key)) jobs.push({ task, plan, contender: header.contenders[i]!, attempt: a, key });
      }
    }
  }
  opts.onStart?.({ total, done: earlier });

  const runJob = async (job: Job): Promise<void> => {
    if (opts.signal?.aborted) return;
    const isModel = job.plan.kind === 'model';
    if (isModel && budget.exhausted) {
      budgetStopped = true;
      return;
    }
    const attempted = await runOneAttempt(job, { opts, writer, budget, workRoot, redact, pools, onBudgetRefused: () => (budgetStopped = true) });
    // An attempt cut short by Ctrl-C is not a result: leave it unrecorded so a later run re-does it.
    if (opts.signal?.aborted && attempted.outcome === 'infra_error') return;
    const rec = await writer.appendAttempt(attempted);
    await settleLedger(writer.dir, rec.key);
    records.push(rec);
    ran++;
    opts.onAttempt?.(rec, records.length, total);
  };
  let ran = 0;

  try {
    await Promise.all(jobs.map((j) => limit(() => runJob(j))));
  } finally {
    await rm(workRoot, { recursive: true, force: true }).catch(() => {});
    const notes: string[] = [];
    if (budgetStopped) notes.push(`${budget.describe()}; later model attempts were not started`);
    if (opts.signal?.aborted) notes.push('interrupted; finished attempts are recorded, the rest were not started');
    if (budget.unpricedCalls) notes.push(`${budget.unpricedCalls} model call(s) had an unknown price and are not counted in the USD budget`);
    header.status = opts.signal?.aborted ? 'interrupted' : budgetStopped ? 'budget_exhausted' : 'finished';
    header.finished_at = new Date().toISOString();
    header.note = notes.join('; ') || null;
    await writer.writeHeader(header);
    await unlock();
  }
  // The reference agents validate the suite and the harness; an interrupted run proves nothing.
  const gate = opts.signal?.aborted ? [] : referenceGate(header, records);
  if (gate.length) {
    header.note = [header.note, `reference gate failed: ${gate.join('; ')}`].filter(Boolean).join('; ');
    await writer.writeHeader(header);
  }
  return { dir, header, gate, attempts: records, ran };
}

type Job = { task: TaskSpec; plan: ContenderPlan; contender: Contender; attempt: number; key: string };

/** The run's p-limit pools besides the attempt pool. */
interface Pools {
  model: ReturnType<typeof pLimit>;
  test: ReturnType<typeof pLimit>;
}

/** A client whose calls wait for a slot of the model pool. */
function pooledClient(inner: ModelClient, pool: Pools['model']): ModelClient {
  return { id: inner.id, chat: (messages, o) => pool(() => inner.chat(messages, o)) };
}

interface AttemptEnv {
  opts: RunOptions;
  writer: RunWriter;
  budget: RunBudget;
  workRoot: string;
  redact: Redactor;
  pools: Pools;
  onBudgetRefused: () => void;
}

async function runOneAttempt(job: Job, env: AttemptEnv): Promise<AttemptRecord> {
  const { task, plan, contender, attempt, key } = job;
  const { opts, writer, budget, pools } = env;
  const t0 = Date.now();
  let envCache: EnvCacheStatus | null = null;
  let refusedByBudget = false;
  let agent: Agent;
  let model: ModelClient | undefined;
  let upstream: AgentUpstream | undefined;
  const limits: AgentLimits = agentLimitsOf(opts.config.limits);
  const ids = { key, model: contender.id, instance_id: task.instance_id, attempt };
  const ledger = plan.kind === 'model' ? await openAttemptLedger(writer.dir, ids, opts.resume ?? false, budget) : null;
  if (plan.kind === 'reference') {
    agent = createAgent(plan.agent);
  } else if (plan.kind === 'predictions') {
    agent = new PredictionsAgent(plan.patches);
  } else if (plan.agent) {
    // The external agent's calls pass the metering proxy, which counts them against the run budget too.
    const { spec, price } = plan.model;
    upstream = {
      dialect: spec.api,
      baseURL: spec.base_url,
      apiKey: plan.apiKey,
      model: spec.model,
      price,
      refuse: () => {
        if (!budget.exhausted) return null;
        refusedByBudget = true;
        env.onBudgetRefused();
        return budget.describe();
      },
      onCall: (c) => (ledger!.billed(c), budget.add(c.list_usd, promptTokens(c.usage) + c.usage.output)),
    };
    const { id, command, env: names, vars, timeout_s, network } = plan.agent;
    agent = createAgent('command', { id, command, env: names, vars, network, ...(timeout_s ? { timeoutMs: timeout_s * 1000 } : {}) });
  } else {
    // Loaded only when a model runs: the provider SDKs are a large part of start-up (bench/RESULTS.md, overhead).
    const { createModelClient } = await import('../models/index.ts');
    const client = createModelClient(plan.model.spec, plan.apiKey, plan.model.price);
    model = meteredClient(pooledClient(client, pools.model), budget, () => {
      refusedByBudget = true;
      env.onBudgetRefused();
    }, ledger!.billed);
    const { tool_calls, cache_control, model: upstreamModel } = plan.model.spec;
    agent = createAgent('bash', { toolCalls: tool_calls, cacheControl: cache_control ?? /claude|anthropic/i.test(upstreamModel) });
  }

  let result: AttemptResult;
  let harnessError: string | null = null;
  const attemptDir = await mkdtemp(path.join(env.workRoot, `${contender.id}-${task.instance_id}-${attempt}-`));
  const trajectoryPath = plan.kind === 'model' ? await writer.trajectoryPath(contender.id, task.instance_id, attempt) : undefined;
  try {
    const workspace = await createWorkspace({ repoCache: opts.repoCache, repo: task.repo, baseCommit: task.base_commit, parentDir: attemptDir });
    try {
      // Reference agents only apply (gold) or skip (noop) a patch: they need no installed environment.
      if (plan.kind === 'model') {
        await pools.test(() =>
          runSetup(workspace, task, opts.sandbox, opts.envCache ? { envCache: opts.envCache, onCache: (r) => (envCache = r) } : {}),
        );
        envCache ??= opts.envCache ? null : task.setup.trim() ? 'off' : null;
      }
      // A private HOME / TMPDIR / proxy-socket folder for this attempt only; setup and grading never see it.
      result = await withAttemptIsolation(opts.sandbox, (own) =>
        agent.attempt({ task, workspace, sandbox: own.sandbox, proxyDir: own.runDir, infoDir: own.infoDir, limits, model, upstream, trajectoryPath, signal: opts.signal, redact: env.redact }));
    } finally {
      await workspace.cleanup();
    }
  } catch (e) {
    harnessError = `harness: ${(e as Error).message}`;
    result = { model_patch: '', exit_status: 'env_error', calls: [], steps: 0, trajectory: [], error: harnessError };
  }
  const modelMs = result.calls.reduce((s, c) => s + c.ms, 0);
  // noop's empty patch is still graded, so the run checks that no task resolves without a fix.
  const patch = result.model_patch;
  const grade = () =>
    pools.test(() =>
      evaluate({
        task, modelPatch: patch, sandbox: opts.sandbox, repoCache: opts.repoCache, workDir: attemptDir,
        gradeEmptyPatch: plan.kind === 'reference' && plan.agent === 'noop',
        ...(opts.envCache ? { envCache: opts.envCache } : {}),
      }),
    );

  let evaluation: EvaluationResult;
  if (harnessError) {
    evaluation = {
      outcome: 'infra_error', tests_status: null, apply_strategy: null, test_files_edited: [], visible_check: false,
      test_ms: 0, test_output: '', parsed: {}, error: harnessError,
    };
  } else {
    evaluation = await grade();
  }
  // --rerun-failed N: an unresolved verdict may be a flaky test. Re-run the same patch N times and
  // name the listed tests whose results disagree; the outcome stays the first run's.
  let testRuns = evaluation.tests_status ? 1 : 0;
  let flaky: string[] = [];
  if (evaluation.outcome === 'unresolved' && evaluation.tests_status && opts.config.rerun_failed > 0) {
    const parsedRuns = [evaluation.parsed];
    for (let i = 0; i < opts.config.rerun_failed; i++) {
      const again = await grade();
      if (!again.tests_status) continue; // an infra fault or timeout on a re-run says nothing about flakiness
      parsedRuns.push(again.parsed);
      testRuns++;
    }
    flaky = flakyTests([...task.FAIL_TO_PASS, ...task.PASS_TO_PASS], parsedRuns);
  }
  await rm(attemptDir, { recursive: true, force: true }).catch(() => {});

  const outcome = attemptOutcome(result.exit_status, evaluation.outcome, refusedByBudget);
  const usage = result.calls.reduce((u, c) => addUsage(u, c.usage), zeroUsage());
  const cost = attemptCost(result.calls);
  const error =
    (refusedByBudget ? `run budget reached during the attempt (${result.error ?? result.exit_status})` : null) ??
    result.error ??
    evaluation.error ??
    null;
  const record: AttemptRecord = foldInterrupted({
    format_version: STORE_FORMAT_VERSION,
    run_id: opts.runId,
    instance_id: task.instance_id,
    model: contender.id,
    agent: contender.agent,
    attempt,
    key,
    outcome,
    // A call refused by the run budget ends the agent as an API error; it was a cost limit.
    exit_status: refusedByBudget ? 'cost_limit' : result.exit_status,
    model_patch: result.model_patch,
    tests_status: evaluation.tests_status,
    apply_strategy: evaluation.apply_strategy,
    binary_hunks_dropped: evaluation.binary_hunks_dropped ?? 0,
    unsafe_entries_dropped: evaluation.unsafe_entries_dropped ?? 0,
    test_files_edited: evaluation.test_files_edited,
    protected_files_edited: evaluation.protected_files_edited ?? [],
    ...integrityFields(evaluation),
    usage,
    cache_hit_share: promptTokens(usage) > 0 ? usage.cache_read / promptTokens(usage) : null,
    ...callCounts(result.calls),
    list_usd: plan.kind === 'reference' ? 0 : plan.kind === 'predictions' ? null : cost.list_usd,
    billed_usd: cost.billed_usd,
    cost_drift: cost.cost_drift,
    usage_complete: result.calls.every((c) => !c.usage_unknown),
    price_sheet: opts.config.price_sheet.file,
    steps: result.steps,
    wall_ms: Date.now() - t0,
    model_ms: modelMs,
    test_ms: evaluation.test_ms,
    visible_check: evaluation.visible_check,
    test_runs: testRuns,
    flaky_tests: flaky,
    error,
    finished_at: new Date().toISOString(),
    env_cache: envCache,
  }, ledger?.carried ?? null);
  ledger?.close();
  const log = (name: string, content: string) => writer.writeLog(contender.id, task.instance_id, attempt, name, content);
  await Promise.all([
    log('patch.diff', record.model_patch),
    log('test_output.txt', evaluation.test_output),
    log('apply_log.txt', evaluation.apply_log ?? ''),
    log('report.json', JSON.stringify(sweBenchReport(record), null, 2) + '\n'),
  ]);
  return record;
}
