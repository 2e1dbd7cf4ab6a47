// `fixbench run`: load and validate every input, then run the suite, then build the report.
import { strictSummaryLines } from '../evaluation/strict.ts';
import { tamperSummaryLines } from '../evaluation/tamper-summary.ts';
import path from 'node:path';
import { setMaxListeners } from 'node:events';
import { assertPriceRows } from './price-rows.ts';
import { loadTasks } from '../tasks/load.ts';
import { createdAfter } from '../tasks/select.ts';
import { preflightTasks } from '../tasks/preflight.ts';
import { suiteHash } from '../tasks/suite-hash.ts';
import { selectModels } from '../config/catalog.ts';
import { routePlans, selectRoutes } from './route-plans.ts';
import { unpricedServedWarnings } from '../pricing/model-mix.ts';
import { newRunId } from '../core/ids.ts';
import { ExitCode, UserInputError } from '../core/errors.ts';
import { interruptOn } from '../core/shutdown.ts';
import { existsSync } from 'node:fs';
import { summarise } from '../analysis/leaderboard.ts';
import { budgetStep, commandPrefix, givenFlags, shellWord, resumedTasksHint, shardCounts, completeResumeStep, interruptLine, raisedBudget, withoutFlag, contenderLine, resumeCommand, resumeStep, uncountedCapRefusal, withModelsFileHint } from './hints.ts';
import { bundledRelative, modelsFileChange, modelsFileIdentity } from './models-file.ts';
import { suiteSandbox } from './trust.ts';
import { RepoCache } from '../workspace/index.ts';
import { runSuite, type ContenderPlan } from '../runner/run.ts';
import { RunStoppedError } from '../runner/run-failure.ts';
import type { AttemptRecord, RunHeader } from '../store/records.ts';
import { promptTokens } from '../core/usage.ts';
import { readRun } from '../store/store.ts';
import { formatUsd } from '../report/format.ts';
import { spendText, unsettledCalls } from '../report/infra-note.ts';
import { madeUpTag } from '../pricing/illustrative.ts';
import { sumUsd } from '../core/cost.ts';
import { freeRow, priceSheetAgeWarning, resumedSheetAgeWarning } from '../config/price-age.ts';
import { shardMergeHint } from './merge-hint.ts';
import { catalogFromOptions, checkRunIdOption, defaultTasksDir, ensureWritableDir, nextStepAfterRun, rerunCommand } from './common.ts';
import { poolSizes } from '../runner/pools.ts';
import { PACKAGE_ROOT, harnessIdentity, preflightCache } from './paths.ts';
import { existingRunFolder, runFolder } from './run-lookup.ts';
import { checkRunAgents } from '../agents/preset-check.ts';
import { EnvCache, defaultCacheDir } from '../workspace/env-cache.ts';
import { Progress, progressLine } from './progress.ts';
import { capOrNull, exceedsThreshold } from './args.ts';
import { flagOfField, resumedOptions, type RunCliOptions } from './run-options.ts';
import { buildRunConfig, headerConfigFields } from '../runner/run-config.ts';
import { harnessChange, resumeMismatches, resumeRefusal } from '../store/compat.ts';
import os from 'node:os';
import { modelPlansOf, planApis } from '../agents/factory.ts';
import { uncountableModels } from '../runner/budget.ts';
import { cascadePlans } from './cascade-options.ts';

export { progressLine };

export type { RunCliOptions };

const log = (s: string) => process.stderr.write(s + '\n');

/**
 * Runs `fixbench run`; returns the exit code. `early.harness`: `harnessIdentity()` already started
 * by the caller (src/cli/main.ts starts it at dispatch); absent = started here.
 * @throws UserInputError before any work when an input is invalid.
 */
export async function runCommand(o: RunCliOptions, early: { harness?: ReturnType<typeof harnessIdentity> } = {}): Promise<number> {
  // 1. Every input is loaded and validated before any work starts. The harness's identity (two git
  // processes) is read meanwhile, for run.json.
  const harness = early.harness ?? harnessIdentity();
  const resuming = o.resume ?? o.retryErrors;
  if (o.resume && o.retryErrors) throw new UserInputError('--resume and --retry-errors both name a run; --retry-errors already resumes, keep one');
  if (o.dryRun && resuming !== undefined) throw new UserInputError(`--dry-run forecasts a new run; it does not combine with --${o.retryErrors ? 'retry-errors' : 'resume'}\n  fix: drop --dry-run to continue the run, or drop --${o.retryErrors ? 'retry-errors' : 'resume'} to forecast a fresh run of the same flags`);
  let stored: RunHeader | null = null;
  if (resuming !== undefined) {
    const folder = existingRunFolder(resuming, o.results, givenFlags(o, ['results']));
    stored = (await readRun(folder)).header;
    if (path.basename(folder) !== stored.run_id) {
      // results go to <results>/<run_id>: resuming a renamed or copied folder would write into another run
      throw new UserInputError(
        `${path.join(folder, 'run.json')}: run_id is "${stored.run_id}" but the folder is named "${path.basename(folder)}"; a run resumes in the folder named by its run_id — rename the folder back to ${stored.run_id}`,
      );
    }
    if (o.runId !== undefined && o.runId !== stored.run_id) {
      throw new UserInputError(`--run-id ${o.runId}: --${o.retryErrors ? 'retry-errors' : 'resume'} ${resuming} continues run ${stored.run_id} (run.json run_id); drop --run-id, or start a new run with it`);
    }
    // flags not given take the run's values; the RunConfig built from them must equal the stored one
    o = resumedOptions(o, stored);
  }
  const tasksDir = defaultTasksDir(o.tasks);
  const tasks = createdAfter(await loadTasks(tasksDir, o.task).catch((e: unknown) => { throw stored ? resumedTasksHint(e, stored.run_id, tasksDir, o.given?.includes('tasks') ? 'flag' : stored.tasks_dir ? 'run.json' : 'default') : e; }), o.createdAfter);
  const catalog = await catalogFromOptions(o);
  const modelsFile = modelsFileIdentity(catalog.modelsFile); // run.json `models_file`
  modelsFile.catch(() => {}); // awaited below; a dry run or a refusal does not need it
  const explicit = o.models !== false && Boolean(o.models?.length);
  let picked, chosen;
  try {
    picked = selectRoutes(catalog, o.models);
    chosen = o.models === false ? [] : o.models?.length ? selectModels(catalog, picked.modelIds || []) : catalog.models;
  } catch (e) {
    throw resuming === undefined || stored?.models_file ? e : withModelsFileHint(e, `--${o.retryErrors ? 'retry-errors' : 'resume'} ${resuming}`, o.given);
  }
  checkRunIdOption(o.runId);
  const dupes = (o.models || []).filter((m, i, all) => all.indexOf(m) !== i);
  if (dupes.length) throw new UserInputError(`--models lists ${[...new Set(dupes)].join(', ')} more than once; name each model once (use --attempts for repeats)`);
  const budgetUsd = capOrNull(o.budgetUsd);
  const budgetTokens = capOrNull(o.budgetTokens ?? Number.POSITIVE_INFINITY);
  const attemptUsd = capOrNull(o.attemptUsd);

  const agentIds = [...new Set(o.agents?.length ? o.agents : ['bash'])];
  checkRunAgents(catalog.agents, agentIds, o.models === false ? [] : chosen.filter((m) => process.env[m.spec.api_key_env]), catalog.modelsFile, { prefix: commandPrefix(), forecast: Boolean(o.dryRun) });
  if (!o.cascade?.length && o.given?.some((k) => k === 'cascadeMode' || k === 'cascadeSignal')) throw new UserInputError('--cascade-mode and --cascade-signal set how a cascade runs; add --cascade <cheap>,<strong>, or drop them');
  // costs are priced at the sheet: an old one is flagged when a model would be priced (a reference-only run costs nothing); a zero-priced row (a local model) does not age
  const paid = chosen.filter((m) => !freeRow(m.price));
  const priced = o.dryRun ? paid.length + picked.routes.length + (o.cascade?.length ?? 0) > 0 : Boolean(o.cascade?.length) || paid.some((m) => process.env[m.spec.api_key_env]);
  const stale = !priced ? null : stored // a resume keeps the run's sheet: re-price its report afterwards (newcomer13 #6)
    ? resumedSheetAgeWarning(catalog.sheet, new Date(), `\`${commandPrefix()} report ${shellWord(stored.run_id)} --prices <newer sheet>${givenFlags(o, ['results', 'reports', 'modelsFile'])}\``, commandPrefix())
    : priceSheetAgeWarning(catalog.sheet, new Date(), undefined, commandPrefix(), o.given?.includes('prices') && o.prices !== undefined ? o.prices : undefined);
  if (stale) process.stderr.write(`warning: ${stale}\n`);
  if (o.dryRun) {
    // a dry run calls nothing, so it needs no key: every model --models names (or every catalog model) is forecast, keys set or not;
    // a model the run would refuse for want of a price row is refused here the same way
    assertPriceRows(catalog, chosen.map((m) => m.spec));
    const { dryRunCommand, dryRunLayered } = await import('./forecast.ts');
    const layered = dryRunLayered(o.cascade ?? [], picked.routes, catalog, agentIds, explicit);
    return dryRunCommand({ resultsDir: path.resolve(o.results), tasks: tasks.map((t) => t.instance_id), catalog, models: chosen, ...layered, agentIds, reference: o.reference, attemptsPerTask: o.attempts, budgetUsd, budgetTokens, attemptUsd, json: Boolean(o.json), shard: o.shard ?? null });
  }
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
  contenders.push(...cascadePlans(o.cascade ?? [], catalog, { mode: o.cascadeMode ?? 'fresh', signal: o.cascadeSignal ?? 'visible' }));
  const routed = routePlans(catalog, picked.routes, agentIds, explicit);
  contenders.push(...routed.plans);
  if (explicit && skipped.length) {
    const unset = [...new Set(chosen.filter((m) => !process.env[m.spec.api_key_env]).map((m) => m.spec.api_key_env))].join(', ');
    const ids = skipped.map((s) => s.id).join(', ');
    throw new UserInputError(
      resuming !== undefined
        ? `--${o.retryErrors ? 'retry-errors' : 'resume'} ${resuming}: the run's models ${ids} need ${unset}, which is not set; export it, then resume again (a resume keeps the run's models)`
        : `--models asks for ${ids}, but ${unset} is not set; export it, or drop those ids`,
    );
  }

  // Every contending model needs a row in the price sheet (null for an unknown price), as in the dry run.
  assertPriceRows(catalog, modelPlansOf(contenders).flatMap((c) => (c.route ? [] : [c.model.spec])));

  // A USD cap (the run's or an attempt's) must be able to count every call: refused up front when a model's cost can be neither priced nor ceilinged.
  const uncounted = budgetUsd === null && attemptUsd === null ? [] : uncountableModels(modelPlansOf(contenders).flatMap((c) => (c.route ? [c.route.cheap.model, c.route.strong.model] : [c.model])));
  const capFlag = budgetUsd !== null ? `--budget-usd ${budgetUsd}` : `--attempt-usd ${attemptUsd}`;
  const noneFlags = [...(budgetUsd !== null ? ['--budget-usd none'] : []), ...(attemptUsd !== null ? ['--attempt-usd none'] : [])];
  if (uncounted.length) throw new UserInputError(uncountedCapRefusal({ capFlag, models: uncounted, priceFile: catalog.priceFile, noneFlags, argv: process.argv.slice(2), ...(resuming !== undefined ? { resuming: `--${o.retryErrors ? 'retry-errors' : 'resume'} ${resuming}` } : {}) }));

  const config = buildRunConfig({
    plans: contenders,
    limits: { steps: o.steps, attempt_usd: attemptUsd, wall_ms: o.attemptTimeout * 1000, command_timeout_ms: o.commandTimeout * 1000 },
    runBudget: { usd: budgetUsd, tokens: budgetTokens },
    attempts: o.attempts,
    rerunFailed: o.rerunFailed,
    priceSheet: { file: bundledRelative(catalog.priceFile), sheet: catalog.sheet },
  });
  if (stored) {
    // checked here before any work (the runner checks again under the run's lock)
    // `--sandbox auto` resolves later; an explicit kind is checked now (the runner checks the resolved one)
    const sandboxKind = o.sandbox === 'bwrap' || o.sandbox === 'local' ? o.sandbox : stored.sandbox;
    const now = { ...stored, suite: { hash: suiteHash(tasks), instance_ids: tasks.map((t) => t.instance_id) }, shard: o.shard ?? null, sandbox: sandboxKind, ...headerConfigFields(config, contenders) };
    const problems = resumeMismatches(stored, now);
    if (problems.length) throw new UserInputError(withFlags(resumeRefusal(existingRunFolder(resuming!, o.results), problems), resuming!, Boolean(o.retryErrors), o.given ?? []));
    const versions = harnessChange(stored, { ...now, harness: await harness });
    if (versions) log(`WARNING: ${versions}`);
    const changed = modelsFileChange(stored.models_file, await modelsFile);
    if (changed) log(`note: ${changed}`);
  }
  if (!contenders.length) {
    throw new UserInputError('nothing to run: no reference agent and no model with its API key set; drop --no-reference or set a key');
  }

  const repoCache = new RepoCache({ tasksDir, cacheDir: path.join(PACKAGE_ROOT, '.fixbench-cache', 'repos') });
  // The sandbox is made (bwrap: its trial container) while pre-flight runs; pre-flight's and the
  // folders' problems are still reported first, the sandbox's warning only once they have passed,
  // and a sandbox made for a run refused here is removed.
  const sandboxWarnings: string[] = [];
  const sandboxReady = suiteSandbox(o.sandbox, contenders, tasksDir, tasks.map((t) => t.instance_id), (m) => sandboxWarnings.push(m));
  sandboxReady.catch(() => {}); // awaited below, after pre-flight
  // The provider SDKs the built-in agent's models speak (src/models/load.ts, ~60-160 ms each) load while pre-flight runs, not when the first attempts build their agents.
  const sdkApis = modelPlansOf(contenders).flatMap((p) => (p.agent ? [] : planApis(p)));
  if (sdkApis.length) void import('../models/load.ts').then((m) => m.modelClientsFor(sdkApis)).catch(() => {});
  const runId = stored?.run_id ?? o.runId ?? newRunId();
  const resultsDir = stored ? path.dirname(runFolder(resuming!, o.results)) : path.resolve(o.results);
  try {
    await preflightTasks(tasks, repoCache, preflightCache());
    const runDir = path.join(resultsDir, runId);
    if (!stored && existsSync(runDir)) {
      throw new UserInputError(`${runDir} already exists: a run id names one run; pick another --run-id or remove that folder`);
    }
    await ensureWritableDir(resultsDir, '--results');
    await ensureWritableDir(path.resolve(o.reports), '--reports');
  } catch (e) {
    await sandboxReady.then((s) => s.cleanup(), () => {});
    throw e;
  }
  const sandbox = await sandboxReady;
  for (const w of sandboxWarnings) process.stderr.write(w);
  const unpriced = [...new Set(modelPlansOf(contenders).flatMap((c) => (c.route ? [c.route.cheap.model, c.route.strong.model] : [c.model])).filter((m) => !m.price && !m.spec.router).map((m) => m.spec.id))];

  const hasModels = modelPlansOf(contenders).length > 0;
  if (o.envCache !== false) await ensureWritableDir(path.resolve(o.cacheDir ?? defaultCacheDir()), o.cacheDir ? '--cache-dir' : 'the environment cache (set --cache-dir or $FIXBENCH_CACHE_DIR)');
  const envCache = o.envCache === false ? undefined : new EnvCache(path.resolve(o.cacheDir ?? defaultCacheDir()));
  log(
    `fixbench run ${runId}${stored ? (o.retryErrors ? ' (retrying infra errors)' : ' (resumed)') : ''}: ${tasks.length} task(s) × ${contenders.length} contender(s) × ${o.attempts} attempt(s)` +
      (o.shard ? `, shard ${o.shard.index}/${o.shard.count}` : '') +
      (hasModels ? `; budget ${budgetUsd === null ? 'none' : formatUsd(budgetUsd)}${budgetTokens === null ? '' : ` and ${budgetTokens} tokens`}` : '') +
      `; sandbox ${sandbox.kind}; env cache ${envCache ? envCache.dir : 'off'}`,
  );
  for (const s of [...skipped, ...routed.skipped]) log(`  skipped ${s.id}: ${s.reason}`);
  for (const a of catalog.agents.filter((x) => x.network === 'host' && agentIds.includes(x.id))) log(`  WARNING: agent ${a.id} has network: host — it can reach any host, not just the metering proxy (recorded in run.json)`);
  if (unpriced.length) log(`  price unknown for ${unpriced.join(', ')}: their cost is "unknown" and the USD caps cannot limit them (the step limit still does)`);

  // 2. Ctrl-C (or SIGTERM) stops new attempts; finished ones are already on disk. After the last
  // attempt is recorded it only says so: the run is whole, the report is finished (newcomer13 #10).
  const controller = new AbortController();
  // every attempt in flight listens on it (more than EventTarget's default warning threshold of 10 at --concurrency > 10)
  setMaxListeners(0, controller.signal);
  let recorded = false; // every attempt of this session recorded: an interrupt now stops only the report's writing
  const offSignals = interruptOn(controller, (sig) => log(interruptLine(sig, recorded, { runDir: path.join(resultsDir, runId), resume: resumeCommand(runId, o), report: `${commandPrefix()} report ${shellWord(runId)}` })), ExitCode.interrupted);
  const progress = new Progress({ json: o.json ? process.stdout : null });
  // The report's modules (handlebars, the views) load while the first attempts run, not before them.
  const reporting = import('../report/index.ts');
  reporting.catch(() => {}); // a failure surfaces where the report is built
  // …and the published scores it shows are read then too (an invalid file still fails the report, after the run, as before)
  const published = reporting.then((r) => r.loadPublishedScores());
  published.catch(() => {});
  const pools = poolSizes(o, hasModels);
  let summary;
  try {
    summary = await runSuite({
      runId,
      resultsDir,
      resume: Boolean(stored),
      retryErrors: Boolean(o.retryErrors),
      shard: o.shard ?? null,
      ...(envCache ? { envCache } : {}),
      modelConcurrency: pools.model,
      testConcurrency: pools.test,
      tasks,
      contenders,
      skipped,
      config,
      concurrency: pools.attempts,
      sandbox,
      repoCache,
      harness: await harness,
      suiteHash: suiteHash(tasks),
      modelsFile: await modelsFile,
      tasksDir: bundledRelative(tasksDir),
      signal: controller.signal,
      onStart: ({ total, done }) => progress.start(total, done),
      onAttempt: (r) => progress.attempt(r),
    });
  } catch (e) {
    offSignals();
    if (e instanceof RunStoppedError) {
      const next = e.resumable ? `complete the run with: ${resumeCommand(runId, o)}` : 'run it again';
      throw new RunStoppedError(`${e.message}; free space (or fix the folder), then ${next}`, { ...e.details, cause: e.cause }, e.resumable);
    }
    throw stored && e instanceof UserInputError && e.message.startsWith('cannot resume') ? new UserInputError(withFlags(e.message, resuming!, Boolean(o.retryErrors), o.given ?? []), { cause: e }) : e;
  } finally {
    progress.stop();
    await sandbox.cleanup();
  }
  recorded = summary.header.status !== 'interrupted';
  if (envCache) {
    const st = envCache.stats;
    if (st.hit + st.miss + st.uncacheable) log(`  env cache: ${st.hit} hit(s), ${st.miss} miss(es)${st.uncacheable ? `, ${st.uncacheable} uncacheable setup(s) (they change tracked files)` : ''} (every setup: agent workspaces and evaluation checkouts)`);
  }
  const taskMeta = new Map(tasks.map((t) => [t.instance_id, { difficulty: t.difficulty, tags: t.tags }]));
  const { buildReport } = await reporting;
  const reportPath = await buildReport({ header: summary.header, attempts: summary.attempts, outDir: path.resolve(o.reports, runId), root: path.resolve(o.reports), runDir: summary.dir, published: await published, taskMeta });
  // a shard's lines count its own attempts, not the other shards' (summarise plans the whole suite)
  const rows = summarise(summary.header, summary.attempts).map((c) => (o.shard ? { ...c, ...shardCounts(c, summary.planned[c.id] ?? 0) } : c));
  for (const c of rows) log(`  ${contenderLine(c, summary.header.status, Boolean(o.shard))}${!isReference(c.agent) ? `, ${spendText(c.totalUsd, summary.attempts.filter((a) => a.contender === c.id), summary.unrecorded.filter((u) => u.contender === c.id))}${madeUpTag(summary.header.price_sheet)}` : ''}`);
  for (const l of [...strictSummaryLines(summary.attempts), ...tamperSummaryLines(summary.attempts)]) log(l);
  for (const w of unpricedServedWarnings(summary.attempts)) log(`  WARNING: ${w}`);
  if (o.shard) log((await shardMergeHint(o.results, summary.header, commandPrefix(), o)).trimEnd()); // the exact merge command (newcomer13 #10)
  if (summary.header.note) log(`note: ${summary.header.note}`);
  const infraErrors = summary.attempts.filter((a) => a.outcome === 'infra_error').length;
  const errorGate = o.failOnError && exceedsThreshold(o.failOnError, infraErrors, summary.attempts.length);
  const unsettled = unsettledCalls([...summary.attempts, ...summary.unrecorded]);
  const cut = summary.unrecorded.map((u) => u.interrupted_calls);
  if (o.json) {
    progress.emit({
      type: 'summary', run_id: runId, results: summary.dir, report: reportPath, status: summary.header.status,
      attempts: summary.attempts.length, ran: summary.ran, resolved: progress.tally.resolved, infra_errors: infraErrors,
      list_usd: progress.tally.usd, tokens: progress.tally.tokens, shard: summary.header.shard ?? null,
      ...(unsettled ? { unsettled_calls: unsettled.calls, unsettled_usd: unsettled.usd, ...(unsettled.unbounded ? { unbounded_calls: unsettled.unbounded } : {}) } : {}), // calls list_usd cannot count: it is a floor
      ...(cut.length ? { unrecorded_calls: cut.reduce((n, c) => n + c.calls, 0), unrecorded_list_usd: sumUsd(cut.map((c) => c.list_usd)) } : {}), // on ledgers of cut attempts, not in list_usd
    });
  } else {
    const notRun = rows.reduce((n, c) => n + c.missing, 0);
    const resume = resumeStep(summary.header.status, resumeCommand(runId, o), notRun) +
      (stored ? completeResumeStep(runId, summary.ran, notRun, summary.header.skipped, summary.header.contenders.filter((c) => c.model !== null).length, rerunCommand(process.argv.slice(2), process.argv[1], process.env)) : '');
    process.stdout.write(`results: ${summary.dir}\nreport: ${reportPath}\n${resume}${budgetNext(summary, budgetUsd, budgetTokens, Boolean(stored))}${nextStepAfterRun(skipped, contenders.filter((c) => c.kind === 'model').length, undefined, undefined, resume !== '', tasksDir)}`);
  }
  offSignals();
  if (controller.signal.aborted && summary.header.status !== 'interrupted') log('  the interrupt came after every attempt was recorded: the run is complete, exit status as without it');
  // interrupted before every attempt ran: 130; an interrupt after the last was recorded changed nothing
  if (summary.header.status === 'interrupted') return ExitCode.interrupted;
  if (summary.gate.length) {
    log(`fixbench: reference gate failed: ${summary.gate.join('; ')}`);
    return ExitCode.gateFailed;
  }
  if (errorGate) {
    log(`fixbench: --fail-on-error: ${infraErrors} infra error(s) in ${summary.attempts.length} attempt(s); re-run them with: ${resumeCommand(runId, o, { retry: true })}`);
    return ExitCode.gateFailed;
  }
  if (infraErrors && summary.header.status !== 'budget_exhausted') log(`  ${infraErrors} infra error(s) are left out of every rate's denominator; complete the run with: ${resumeCommand(runId, o, { retry: true })}`);
  return ExitCode.ok;
}

const isReference = (agent: string) => agent === 'gold' || agent === 'noop';

/** `budgetStep` of a finished session: the cap that stopped it (USD first) raised from what the model attempts recorded used. */
function budgetNext(s: { header: RunHeader; attempts: readonly AttemptRecord[] }, usd: number | null, tokens: number | null, resumed: boolean): string {
  if (s.header.status !== 'budget_exhausted') return '';
  const models = new Set(s.header.contenders.filter((c) => c.model !== null).map((c) => c.id));
  const recs = s.attempts.filter((a) => models.has(a.contender));
  const planned = models.size * s.header.suite.instance_ids.length * s.header.attempts_per_task;
  const [flag, cap, used] = usd !== null
    ? (['--budget-usd', usd, recs.reduce((n, a) => n + (a.budget_usd ?? a.list_usd ?? 0), 0)] as const)
    : (['--budget-tokens', tokens ?? 0, recs.reduce((n, a) => n + promptTokens(a.usage) + a.usage.output, 0)] as const);
  const raiseTo = flag === '--budget-tokens' ? Math.ceil(raisedBudget(cap, used, recs.length, planned)) : raisedBudget(cap, used, recs.length, planned);
  return budgetStep({ status: s.header.status, rerun: rerunCommand(withoutFlag(process.argv.slice(2), flag), process.argv[1], process.env), flag, raiseTo, resumed });
}

/** A resume refusal with the flag beside each field a flag given on this command line decides (`config.limits.steps: 40 → 50 (--steps)`). */
function withFlags(message: string, run: string, retry: boolean, given: readonly string[]): string {
  const lines = message.split('\n').map((l) => {
    const field = /^\s+([^\s:(]+):/.exec(l)?.[1];
    const flag = field ? flagOfField(field, given) : undefined;
    return flag ? `${l} (${flag})` : l;
  });
  return `--${retry ? 'retry-errors' : 'resume'} ${run}: ${lines.join('\n')}`;
}
