// `fixbench report <run>`: rebuild a run's HTML report (and its attempt pages) from its stored results,
// optionally re-priced under another price sheet; `fixbench report --site [results]`: every run's
// report plus a site index with the trend over time.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chosenSheetAgeNote, priceSheetAgeWarning } from '../config/price-age.ts';
import { commandPrefix, givenFlags, resumeCommand, shellWord } from './hints.ts';
import { runWriterState } from '../store/lock.ts';
import { liveStatusLabel } from '../store/run-label.ts';
import { readRun, readRunHeader } from '../store/store.ts';
import { buildReportFromRun } from '../report/build-run.ts';
import { readTrajectory, type AttemptRef } from '../store/trajectory.ts';
import { trajectoryCalls } from '../core/trajectory.ts';
import { assertRunExists } from './run-lookup.ts';
import { buildReport, buildSite, loadPublishedScores } from '../report/index.ts';
import { ExitCode, UserInputError } from '../core/errors.ts';
import { loadModels, loadPriceSheet } from '../config/catalog.ts';
import { PACKAGE_ROOT } from './paths.ts';
import { attemptRef, repriceRun } from '../pricing/reprice.ts';
import type { TokenUsage } from '../core/usage.ts';
import { applyCreatedAfter } from './report-window.ts';
import { createdAfterNote } from '../report/created-after.ts';
import { repricedReportName } from '../report/paths.ts';
import { readTaskMeta } from './recommend.ts';
import { defaultTasksDir } from './common.ts';
import { mergeUnfinished } from '../store/merge.ts';

/** Options of {@link reportCommand} (commander's parsed flags). */
export interface ReportOptions {
  results: string;
  reports: string;
  /** `--site [dir]`: build the site index over a results folder (true: `--results`). */
  site?: string | boolean;
  /** `--out <dir>`: where the report or site goes (default: `--reports/<run_id>`, or `--reports` for a site). */
  out?: string;
  /** `--published <file>`: published reference scores (default: data/published-scores.yaml). */
  published?: string;
  /** `--prices <sheet>`: re-price every attempt from its stored tokens under this sheet. */
  prices?: string;
  /** `--models-file <file>`: with `--prices`, the catalog whose `price` keys name the models' rows. */
  modelsFile?: string;
  /** `--created-after <date>`: only the run's tasks whose created_at is after the date (the contamination window). */
  createdAfter?: string;
  /** `--tasks <dir>`: the run's task folders: created_at for `--created-after`, difficulty and tags for the recommended policy (default: the bundled tasks/). */
  tasks?: string;
  /** Option keys given on the command line (commander's value source `cli`): the commands this one suggests carry `--results`, `--reports`, `--tasks` and `--models-file` when given. */
  given?: readonly string[];
}

/**
 * Builds `reports/<run_id>/index.html`; with `--prices <sheet>`, every cost is recomputed from the
 * stored tokens under that sheet (results are not changed) and the report goes to
 * `reports/<run_id>-prices-<as_of>-<sheet digest>/` (src/report/paths.ts `repricedReportName`). A model's row is its `price` key in `modelsFile` when given and
 * the model is listed there; else the key the run recorded (run.json `price_key`); else its key in the
 * bundled models.yaml; else its id. With `--created-after <date>`, only the run's tasks created after
 * the date count (created_at from `--tasks`, default the bundled tasks); the report says so in a banner
 * and goes to `reports/<run_id>[-prices-<as_of>-<sheet digest>]-created-after-<date>/`.
 * With `--site`, builds every run's report and the site index.
 * @throws UserInputError when the run folder or the price sheet is missing or invalid, or neither a run nor --site is given.
 */
export async function reportCommand(run: string | undefined, o: ReportOptions): Promise<number> {
  // a suggested command reads and writes where this one does (newcomer12 #5)
  const fb = commandPrefix();
  const where = givenFlags(o, ['results', 'reports']);
  const published = await loadPublishedScores(...(o.published ? [path.resolve(o.published)] : []));
  if (o.site !== undefined && o.site !== false) {
    if (run !== undefined) throw new UserInputError(`report: give a run or --site, not both\n  fix: \`${fb} report <run>${where}\` for one run, \`${fb} report --site [results]${givenFlags(o, ['reports'])}\` for all`);
    if (o.prices) throw new UserInputError(`report: --prices re-prices one run, not a site\n  fix: \`${fb} report <run> --prices <sheet>${where}\``);
    if (o.createdAfter !== undefined) throw new UserInputError(`report: --created-after restricts one run, not a site\n  fix: \`${fb} report <run> --created-after <date>${givenFlags(o, ['results', 'reports', 'tasks'])}\``);
    const resultsDir = path.resolve(typeof o.site === 'string' ? o.site : o.results);
    const site = await buildSite({ resultsDir, outDir: path.resolve(o.out ?? o.reports), published });
    process.stdout.write(`site: ${site.index} (${site.runs} run(s))\n`);
    if (site.gone.removed.length) process.stdout.write(`removed the reports of ${site.gone.removed.length} run(s) no longer under ${resultsDir} (written by an earlier report --site): ${site.gone.removed.join(', ')}\n`);
    for (const k of site.gone.kept) process.stderr.write(`note: run ${k.id} is no longer under ${resultsDir}: ${k.reason}\n`);
    return ExitCode.ok;
  }
  if (run === undefined) throw new UserInputError(`report: which run?\n  fix: \`${fb} report <run_id>${where}\`, or \`${fb} report --site${where}\` for every run under --results`);
  const dir = existsSync(path.join(run, 'run.json')) ? path.resolve(run) : path.resolve(o.results, run);
  assertRunExists(run, dir, o.results, givenFlags(o, ['results']));
  // A plain report reads the run as the report needs it (index from projected records, pages read
  // back and written incrementally: src/report/build-run.ts); a filtered or re-priced one changes
  // the records first, so it reads them whole.
  const plain = !o.prices && o.createdAfter === undefined;
  const stored = plain ? { header: await readRunHeader(dir), attempts: [] } : await readRun(dir);
  let { header, attempts } = stored;
  if (o.out === undefined && path.basename(dir) !== header.run_id) {
    // the report goes to reports/<run_id>: a renamed or copied folder would overwrite another run's report
    throw new UserInputError(
      `${path.join(dir, 'run.json')}: run_id is "${header.run_id}" but the folder is named "${path.basename(dir)}", so its report would replace reports/${header.run_id}; rename the folder back to ${header.run_id}, or pass --out <dir>`,
    );
  }
  let filterNote: string | undefined;
  if (o.createdAfter !== undefined) {
    const r = await applyCreatedAfter(header, attempts, o.createdAfter, o.tasks);
    ({ header, attempts } = r);
    filterNote = createdAfterNote(r.window);
  }
  let outDir = path.resolve(o.reports, header.run_id);
  let repricedFrom: { file: string; as_of: string } | undefined;
  if (o.prices) {
    const sheet = await loadPriceSheet(path.resolve(o.prices));
    if (sameSheet(header.price_sheet, path.resolve(o.prices), sheet)) {
      process.stderr.write(`note: run ${header.run_id} was priced with this sheet already (${header.price_sheet.file}, as of ${header.price_sheet.as_of}): the re-priced report shows the same costs as the run's own report (\`${fb} report ${shellWord(run)}${givenFlags(o, ['results', 'reports', 'tasks'])}\`); pass another sheet to see other prices\n`);
    }
    // A catalog named with --models-file wins; else the key the run recorded; else the bundled catalog's.
    const catalogKeys = await priceKeysOf(o.modelsFile);
    const recorded = Object.fromEntries(header.contenders.flatMap((c) => (c.price_key && c.price_key !== c.id ? [[c.id, c.price_key]] : [])));
    const priceKeys = o.modelsFile ? { ...recorded, ...catalogKeys } : { ...catalogKeys, ...recorded };
    const tiered = header.contenders.filter((c) => c.model !== null && sheet.models[priceKeys[c.id] ?? c.id]?.tiers?.length).map((c) => c.id);
    const callUsages = await readCallUsages(dir, attempts.filter((a) => tiered.includes(a.contender)));
    repricedFrom = { file: header.price_sheet.file, as_of: header.price_sheet.as_of };
    const r = repriceRun({ header, attempts, sheet, sheetFile: o.prices, priceKeys, callUsages });
    ({ header, attempts } = r);
    for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
    // one folder per sheet, not per as_of: two sheets of one date never overwrite each other (newcomer13 #7)
    outDir = path.resolve(o.reports, repricedReportName(header.run_id, sheet.as_of, await readFile(path.resolve(o.prices))));
  }
  // a run left `running` by a killed process: the page and this note say so, with the command that finishes it
  const writer = header.status === 'running' ? await runWriterState(dir) : 'alive';
  const status = liveStatusLabel(header, writer, resumeCommand(header.run_id, o));
  if (writer === 'gone' && !mergeUnfinished(header)) process.stderr.write(`warning: run ${header.run_id} is ${status}; its report shows only the attempts recorded before it was killed\n`);
  if (mergeUnfinished(header)) {
    process.stderr.write(`warning: ${dir} is a merged run still being written, or whose merge was stopped: it may lack attempts of its shards; remove it and merge again\n`);
  }
  if (header.contenders.some((c) => c.model !== null) && o.prices) {
    // a sheet named with --prices was picked on purpose (to see the run at that date's prices): information, not a warning (newcomer12 #9)
    const chosen = chosenSheetAgeNote(header.price_sheet, o.prices, new Date(), fb);
    if (chosen) process.stderr.write(`note: ${chosen}\n`);
  } else if (header.contenders.some((c) => c.model !== null)) {
    const stale = priceSheetAgeWarning(header.price_sheet, new Date(), `re-price this run's report under it: \`${fb} report ${shellWord(run)} --prices <newer sheet>${givenFlags(o, ['results', 'reports', 'tasks', 'modelsFile'])}\``, fb);
    if (stale) process.stderr.write(`warning: ${stale}\n`);
  }
  // a filtered report never replaces the full one: its own folder
  if (o.createdAfter !== undefined) outDir = `${outDir}-created-after-${o.createdAfter.replace(/[^0-9A-Za-z.-]/g, '-')}`;
  // difficulty and tags for the recommended policy's per-group assignments (tasks not found there: none)
  let taskMeta: Awaited<ReturnType<typeof readTaskMeta>>['meta'] | undefined;
  try {
    taskMeta = (await readTaskMeta(defaultTasksDir(o.tasks), header.suite.instance_ids)).meta;
  } catch (e) {
    if (o.tasks !== undefined) throw e; // a folder the user named must be valid
    process.stderr.write(`note: the recommended policy leaves out per-difficulty and per-tag assignments: ${(e as Error).message.split('\n')[0]}\n`);
  }
  // the folder the user named: no folder below it on the way to a report file may be a link (src/core/owned-tree.ts)
  const root = path.resolve(o.out ?? o.reports);
  const out = plain ? await buildReportFromRun({ runDir: dir, outDir: path.resolve(o.out ?? outDir), root, published, status, ...(taskMeta ? { taskMeta } : {}) }) : await buildReport({
    ...(taskMeta ? { taskMeta } : {}),
    status,
    header,
    attempts,
    outDir: path.resolve(o.out ?? outDir),
    root,
    runDir: dir,
    published,
    ...(repricedFrom !== undefined ? { repricedFrom } : {}),
    ...(filterNote !== undefined ? { filterNote } : {}),
  });
  process.stdout.write(`report: ${out}${filterNote ? ` (${filterNote})` : ''}\n`);
  return ExitCode.ok;
}

/**
 * Whether the sheet at `file` (already parsed: `sheet`) is the one the run was priced with: the same
 * path (a stored relative path is relative to the package root), or the same `as_of` and `source`.
 */
function sameSheet(stored: { file: string; as_of: string; source: string }, file: string, sheet: { as_of: string; source: string }): boolean {
  return path.resolve(PACKAGE_ROOT, stored.file) === file || (stored.as_of === sheet.as_of && stored.source === sheet.source);
}

/** Model id → price key, from a models.yaml (only ids whose key differs); {} when it cannot be read. */
async function priceKeysOf(modelsFile: string | undefined): Promise<Record<string, string>> {
  try {
    const specs = await loadModels(path.resolve(modelsFile ?? path.join(PACKAGE_ROOT, 'models.yaml')));
    return Object.fromEntries(specs.filter((m) => m.price && m.price !== m.id).map((m) => [m.id, m.price!]));
  } catch (e) {
    if (modelsFile) throw e; // a file the user named must be valid
    return {};
  }
}

/** Per-call usages from the attempts' trajectories (either agent's format, read by the store); unreadable ones are left out. */
async function readCallUsages(dir: string, attempts: AttemptRef[]): Promise<Map<string, TokenUsage[]>> {
  const out = new Map<string, TokenUsage[]>();
  for (const a of attempts) {
    const t = await readTrajectory(dir, a);
    // missing or invalid: the re-pricer notes the unknown cost
    if (t.kind === 'ok') out.set(attemptRef(a), trajectoryCalls(t.file).map((c) => c.usage));
  }
  return out;
}
