// `fixbench recommend <run> [--target <rate>|--budget <usd>]`: reads a stored run and the difficulty and
// tags of its tasks, prints the recommended routing policy (src/analysis/recommend.ts) with its
// in-sample and leave-one-task-out estimates and the gap to the oracle router.
import { storedTasksDir } from './models-file.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildMatrix } from '../analysis/matrix.ts';
import { recommend, type Criterion, type Estimate, type Recommendation, type TaskMeta } from '../analysis/recommend.ts';
import { loadYamlFile } from '../config/load.ts';
import { TaskYaml } from '../config/task.ts';
import { ExitCode, UserInputError } from '../core/errors.ts';
import { costDifferenceText, formatPct, formatUsd } from '../report/format.ts';
import { bestSingleOf, leftOutOf } from '../report/recommend-view.ts';
import { readRun } from '../store/store.ts';
import { defaultTasksDir } from './common.ts';
import { existingRunFolder } from './run-lookup.ts';
import { commandPrefix, groupedSkips } from './hints.ts';

/** Options of {@link recommendCommand} (commander's parsed flags, as strings). */
export interface RecommendOptions {
  results: string;
  /** `--target <rate>`: `80%` or a fraction `0.8`. */
  target?: string;
  /** `--budget <usd>`: USD per task, e.g. `0.05` or `$0.05`. */
  budget?: string;
  /** `--tasks <dir>`: where the run's task.yaml files (difficulty, tags) are read (default: the bundled tasks/). */
  tasks?: string;
  json?: boolean;
}

/**
 * The criterion the flags ask for: `--target`, `--budget`, or neither (the cheapest policy as
 * accurate as the best single model).
 * @throws UserInputError (exit 2) for both flags, a target that is not `N%` (0–100) or a fraction 0–1, or a budget that is not a non-negative USD amount.
 */
export function criterionOf(o: Pick<RecommendOptions, 'target' | 'budget'>): Criterion {
  if (o.target !== undefined && o.budget !== undefined) throw new UserInputError('recommend: give --target or --budget, not both\n  fix: --target 80% for the cheapest policy reaching 80%, or --budget 0.05 for the most accurate one within $0.05 per task');
  if (o.target !== undefined) {
    const s = o.target.trim();
    const pct = /^(\d+(?:\.\d+)?)%$/.exec(s);
    const rate = pct ? Number(pct[1]) / 100 : /^\d*\.?\d+$/.test(s) ? Number(s) : Number.NaN;
    if (!(rate >= 0 && rate <= 1)) throw new UserInputError(`recommend: --target ${o.target}: not a resolved rate\n  fix: a percentage such as --target 80% or a fraction such as --target 0.8 (between 0 and 1)`);
    return { kind: 'target', rate };
  }
  if (o.budget !== undefined) {
    const s = o.budget.trim().replace(/^\$/, '');
    const usd = /^\d*\.?\d+$/.test(s) ? Number(s) : Number.NaN;
    if (!(usd >= 0)) throw new UserInputError(`recommend: --budget ${o.budget}: not an amount of USD per task\n  fix: a non-negative number such as --budget 0.05 (USD per task at list price)`);
    return { kind: 'budget', usdPerTask: usd };
  }
  return { kind: 'best_single' };
}

/**
 * Difficulty and tags of each instance id from `<tasksDir>/<id>/task.yaml`; ids without a folder are
 * left out (listed in `missing`).
 * @throws UserInputError when a task.yaml exists but is invalid (naming the file and field).
 */
export async function readTaskMeta(tasksDir: string, ids: readonly string[]): Promise<{ meta: Map<string, TaskMeta>; missing: string[] }> {
  const meta = new Map<string, TaskMeta>();
  const missing: string[] = [];
  for (const id of ids) {
    const file = path.join(tasksDir, id, 'task.yaml');
    if (!existsSync(file)) {
      missing.push(id);
      continue;
    }
    const t = await loadYamlFile(file, TaskYaml, 'see tasks/README.md for the fields of task.yaml');
    meta.set(id, { difficulty: t.difficulty, tags: t.tags });
  }
  return { meta, missing };
}

/** Runs `fixbench recommend`; prints the recommendation (text, or JSON with `--json`); exit 0. */
export async function recommendCommand(run: string, o: RecommendOptions): Promise<number> {
  const criterion = criterionOf(o);
  const dir = existingRunFolder(run, o.results);
  const { header, attempts } = await readRun(dir);
  const tasksDir = defaultTasksDir(o.tasks ?? storedTasksDir(header)); // the run's own folder (run.json tasks_dir) unless --tasks names one
  const { meta, missing } = await readTaskMeta(tasksDir, header.suite.instance_ids);
  const matrix = buildMatrix(header, attempts);
  const fb = commandPrefix();
  if (matrix.contenders.every((c) => c.costBasis === 'no_model')) {
    const skipped = header.skipped.length ? ` (skipped: ${groupedSkips(header.skipped)})` : '';
    throw new UserInputError(`recommend: run ${header.run_id}: no model ran in this run, only reference agents (${matrix.contenders.map((c) => c.id).join(', ')})${skipped}; there is no policy to recommend\n  fix: set OPENROUTER_API_KEY (or the api_key_env of the models you want) and run models, e.g. \`${fb} run --models step-3.5-flash,claude-opus-4.6\`, then \`${fb} recommend <that run>\``);
  }
  if (!matrix.contenders.some((c) => c.costBasis === 'list_price')) {
    throw new UserInputError(`recommend: run ${header.run_id} has no model with a known list price (contenders: ${matrix.contenders.map((c) => `${c.id} (${c.costBasis})`).join(', ')}); there is no priced policy to recommend\n  fix: re-price it with \`${fb} report ${run} --prices <sheet>\` to check the price rows, or run models with a price row`);
  }
  let r: Recommendation;
  try {
    r = recommend(matrix, criterion, meta);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new UserInputError(`recommend: run ${header.run_id}: ${e.message}\n  fix: complete the run with \`${fb} run --retry-errors ${header.run_id}\`, or re-price it with \`${fb} report ${header.run_id} --prices <sheet>\``, { cause: e });
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({ run_id: header.run_id, tasks_dir: tasksDir, tasks_without_metadata: missing, ...r }, null, 2) + '\n');
    return ExitCode.ok;
  }
  process.stdout.write(recommendationText(r, header.run_id, header.price_sheet.as_of));
  if (missing.length) {
    process.stderr.write(`note: ${missing.length} of ${header.suite.instance_ids.length} task(s) have no task.yaml under ${tasksDir} (e.g. ${missing[0]}): their difficulty and tags are unknown (group "(none)"); pass --tasks <dir> with the run's task folders\n`);
  }
  return ExitCode.ok;
}

const estimateLine = (e: Estimate): string => `${formatPct(e.rate).padStart(6)} (${e.resolved}/${e.graded} graded)  ${formatUsd(e.usdPerTask)} per task`;

/** The recommendation as the terminal shows it. */
export function recommendationText(r: Recommendation, runId: string, pricesAsOf: string): string {
  const c = r.criterion;
  const want =
    c.kind === 'budget'
      ? `the most accurate policy within ${formatUsd(c.usdPerTask)} per task`
      : c.kind === 'target'
        ? `the cheapest policy resolving at least ${formatPct(c.rate)}`
        : `the cheapest policy as accurate as ${bestSingleOf(r)}`;
  const lines = [
    `recommend for run ${runId}: ${want}; list prices as of ${pricesAsOf}; attempt 0 of each model`,
    `  policy:              ${r.policy.label} (${r.policy.kind === 'assignment' ? `a policy per task ${r.policy.by}` : r.policy.kind})`,
  ];
  if (!r.met) lines.push(`  NOT MET: no policy ${c.kind === 'budget' ? 'costs that little; the cheapest is shown' : 'reaches that rate; the most accurate is shown'}`);
  lines.push(`  in-sample:           ${estimateLine(r.inSample)}  (chosen and scored on the same ${r.inSample.tasks} tasks: optimistic)`);
  if (r.loto) {
    lines.push(`  leave-one-task-out:  ${estimateLine(r.loto)}  (chosen on n−1 tasks, scored on the one left out; same pick in ${r.loto.samePick} of ${r.loto.tasks} folds${r.loto.unmetFolds ? `, criterion not met in ${r.loto.unmetFolds}` : ''})`);
  } else lines.push('  leave-one-task-out:  — (needs at least 2 tasks)');
  if (r.oracle) {
    lines.push(`  oracle router:       ${estimateLine(r.oracle)}  (per task the cheapest model that fixed it: an upper bound no router reaches)`);
    if (r.gapToOracle) {
      lines.push(`  gap to the oracle:   ${(100 * r.gapToOracle.rate).toFixed(1)} pp resolved; the pick costs ${costDifferenceText(-r.gapToOracle.usdPerTask, 'the oracle')}`);
    }
  }
  const g = r.considered.groupings;
  lines.push(`  searched: ${r.considered.singles} single model(s), ${r.considered.cascades} cascade(s) (cheaper first, escalating when the visible check fails)${g.length ? `, assignments ${g.map((x) => (x === 'tag' ? 'per first tag' : 'per difficulty')).join(' and ')}` : ', no per-difficulty or per-tag assignment (the tasks have fewer than two groups of either)'}`);
  if (r.considered.unknownCost.length) lines.push(`  left out: ${leftOutOf(r)}`);
  if (r.alternatives.length) {
    lines.push('  other policies, cheapest first (in-sample):');
    for (const a of r.alternatives) lines.push(`    ${a.label.padEnd(28)} ${estimateLine(a)}`);
  }
  if (r.loto && r.inSample.rate !== null && r.loto.rate !== null && r.inSample.rate - r.loto.rate > 0.05) {
    lines.push(`  the held-out rate is ${(100 * (r.inSample.rate - r.loto.rate)).toFixed(1)} pp below the in-sample one: the pick is fitted to these tasks; expect the held-out figure on new ones`);
  }
  return lines.join('\n') + '\n';
}
