// `fixbench eval --predictions <file.jsonl>`: grades a SWE-bench predictions file made by any agent
// into the same results and report as `fixbench run`.
import { strictSummaryLines } from '../evaluation/strict.ts';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { summarise } from '../analysis/leaderboard.ts';
import { commandPrefix, contenderLine } from './hints.ts';
import { ExitCode, UserInputError } from '../core/errors.ts';
import { newRunId } from '../core/ids.ts';
import { buildReport, loadPublishedScores } from '../report/index.ts';
import { runSuite, type ContenderPlan } from '../runner/run.ts';
import { RunStoppedError } from '../runner/run-failure.ts';
import { buildRunConfig } from '../runner/run-config.ts';
import { createSandbox } from '../sandbox/index.ts';
import { untrustedWork } from './trust.ts';
import { loadTasks } from '../tasks/load.ts';
import { preflightTasks } from '../tasks/preflight.ts';
import { suiteHash } from '../tasks/suite-hash.ts';
import { parseJsonl, SweBenchPrediction } from '../tasks/swe-bench.ts';
import { catalogFromOptions, checkRunIdOption, defaultTasksDir, type SuiteCliOptions } from './common.ts';
import { harnessIdentity, preflightCache } from './paths.ts';
import { progressLine } from './run.ts';
import { repoCacheFor } from './tasks-check.ts';

export interface EvalCliOptions extends SuiteCliOptions {
  /** SWE-bench predictions file (JSONL). */
  predictions: string;
}

const log = (s: string) => process.stderr.write(s + '\n');

/**
 * One contender per `model_name_or_path`, its id made file-name safe (`gold`/`noop` get a
 * `-predictions` suffix so they are never taken for the reference agents).
 * @throws UserInputError naming the line of every prediction for an unknown task or repeated per model.
 */
export function predictionPlans(rows: { line: number; value: SweBenchPrediction }[], known: ReadonlySet<string>, file: string): ContenderPlan[] {
  const problems: string[] = [];
  const byModel = new Map<string, Map<string, string | null>>();
  const lines = new Map<string, number>();
  for (const { line, value } of rows) {
    if (!known.has(value.instance_id)) {
      problems.push(`${file}:${line}: instance_id "${value.instance_id}" is not a task of the suite; drop the line or pass --tasks with that task`);
      continue;
    }
    const key = `${value.model_name_or_path}\0${value.instance_id}`;
    if (lines.has(key)) problems.push(`${file}:${line}: a second prediction of ${value.model_name_or_path} for ${value.instance_id} (first on line ${lines.get(key)}); keep one`);
    lines.set(key, line);
    const m = byModel.get(value.model_name_or_path) ?? new Map<string, string | null>();
    m.set(value.instance_id, value.model_patch);
    byModel.set(value.model_name_or_path, m);
  }
  if (problems.length) throw new UserInputError(`${file}: ${problems.length} problem(s):\n${problems.join('\n')}`, { problems });
  const ids = new Set<string>();
  return [...byModel].map(([name, patches]) => {
    let id = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 80) || 'predictions';
    if (id === 'gold' || id === 'noop') id = `${id}-predictions`;
    while (ids.has(id)) id = `${id}_`;
    ids.add(id);
    return { kind: 'predictions', id, name, patches };
  });
}

/** Runs `fixbench eval`; returns the exit code. @throws UserInputError before any work when an input is invalid. */
export async function evalCommand(o: EvalCliOptions): Promise<number> {
  const tasksDir = defaultTasksDir(o.tasks);
  const allTasks = await loadTasks(tasksDir);
  const tasks = o.task?.length ? await loadTasks(tasksDir, o.task) : allTasks;
  let text: string;
  try {
    text = await readFile(o.predictions, 'utf8');
  } catch (e) {
    throw new UserInputError(`--predictions ${o.predictions}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? e}); check the path`, { cause: e });
  }
  const rows = parseJsonl(text, SweBenchPrediction, o.predictions, 'predictions');
  const plans = predictionPlans(rows, new Set(allTasks.map((t) => t.instance_id)), o.predictions);
  checkRunIdOption(o.runId);
  const runId = o.runId ?? newRunId();
  if (existsSync(path.resolve(o.results, runId))) throw new UserInputError(`${path.resolve(o.results, runId)} already exists; pick another --run-id`);
  const catalog = await catalogFromOptions({});
  const repoCache = repoCacheFor(tasksDir);
  await preflightTasks(tasks, repoCache, preflightCache());
  const sandbox = await createSandbox(o.sandbox, { untrusted: untrustedWork({ predictions: o.predictions, tasksDir, taskIds: tasks.map((t) => t.instance_id) }) });
  for (const p of plans) {
    if (p.kind !== 'predictions') continue;
    const missing = tasks.filter((t) => !p.patches.has(t.instance_id)).length;
    const selected = new Set(tasks.map((t) => t.instance_id));
    const outside = [...p.patches.keys()].filter((id) => !selected.has(id));
    log(
      `  ${p.id}${p.id === p.name ? '' : ` (model_name_or_path "${p.name}")`}: ${p.patches.size} prediction(s)${missing ? `; ${missing} task(s) without one count as empty_patch` : ''}` +
        (outside.length ? `; ${outside.length} for task(s) outside --task not graded (${outside.slice(0, 5).join(', ')}${outside.length > 5 ? ', …' : ''})` : ''),
    );
  }
  log(`fixbench eval ${runId}: ${tasks.length} task(s) × ${plans.length} predictions set(s); sandbox ${sandbox.kind}`);
  let summary;
  try {
    summary = await runSuite({
      runId,
      resultsDir: path.resolve(o.results),
      tasks,
      contenders: plans,
      skipped: [],
      config: buildRunConfig({
        plans,
        limits: { steps: 0, attempt_usd: null, wall_ms: 0, command_timeout_ms: 60_000, output_chars: 0, format_errors: 0 },
        runBudget: { usd: null, tokens: null },
        attempts: 1,
        rerunFailed: 0,
        priceSheet: { file: path.relative(process.cwd(), catalog.priceFile), sheet: catalog.sheet },
      }),
      concurrency: o.concurrency,
      sandbox,
      repoCache,
      harness: await harnessIdentity(),
      suiteHash: suiteHash(tasks),
      onAttempt: (r, done, total) => log(progressLine(r, done, total)),
    });
  } catch (e) {
    if (e instanceof RunStoppedError) throw new RunStoppedError(`${e.message}; free space (or fix the folder), then evaluate again with another --run-id (or remove that run's folder)`, { ...e.details, cause: e.cause });
    throw e;
  } finally {
    await sandbox.cleanup();
  }
  const reportPath = await buildReport({ header: summary.header, attempts: summary.attempts, outDir: path.resolve(o.reports, runId), root: path.resolve(o.reports), runDir: summary.dir, published: await loadPublishedScores() });
  const summaries = summarise(summary.header, summary.attempts);
  const lines = summaries.map((c) => ({ model: c.name ?? c.id, id: c.id, resolved: c.resolved, tasks: c.trials, graded: c.graded, infra_errors: c.infraErrors, protected_files_edited: c.protectedFileEdits }));
  for (const [i, l] of lines.entries()) {
    const named = l.id === l.model ? l.id : `${l.id} (model_name_or_path "${l.model}")`;
    log(`  ${contenderLine({ ...summaries[i]!, id: named }, summary.header.status)}${l.protected_files_edited ? `, ${l.protected_files_edited} attempt(s) edited protected files (dropped)` : ''}`);
  }
  for (const l of strictSummaryLines(summary.attempts)) log(l);
  const infra = summary.attempts.filter((a) => a.outcome === 'infra_error').length;
  if (infra) log(`  ${infra} infra error(s) are left out of every rate's denominator; fix the cause and grade those predictions again (${commandPrefix()} eval --task <ids>)`);
  if (o.json) process.stdout.write(JSON.stringify({ run_id: runId, results: summary.dir, report: reportPath, contenders: lines }) + '\n');
  else process.stdout.write(`results: ${summary.dir}\nreport: ${reportPath}\n`);
  return ExitCode.ok;
}
