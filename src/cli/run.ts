// `fixbench run`: load and validate every input, then run the suite, then build the report.
import path from 'node:path';
import { loadTasks } from '../tasks/load.ts';
import { createdAfter } from '../tasks/select.ts';
import { preflightTasks } from '../tasks/preflight.ts';
import { access, constants, mkdir } from 'node:fs/promises';
import { suiteHash } from '../tasks/suite-hash.ts';
import { selectModels } from '../config/catalog.ts';
import { newRunId } from '../core/ids.ts';
import { ExitCode, UserInputError } from '../core/errors.ts';
import { existsSync } from 'node:fs';
import { gradedNote, summarise } from '../analysis/leaderboard.ts';
import { capOrNull } from './main.ts';
import { suiteSandbox } from './trust.ts';
import { RepoCache } from '../workspace/index.ts';
import { runSuite, type ContenderPlan } from '../runner/run.ts';
import { buildReport, loadPublishedScores } from '../report/index.ts';
import type { RunHeader, Shard } from '../store/records.ts';
import { readRun } from '../store/store.ts';
import { formatUsd } from '../report/format.ts';
import { catalogFromOptions, checkRunIdOption, defaultTasksDir, nextStepAfterRun, type SuiteCliOptions } from './common.ts';
import { PACKAGE_ROOT, harnessIdentity } from './paths.ts';
import { existingRunFolder, runFolder } from './run-lookup.ts';
import { checkRunAgents } from '../agents/preset-check.ts';
import { EnvCache, defaultCacheDir } from '../workspace/env-cache.ts';
import { Progress, progressLine } from './progress.ts';
import { exceedsThreshold, type ErrorThreshold } from './args.ts';
import os from 'node:os';

export { progressLine };

export interface RunCliOptions extends SuiteCliOptions {
  modelsFile?: string;
  models?: string[] | false;
  /** Agents driving each model: `bash` (built in) and ids from the `agents:` section of models.yaml. Default ['bash']. */
  agents?: string[];
  reference: boolean;
  prices?: string;
  /** USD; Infinity = no cap (`--budget-usd none`). */
  budgetUsd: number;
  /** Tokens; Infinity or absent = no cap (`--budget-tokens none`, the default). */
  budgetTokens?: number;
  /** USD; Infinity = no cap. */
  attemptUsd: number;
  steps: number;
  commandTimeout: number;
  attemptTimeout: number;
  attempts: number;
  rerunFailed: number;
  /** Model calls at once across attempts (default: `concurrency`). */
  modelConcurrency?: number;
  /** Test executions at once (default: the CPU count). */
  testConcurrency?: number;
  /** `--resume <run>`: continue that run (a run id under --results, or its folder). */
  resume?: string;
  /** `--retry-errors <run>`: like `resume`, after dropping its infra_error records. */
  retryErrors?: string;
  shard?: Shard;
  /** `--fail-on-error`: exit 3 when more infra errors than this. */
  failOnError?: ErrorThreshold;
  /** Environment cache folder (default `defaultCacheDir()`); `envCache: false` = `--no-env-cache`. */
  cacheDir?: string;
  envCache?: boolean;
  /** Option names given on the command line (commander's value source `cli`); a resume refuses those that differ from the run. */
  given?: readonly string[];
}

const log = (s: string) => process.stderr.write(s + '\n');

/** Runs `fixbench run`; returns the exit code. @throws UserInputError before any work when an input is invalid. */
export async function runCommand(o: RunCliOptions): Promise<number> {
  // 1. Every input is loaded and validated before any work starts.
  const resuming = o.resume ?? o.retryErrors;
  if (o.resume && o.retryErrors) throw new UserInputError('--resume and --retry-errors both name a run; --retry-errors already resumes, keep one');
  let stored: RunHeader | null = null;
  if (resuming !== undefined) {
    const folder = existingRunFolder(resuming, o.results);
    stored = (await readRun(folder)).header;
    if (path.basename(folder) !== stored.run_id) {
      // results go to <results>/<run_id>: resuming a renamed or copied folder would write into another run
      throw new UserInputError(
        `${path.join(folder, 'run.json')}: run_id is "${stored.run_id}" but the folder is named "${path.basename(folder)}"; a run resumes in the folder named by its run_id — rename the folder back to ${stored.run_id}`,
      );
    }
    const resumed = resumeOptions(o, stored);
    refuseResumeConflicts(o, resumed, stored, resuming);
    o = resumed;
  }
  const tasksDir = defaultTasksDir(o.tasks);
  const tasks = createdAfter(await loadTasks(tasksDir, o.task), o.createdAfter);
  const catalog = await catalogFromOptions(o);
  const explicit = o.models !== false && Boolean(o.models?.length);
  const chosen = o.models === false ? [] : o.models?.length ? selectModels(catalog, o.models) : catalog.models;
  checkRunIdOption(o.runId);
  const dupes = (o.models || []).filter((m, i, all) => all.indexOf(m) !== i);
  if (dupes.length) throw new UserInputError(`--models lists ${[...new Set(dupes)].join(', ')} more than once; name each model once (use --attempts for repeats)`);
  const budgetUsd = capOrNull(o.budgetUsd);
  const budgetTokens = capOrNull(o.budgetTokens ?? Number.POSITIVE_INFINITY);
  const attemptUsd = capOrNull(o.attemptUsd);

  const agentIds = [...new Set(o.agents?.length ? o.agents : ['bash'])];
  checkRunAgents(catalog.agents, agentIds, o.models === false ? [] : chosen.filter((m) => process.env[m.spec.api_key_env]), catalog.modelsFile);
  const contenders: ContenderPlan[] = [];
  const skipped: { id: string; reason: string }[] = [];
  if (o.reference) contenders.push({ kind: 'reference', agent: 'gold' }, { kind: 'reference', agent: 'noop' });
  for (const m of chosen) {
    const key = process.env[m.spec.api_key_env];
    if (key) {
      for (const a of agentIds) {
        const spec = catalog.agents.find((x) => x.id === a);
        contenders.push(spec ? { kind: 'model', model: m, apiKey: key, agent: spec } : { kind: 'model', model: m, apiKey: key });
      }
    } else skipped.push({ id: m.spec.id, reason: `${m.spec.api_key_env} is not set; set it to run this model` });
  }
  if (explicit && skipped.length) {
    throw new UserInputError(
      `--models asks for ${skipped.map((s) => s.id).join(', ')}, but ${[...new Set(chosen.filter((m) => !process.env[m.spec.api_key_env]).map((m) => m.spec.api_key_env))].join(', ')} is not set; export it, or drop those ids`,
    );
  }
  if (!contenders.length) {
    throw new UserInputError('nothing to run: no reference agent and no model with its API key set; drop --no-reference or set a key');
  }

  // Every contending model needs a row in the price sheet (null for an unknown price), so a typo
  // in a price key cannot silently make a model's cost unknown and lift its USD caps.
  const noRow = contenders.flatMap((c) =>
    c.kind === 'model' && !Object.hasOwn(catalog.sheet.models, c.model.spec.price ?? c.model.spec.id) ? [c.model.spec] : [],
  );
  if (noRow.length) {
    throw new UserInputError(
      noRow
        .map((m) => `${catalog.priceFile}: models: no row "${m.price ?? m.id}" for model ${m.id}${m.price ? ` (its price key in ${catalog.modelsFile})` : ''}; add the row, or "${m.price ?? m.id}: null" for an unknown price`)
        .join('\n'),
    );
  }

  const repoCache = new RepoCache({ tasksDir, cacheDir: path.join(PACKAGE_ROOT, '.fixbench-cache', 'repos') });
  await preflightTasks(tasks, repoCache);

  const runId = stored?.run_id ?? o.runId ?? newRunId();
  const resultsDir = stored ? path.dirname(runFolder(resuming!, o.results)) : path.resolve(o.results);
  const runDir = path.join(resultsDir, runId);
  if (!stored && existsSync(runDir)) {
    throw new UserInputError(`${runDir} already exists: a run id names one run; pick another --run-id or remove that folder`);
  }
  await ensureWritableDir(resultsDir, '--results');
  await ensureWritableDir(path.resolve(o.reports), '--reports');
  const sandbox = await suiteSandbox(o.sandbox, contenders, tasksDir);
  const unpriced = contenders.filter((c) => c.kind === 'model' && !c.model.price).map((c) => (c.kind === 'model' ? c.model.spec.id : ''));

  const hasModels = contenders.some((c) => c.kind === 'model');
  if (o.envCache !== false) await ensureWritableDir(path.resolve(o.cacheDir ?? defaultCacheDir()), o.cacheDir ? '--cache-dir' : 'the environment cache (set --cache-dir or $FIXBENCH_CACHE_DIR)');
  const envCache = o.envCache === false ? undefined : new EnvCache(path.resolve(o.cacheDir ?? defaultCacheDir()));
  log(
    `fixbench run ${runId}${stored ? (o.retryErrors ? ' (retrying infra errors)' : ' (resumed)') : ''}: ${tasks.length} task(s) × ${contenders.length} contender(s) × ${o.attempts} attempt(s)` +
      (o.shard ? `, shard ${o.shard.index}/${o.shard.count}` : '') +
      (hasModels ? `; budget ${budgetUsd === null ? 'none' : formatUsd(budgetUsd)}${budgetTokens === null ? '' : ` and ${budgetTokens} tokens`}` : '') +
      `; sandbox ${sandbox.kind}; env cache ${envCache ? envCache.dir : 'off'}`,
  );
  for (const s of skipped) log(`  skipped ${s.id}: ${s.reason}`);
  for (const a of catalog.agents.filter((x) => x.network === 'host' && agentIds.includes(x.id))) log(`  WARNING: agent ${a.id} has network: host — it can reach any host, not just the metering proxy (recorded in run.json)`);
  if (unpriced.length) log(`  price unknown for ${unpriced.join(', ')}: their cost is "unknown" and the USD caps cannot limit them (the step limit still does)`);

  // 2. Ctrl-C stops new attempts; finished ones are already on disk.
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    log('\ninterrupted: finishing the attempts in flight (Ctrl-C again to quit now)…');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const progress = new Progress({ json: o.json ? process.stdout : null });
  let summary;
  try {
    summary = await runSuite({
      runId,
      resultsDir,
      resume: Boolean(stored),
      retryErrors: Boolean(o.retryErrors),
      shard: o.shard ?? null,
      ...(envCache ? { envCache } : {}),
      modelConcurrency: o.modelConcurrency ?? o.concurrency,
      testConcurrency: o.testConcurrency ?? os.cpus().length,
      tasks,
      contenders,
      skipped,
      priceSheet: { file: bundledRelative(catalog.priceFile), sheet: catalog.sheet },
      limits: {
        steps: o.steps,
        costUsd: attemptUsd,
        wallMs: o.attemptTimeout * 1000,
        commandTimeoutMs: o.commandTimeout * 1000,
        outputChars: 10_000,
        formatErrors: 3,
      },
      budgetUsd,
      budgetTokens,
      attempts: o.attempts,
      rerunFailed: o.rerunFailed,
      concurrency: o.concurrency,
      sandbox,
      repoCache,
      harness: harnessIdentity(),
      suiteHash: suiteHash(tasks),
      signal: controller.signal,
      onStart: ({ total, done }) => progress.start(total, done),
      onAttempt: (r) => progress.attempt(r),
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
    await sandbox.cleanup();
  }
  if (envCache) {
    const st = envCache.stats;
    if (st.hit + st.miss + st.uncacheable) log(`  env cache: ${st.hit} hit(s), ${st.miss} miss(es)${st.uncacheable ? `, ${st.uncacheable} uncacheable setup(s) (they change tracked files)` : ''}`);
  }
  const reportPath = await buildReport({ header: summary.header, attempts: summary.attempts, outDir: path.resolve(o.reports, runId), runDir: summary.dir, published: await loadPublishedScores() });
  for (const c of summarise(summary.header, summary.attempts)) {
    const rate = c.resolvedRate === null ? '' : ` (${(100 * c.resolvedRate).toFixed(1)}%)`;
    log(`  ${c.id}: resolved ${c.resolved}/${c.graded}${rate}, ${gradedNote(c)}${!isReference(c.agent) ? `, ${formatUsd(c.totalUsd)} total` : ''}`);
  }
  if (o.shard) log(`  shard ${o.shard.index}/${o.shard.count}: the rates above divide by every task of the suite; \`fixbench merge\` the shards for the run's scores`);
  if (summary.header.note) log(`note: ${summary.header.note}`);
  const infraErrors = summary.attempts.filter((a) => a.outcome === 'infra_error').length;
  const errorGate = o.failOnError && exceedsThreshold(o.failOnError, infraErrors, summary.attempts.length);
  if (o.json) {
    progress.emit({
      type: 'summary', run_id: runId, results: summary.dir, report: reportPath, status: summary.header.status,
      attempts: summary.attempts.length, ran: summary.ran, resolved: progress.tally.resolved, infra_errors: infraErrors,
      list_usd: progress.tally.usd, tokens: progress.tally.tokens, shard: summary.header.shard ?? null,
    });
  } else {
    process.stdout.write(`results: ${summary.dir}\nreport: ${reportPath}\n${nextStepAfterRun(skipped, contenders.filter((c) => c.kind === 'model').length)}`);
  }
  if (controller.signal.aborted) return ExitCode.interrupted;
  if (summary.gate.length) {
    log(`fixbench: reference gate failed: ${summary.gate.join('; ')}`);
    return ExitCode.gateFailed;
  }
  if (errorGate) {
    log(`fixbench: --fail-on-error: ${infraErrors} infra error(s) in ${summary.attempts.length} attempt(s); re-run them with: fixbench run --retry-errors ${runId}`);
    return ExitCode.gateFailed;
  }
  if (infraErrors) log(`  ${infraErrors} infra error(s) are left out of every rate's denominator; complete the run with: fixbench run --retry-errors ${runId}`);
  return ExitCode.ok;
}

/**
 * The options of a resumed run: its tasks, contenders, attempts, limits, shard and price sheet come
 * from the stored header (so the attempt keys are the same); the tasks folder, models file,
 * concurrency and sandbox come from this command line. `runSuite` then checks the suite hash and
 * contender rows against the stored ones.
 */
function resumeOptions(o: RunCliOptions, h: RunHeader): RunCliOptions {
  // model contenders: the built-in agent's id is the model id; an external agent's is `<model>@<agent>`
  const driven = h.contenders.filter((c) => c.model !== null && !isReference(c.agent) && c.agent !== 'predictions');
  const models = [...new Set(driven.map((c) => c.model!))];
  const agents = [...new Set(driven.map((c) => c.agent))];
  const prices = path.isAbsolute(h.price_sheet.file) ? h.price_sheet.file : path.join(PACKAGE_ROOT, h.price_sheet.file);
  return {
    ...o,
    task: h.suite.instance_ids,
    models: models.length ? models : false,
    agents: agents.length ? agents : ['bash'],
    reference: h.contenders.some((c) => c.id === 'gold' || c.id === 'noop'),
    prices,
    attempts: h.attempts_per_task,
    rerunFailed: h.rerun_failed,
    steps: h.limits.steps,
    attemptUsd: h.limits.attempt_usd ?? Number.POSITIVE_INFINITY,
    budgetUsd: h.limits.run_budget_usd ?? Number.POSITIVE_INFINITY,
    budgetTokens: h.limits.run_budget_tokens ?? Number.POSITIVE_INFINITY,
    attemptTimeout: h.limits.wall_ms / 1000,
    commandTimeout: h.limits.command_timeout_ms / 1000,
    shard: h.shard ?? undefined,
  };
}

const isReference = (agent: string) => agent === 'gold' || agent === 'noop';

/** Flags whose value a resumed run takes from its run.json, and the run.json field each comes from. */
const RESUME_FIXED: ReadonlyArray<[keyof RunCliOptions, string, string]> = [
  ['task', '--task', 'suite.instance_ids'],
  ['models', '--models/--no-models', 'contenders'],
  ['agents', '--agents', 'contenders'],
  ['reference', '--no-reference', 'contenders'],
  ['prices', '--prices', 'price_sheet.file'],
  ['attempts', '--attempts', 'attempts_per_task'],
  ['rerunFailed', '--rerun-failed', 'rerun_failed'],
  ['steps', '--steps', 'limits.steps'],
  ['attemptUsd', '--attempt-usd', 'limits.attempt_usd'],
  ['budgetUsd', '--budget-usd', 'limits.run_budget_usd'],
  ['budgetTokens', '--budget-tokens', 'limits.run_budget_tokens'],
  ['attemptTimeout', '--attempt-timeout', 'limits.wall_ms'],
  ['commandTimeout', '--command-timeout', 'limits.command_timeout_ms'],
  ['shard', '--shard', 'shard'],
  ['runId', '--run-id', 'run_id'],
];

/**
 * A resumed run keeps the settings in its run.json (so its attempt keys and limits stay the same);
 * a flag given on this command line with another value would be silently ignored, so it is refused.
 * @throws UserInputError naming every differing flag, the stored value and the run.json field.
 */
function refuseResumeConflicts(given: RunCliOptions, resumed: RunCliOptions, h: RunHeader, run: string): void {
  const norm = (k: keyof RunCliOptions, v: unknown): string => {
    if (k === 'task' || k === 'models' || k === 'agents') return Array.isArray(v) ? [...v].sort().join(',') : v === false ? '(none)' : String(v);
    if (k === 'prices') return typeof v === 'string' ? path.resolve(v) : String(v);
    if (k === 'runId') return String(v);
    if (k === 'reference') return v ? 'gold and noop' : 'no reference agents';
    if (k === 'shard') return v ? `${(v as Shard).index}/${(v as Shard).count}` : 'none';
    return v === Number.POSITIVE_INFINITY ? 'none' : JSON.stringify(v);
  };
  const differ = RESUME_FIXED.filter(([k]) => given.given?.includes(k)).flatMap(([k, flag, field]) => {
    const mine = k === 'runId' ? given.runId : given[k];
    const theirs = k === 'runId' ? h.run_id : resumed[k];
    return norm(k, mine) === norm(k, theirs) ? [] : [`${flag} ${norm(k, mine)}: run ${h.run_id} has ${norm(k, theirs)} (run.json ${field})`];
  });
  if (differ.length) {
    throw new UserInputError(
      `--${given.retryErrors ? 'retry-errors' : 'resume'} ${run}: a resumed run keeps the settings it was started with, so its attempts stay comparable:\n  ` +
        differ.join('\n  ') +
        '\n  fix: drop these flags to resume the run as it was, or start a new run (--run-id) with them',
    );
  }
}

/** A path inside the fixbench package as relative to it (e.g. `prices/2026-03-31.yaml`); others absolute. */
function bundledRelative(file: string): string {
  const rel = path.relative(PACKAGE_ROOT, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/**
 * Creates `dir` if needed and checks that it is a writable folder.
 * @throws UserInputError naming the flag.
 */
async function ensureWritableDir(dir: string, flag: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (e) {
    throw new UserInputError(`${flag} ${dir}: not a writable folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); name a folder you can write to`);
  }
}
