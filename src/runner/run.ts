// Runs a suite: every task × contender × attempt, each through workspace → agent → evaluation →
// results store (src/runner/attempt.ts), under a shared run budget. Attempts are recorded as they finish.
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import type { TaskSpec } from '../config/task.ts';
import type { RunConfig } from '../config/run-config.ts';
import type { AgentLimits } from '../agents/types.ts';
import { planKeys, type ContenderPlan } from '../agents/factory.ts';
import type { Sandbox } from '../sandbox/types.ts';
import type { RepoCache } from '../workspace/index.ts';
import { agentLimitsOf, attemptKeyOf, contenderOf, headerConfigFields, legacyAttemptKey } from './run-config.ts';
import { secretRedactor } from '../core/redact.ts';
import { STORE_FORMAT_VERSION, type AttemptRecord, type Contender, type RunHeader, type Shard } from '../store/records.ts';
import { supersededToCount } from '../store/superseded.ts';
import { RunWriter, readRun } from '../store/store.ts';
import type { AttemptIndexEntry } from '../store/attempt-index.ts';
import { openForResume } from './resume.ts';
import { lockRun } from '../store/lock.ts';
import { mkdtempOwned, sweepDeadWorkFolders } from '../core/work-owner.ts';
import type { EnvCache } from '../workspace/env-cache.ts';
import { UserInputError } from '../core/errors.ts';
import { inShard } from '../store/shard.ts';
import { RunBudget } from './budget.ts';
import { settleLedger } from '../store/ledger.ts';
import { referenceGate } from './gate.ts';
import { removeWorkRoot, runAttempt, type Job, type Pools } from './cascade-attempt.ts';
import { limitsOf } from './attempt.ts';
import { budgetCutRecord } from './budget-cut.ts';
import { countUnsettledLedgers, cutAttemptCalls, unrecordedCalls, type Unrecorded } from './ledger-fold.ts';
import { formatUsd } from '../report/format.ts';
import { unsettledCutNote } from '../report/infra-note.ts';
import { AttemptStages, pipelines, type Stage } from './stages.ts';
import { failureText, runFailure } from './run-failure.ts';
import { diskWatch } from './disk-watch.ts';
import { stopsOnInterrupt } from './cut-grading.ts';

export type { ContenderPlan };

/** Whether a contender's agent runs untrusted code: a model agent, a cascade, an external agent CLI (not the reference agents gold/noop, nor graded predictions). */
export function runsUntrustedCode(plan: ContenderPlan): boolean {
  return plan.kind === 'model' || plan.kind === 'cascade';
}

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
  onStart?: (info: { total: number; done: readonly AttemptIndexEntry[] }) => void;
  sandbox: Sandbox;
  repoCache: RepoCache;
  harness: { version: string; commit: string | null; build?: string };
  suiteHash: string;
  /** The models file, for run.json `models_file` (what a resume reads); absent = not recorded. */
  modelsFile?: { file: string; content_hash: string };
  /** The task folder, for run.json `tasks_dir` (`bundledRelative`; what a resume reads); absent = not recorded. */
  tasksDir?: string;
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
  /** Attempts this run (this shard of it, with `shard`) plans per contender id: its records plus those not run. */
  planned: Record<string, number>;
  /** After an interrupt: the calls on the ledgers of attempts no record holds (`unrecordedCalls`); else []. */
  unrecorded: Unrecorded[];
}

/**
 * Runs the suite and writes `results/<run_id>/`. Never throws for an attempt's failure: each ends as a
 * record. Stops starting attempts when `signal` aborts or the run budget is reached.
 * Scheduling: task-major order (every contender gets the same tasks first); three pools —
 * attempts (`concurrency`), model calls (`modelConcurrency`), test executions (`testConcurrency`).
 * Without `--rerun-failed` (or when the test pool holds twice the attempts: `pipelines`), the
 * attempts are pipelined (`AttemptStages`, stages.ts): an attempt makes its workspace, runs its
 * agent and prepares its grading while the attempts before it run their tests; each stage holds
 * `concurrency` attempts, so at `--concurrency 1` tests and records still come one at a time, in job order.
 * With `shard`, only keys of that shard; with `resume`, only keys without a record.
 * @throws UserInputError when resuming a run whose stored configuration differs; otherwise only on
 * faults of the store itself (disk): then no attempt starts after the fault, those in flight are
 * awaited (one ending in infra_error is left unrecorded), run.json says `failed` with the error in its
 * note, the lock is released last, and it rejects with `runFailure`'s error (RunStoppedError for a
 * full disk); `--resume` completes the run. A full disk at the run's first write (its folder, then
 * removed), at a resume's opening or at run.json's last rewrite also rejects with a RunStoppedError.
 * On resume, killed sessions' ledgers are counted against the budget before any job starts, and a
 * model job with one that the spent budget does not start is recorded as budget-cut (`budgetCutRecord`).
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
    ...(opts.modelsFile ? { models_file: opts.modelsFile } : {}),
    ...(opts.tasksDir ? { tasks_dir: opts.tasksDir } : {}),
    ...headerConfigFields(config, opts.contenders),
  };
  // Every API key of the run is redacted from everything stored and from what commands show a model.
  const redact = secretRedactor(opts.contenders.flatMap(planKeys));
  let writer: RunWriter;
  let earlier: AttemptIndexEntry[] = [];
  let unlock = async (): Promise<void> => {};
  // A run stored before RunConfig keeps its header shape and its attempt keys.
  let keyOf = (plan: ContenderPlan, instanceId: string, a: number) => attemptKeyOf(config, plan, instanceId, a);
  if (opts.resume) {
    unlock = await lockRun(dir);
    const resumed = await openForResume(dir, header, { redact, retryErrors: Boolean(opts.retryErrors), contenders: opts.contenders }).catch(async (e: unknown) => {
      await unlock();
      throw runFailure(dir, e, { headerWritten: false, stage: 'open' });
    });
    if (resumed.legacy) keyOf = (plan, instanceId, a) => legacyAttemptKey(plan, limits, instanceId, a);
    writer = resumed.writer;
    earlier = resumed.earlier;
  } else {
    // made exclusively and locked before anything is written: a run refused here writes nothing into another's folder
    ({ writer, unlock } = await RunWriter.createLocked(dir, header, redact).catch((e: unknown) => {
      throw runFailure(dir, e, { headerWritten: false, stage: 'create' }); // the folder it made is removed
    }));
  }
  const budget = new RunBudget(config.run_budget.usd, config.run_budget.tokens);
  // A resumed run's budget counts what its earlier sessions counted (`budget_usd`; `list_usd` in older records), records set aside by --retry-errors included, each record once.
  // …and the billed calls killed sessions left on ledgers no record holds yet (each key once), before any job starts.
  const killedLedgers = await (async () => {
    for (const r of [...earlier, ...(await supersededToCount(dir, header.limits, earlier))]) budget.carryOverRecord(r);
    return opts.resume ? await countUnsettledLedgers(dir, budget) : new Set<string>();
  })().catch(async (e: unknown) => {
    await unlock();
    throw runFailure(dir, e, { headerWritten: false, stage: 'open' });
  });
  // Work folders of fixbench processes that died (kill -9, a second Ctrl-C) go meanwhile (src/core/work-owner.ts),
  // from the moment the first attempt enters its tests: a sweep of a full temp folder (an lstat and an owner
  // read per fixbench-* entry) then runs beside a test command instead of on the first attempt's preparation;
  // the run's end starts it if no attempt got that far, and awaits it in every case.
  let swept: Promise<string[]> | undefined;
  const sweep = (): Promise<string[]> => (swept ??= sweepDeadWorkFolders());
  const workRoot = await mkdtempOwned(os.tmpdir(), `fixbench-${opts.runId}-`); // holds its owner from the moment it has its name
  // Attempts side by side share the temp disk: a grading failed while another filled it is not the patch's (disk-watch.ts).
  const watch = opts.concurrency > 1 ? diskWatch(workRoot) : undefined;
  const testSlots = Math.max(1, opts.testConcurrency ?? os.cpus().length);
  // The next attempt prepares while this one's tests run (stages.ts), when the test pool allows it.
  const stages = new AttemptStages(opts.concurrency, pipelines({ attempts: opts.concurrency, test: testSlots, rerunFailed: config.rerun_failed }));
  const pools: Pools = {
    model: pLimit(Math.max(1, opts.modelConcurrency ?? opts.concurrency)),
    test: pLimit(testSlots),
  };
  const records: AttemptRecord[] = []; // this session's
  const recorded = new Set(earlier.map((r) => r.key));
  let budgetStopped = false;

  const jobs: Job[] = [];
  let total = 0;
  const planned: Record<string, number> = {};
  // Task by task, every contender in turn: a run stopped early by its budget has given every
  // model the same tasks, instead of spending it all on the first models of the catalog.
  for (const task of opts.tasks) {
    for (let a = 0; a < config.attempts_per_task; a++) {
      for (const [i, plan] of opts.contenders.entries()) {
        const key = keyOf(plan, task.instance_id, a);
        if (!inShard(key, opts.shard)) continue;
        total++;
        planned[header.contenders[i]!.id] = (planned[header.contenders[i]!.id] ?? 0) + 1;
        if (!recorded.has(key)) jobs.push({ task, plan, contender: header.contenders[i]!, attempt: a, key });
      }
    }
  }
  opts.onStart?.({ total, done: earlier });

  // The first error a job threw (the store's disk full, …): no attempt starts after it, and those in flight are awaited.
  const failed: { error: unknown; headerUnwritten?: boolean }[] = []; // [0] only
  const runJob = async (job: Job, stage: Stage): Promise<void> => {
    if (opts.signal?.aborted || failed.length) return;
    const isModel = job.plan.kind === 'model' || job.plan.kind === 'cascade';
    const attemptOpts = { ...opts, limits, priceSheet: { file: config.price_sheet.file }, budgetUsd: config.run_budget.usd, budgetTokens: config.run_budget.tokens, rerunFailed: config.rerun_failed };
    let attempted: AttemptRecord;
    if (isModel && budget.exhausted) {
      budgetStopped = true;
      // not started; a killed session's billed calls of it are recorded all the same (in no record otherwise)
      if (!killedLedgers.has(job.key)) return;
      attempted = await budgetCutRecord(job, { runDir: dir, runId: opts.runId, budget, limits: limitsOf(attemptOpts), formatErrors: limits.formatErrors, priceSheet: config.price_sheet.file });
      await writer.writeAttemptLogs(attempted, { test_output: '' });
    } else {
      attempted = await runAttempt(job, { opts: attemptOpts, writer, budget, workRoot, redact, pools, onBudgetRefused: () => (budgetStopped = true), enterTests: () => { void sweep(); return stage.enterTests(); }, leaveTests: stage.leaveTests, ...(watch ? { diskWatch: watch } : {}) });
    }
    await stage.recordTurn(); // the attempts that tested before it are recorded first
    // An attempt cut short by Ctrl-C (or failing beside a job's error: a full disk) is not a result: left unrecorded (its ledger too), a later run re-does it.
    // One with no billed call (gold, noop, predictions) is left unrecorded after Ctrl-C whatever its grading gave (its re-runs may have been cut): nothing is lost.
    if ((opts.signal?.aborted || failed.length) && attempted.outcome === 'infra_error') return;
    if (opts.signal?.aborted && stopsOnInterrupt(job.plan)) return;
    const rec = await writer.appendAttempt(attempted);
    await settleLedger(writer.dir, rec.key);
    records.push(rec);
    ran++;
    opts.onAttempt?.(rec, earlier.length + records.length, total);
  };
  let ran = 0;
  let unrecorded: Unrecorded[] = [];

  try {
    // At --concurrency 1 an agent running untrusted code waits for the tests before it (stages.ts).
    const guarded = (job: Job, stage: Stage) => runJob(job, stage).catch((e: unknown) => void (failed.length || failed.push({ error: e })));
    await Promise.all(jobs.map((j) => stages.run((stage) => guarded(j, stage), { untrusted: runsUntrustedCode(j.plan) })));
  } finally {
    watch?.close();
    await removeWorkRoot(workRoot); // after the attempt folders still being removed
    await sweep();
    const notes: string[] = [];
    // an interrupt after the last attempt was recorded cut nothing: the run is complete
    const interrupted = opts.signal?.aborted && earlier.length + records.length < total;
    if (budgetStopped) notes.push(`${budget.describe()}; later model attempts were not started`);
    if (interrupted) notes.push(await interruptedNote(dir));
    // the cut attempts' calls are on their ledgers only: their unsettled bound is said, and the summary counts them (atkB16 #5)
    if (interrupted) {
      const contenderOfKey = new Map(jobs.map((j) => [j.key, j.contender.id]));
      unrecorded = await unrecordedCalls(dir, (k) => contenderOfKey.get(k) ?? null).catch(() => []);
      const note = unsettledCutNote(unrecorded);
      if (note) notes.push(note);
    }
    const failure = failed[0];
    if (failure) notes.unshift(`failed: ${failureText(failure.error)}; finished attempts are recorded, the attempts in flight were awaited and the rest not started; complete it with --resume`);
    notes.push(...budget.unknownCostNotes());
    header.status = failure ? 'failed' : interrupted ? 'interrupted' : budgetStopped ? 'budget_exhausted' : 'finished';
    header.finished_at = new Date().toISOString();
    header.note = notes.join('; ') || null;
    try {
      await writer.writeHeader(header);
    } catch (e) {
      // the job's error, if any, is the one to report (run.json then still says "running": a resume continues it)
      if (failure) failure.headerUnwritten = true;
      else failed.push({ error: e, headerUnwritten: true });
    } finally {
      await unlock(); // last: nothing of this run is written after it
    }
  }
  if (failed[0]) throw runFailure(dir, failed[0].error, { headerWritten: !failed[0].headerUnwritten });
  // Every record, the earlier sessions' read whole now (the report and the gate need them).
  const all = earlier.length ? (await readRun(dir)).attempts : records;
  // The reference agents validate the suite and the harness; an interrupted run proves nothing.
  const gate = opts.signal?.aborted ? [] : referenceGate(header, all);
  if (gate.length) {
    header.note = [header.note, `reference gate failed: ${gate.join('; ')}`].filter(Boolean).join('; ');
    await writer.writeHeader(header).catch((e: unknown) => {
      throw runFailure(dir, e, { headerWritten: false });
    });
  }
  return { dir, header, gate, attempts: all, ran, planned, unrecorded };
}

/**
 * The note of an interrupted run: finished attempts are recorded; those cut after a call (their
 * calls on the run's ledgers, `cutAttemptCalls`) are not, and `--resume` re-runs them counting
 * those calls; the rest were not started. Never throws (an unreadable ledger folder: not counted).
 */
export async function interruptedNote(dir: string): Promise<string> {
  const cut = await cutAttemptCalls(dir).catch(() => null);
  const paid = cut && cut.attempts
    ? `; ${cut.attempts} attempt(s) were cut after ${cut.calls} model call(s)${cut.listUsd === null ? '' : ` (${formatUsd(cut.listUsd)} at list price)`}: not recorded, their calls are on the run's ledgers and --resume re-runs them counting those calls`
    : '';
  return `interrupted; finished attempts are recorded${paid}; the rest were not started (--resume runs them)`;
}
