// Builds a run's report: view models (pure) → charts (vega → inert SVG) → HTML (handlebars) →
// `outDir/index.html` plus one attempts page per contender and task under `outDir/attempts/`.
import { OwnedTree } from '../core/owned-tree.ts';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { analyseRun, type RunAnalysis } from '../analysis/run.ts';
import { indexAttempts } from '../analysis/leaderboard.ts';
import type { AttemptRecord, IndexRecord, RunHeader } from '../store/records.ts';
import { answerView, type AnswerView } from './answer-view.ts';
import { referenceCheck } from '../analysis/reference-check.ts';
import { referenceLine, type ReferenceLine } from './reference-view.ts';
import { buildAnalysisView, type AnalysisView, type StepSeries } from './analysis-view.ts';
import { compactRestCascades, firstAttemptPoints, priceChart, PRICE_CHART_SIZES, titleMarks, type KeyEntry } from './price-chart.ts';
import { modelColours } from './colours.ts';
import { markDisagreement, type FilterableRow } from './matrix-filter.ts';
import { assertInertSvg, lineChartSpec, renderChartSvg, type InertSvg, type LinePoint } from './chart.ts';
import { writeAttemptPages, type PageJob } from './attempt-pages.ts';
import { pageInputDigest, trajectoryStamp, type TrajectoryStamp } from './page-digest.ts';
import type { PublishedScore } from './published.ts';
import { renderReportHtml, type PageCharts } from './render.ts';
import { madeUpTag } from '../pricing/illustrative.ts';
import { attemptPageView, stepSeriesOf } from './trajectory.ts';
import { contendersWithTrajectories, readTrajectory, type TrajectoryRead } from '../store/trajectory.ts';
import { buildViewModel, type ReportViewModel } from './view-model.ts';
import { agentComparisons, type AgentComparison } from './agents-view.ts';
import { recommendView, type RecommendView } from './recommend-view.ts';
import type { TaskMeta } from '../analysis/recommend.ts';
import { modelMixViews, type ModelMixView } from './model-mix-view.ts';

/** Input of {@link buildReport}: a run's header and its attempt records, and where to write. */
export interface BuildReportOptions {
  header: RunHeader;
  attempts: readonly AttemptRecord[];
  /** Folder to write into; created if missing. */
  outDir: string;
  /**
   * The folder the user named, `outDir` or a folder above it (`reports/` for `reports/<run_id>`, the
   * site folder for its run reports): no folder from below it down to every file written may be a
   * link (src/core/owned-tree.ts). Default `outDir`.
   */
  root?: string;
  /** The run's folder, to read trajectories from (`trajectories/<model>/<instance_id>/<n>.json`); without it attempt pages show no steps. */
  runDir?: string;
  /** Published reference figures shown beside measured ones (default: none; the CLI passes data/published-scores.yaml). */
  published?: readonly PublishedScore[];
  /** The sheet the run was recorded with, when `header.price_sheet` is another one (`report --prices`); defaults to the header's `repriced_from`, if any. */
  repricedFrom?: { file: string; as_of: string } | null;
  /** A restriction of the run's tasks the page states in a banner and its title (`report --created-after`: "tasks created after …: k of n"). */
  filterNote?: string | null;
  /** Write the attempts pages under `attempts/` (one per contender and task) and link the matrix to them (default true). */
  attemptPages?: boolean;
  /** Difficulty and tags of the run's tasks (task.yaml), for the recommendation's per-group policies; absent: single models and cascades only. */
  taskMeta?: ReadonlyMap<string, TaskMeta>;
  /** The run's status as the page shows it (src/store/run-label.ts `liveStatusLabel`: `running (no live process): …`); default the header's `status`. */
  status?: string;
}

/** Options of {@link renderReport}. */
export type RenderOptions = Pick<BuildReportOptions, 'published' | 'repricedFrom' | 'attemptPages' | 'filterNote' | 'taskMeta' | 'status'> & {
  /** Per-step series of trajectories by contender id (context growth). */
  trajectories?: ReadonlyMap<string, readonly StepSeries[]>;
  /** The run's analysis, when the caller has it ({@link buildReport} does); computed otherwise. */
  analysis?: RunAnalysis;
};

/** The everything-view of a report page: the run's view model plus the analysis sections. */
export type ReportPage = ReportViewModel & {
  analysis: AnalysisView;
  /** The same model under different agents side by side (src/report/agents-view.ts). */
  agentDimension: AgentComparison[];
  /** Step-routing and router contenders: the models that answered their calls (src/report/model-mix-view.ts). */
  modelMix: ModelMixView[];
  answer: AnswerView;
  /** The gold/noop sanity check, one line near the top (src/report/reference-view.ts); null when neither ran. */
  sanity: ReferenceLine | null;
  /** The chart's points are first attempts (attempt 0) of a run with several per task. */
  chartFirstAttempts: boolean;
  /** Colour of each contender id, the same in every chart of the page (and of the site). */
  colours: ReadonlyMap<string, string>;
  /** The leaderboard: models ranked among themselves; reference agents (gold, noop) apart, unranked. */
  leaderboard: { models: ReportViewModel['rows']; references: ReportViewModel['rows'] };
  /** The per-task matrix with the tasks where models disagree marked (the page can filter to them). */
  matrixView: { columns: string[]; rows: FilterableRow[]; disagreeing: number };
  /** Cascades drawn only when the reader asks for every one (not among the best few by value). */
  routingHidden: number;
  /** The restriction of the run's tasks this page shows (`report --created-after`), or null for the whole run. */
  filterNote: string | null;
  /** The recommended routing policy (src/report/recommend-view.ts); null without a priced model. */
  recommendation: RecommendView | null;
};

/** The records that count (the leaderboard's: known contender, suite task, attempt in range; last duplicate wins). */
function countedRecords(analysis: RunAnalysis): IndexRecord[] {
  const out: IndexRecord[] = [];
  for (const byTask of analysis.index.byContender.values()) for (const byAttempt of byTask.values()) for (const r of byAttempt.values()) out.push(r);
  return out;
}

/** `repriced_from` of a header written by `report --prices`, when present (it is not part of a stored run). */
function repricedFromHeader(header: RunHeader): { file: string; as_of: string } | null {
  const r = (header as { repriced_from?: unknown }).repriced_from;
  if (r && typeof r === 'object' && typeof (r as { file?: unknown }).file === 'string') {
    const o = r as { file: string; as_of?: unknown };
    return { file: o.file, as_of: typeof o.as_of === 'string' ? o.as_of : '—' };
  }
  return null;
}

/**
 * The report page's view model and the data of its charts, every part read from one
 * {@link RunAnalysis} (`o.analysis`, or computed here). Pure.
 */
export function reportPage(header: RunHeader, attempts: readonly IndexRecord[], o: RenderOptions = {}): ReportPage {
  const analysed = o.analysis ?? analyseRun(header, attempts);
  const vm = buildViewModel(header, attempts, {
    published: o.published ?? [],
    attemptLinks: o.attemptPages ?? true,
    repricedFrom: o.repricedFrom ?? repricedFromHeader(header),
    analysis: analysed,
  });
  // Models and cascades on one basis: with several attempts per task the chart shows attempt 0 of each.
  const chartFirstAttempts = header.attempts_per_task > 1;
  const chart = chartFirstAttempts ? { ...vm.chart, points: firstAttemptPoints(vm.chart.points, analysed.answer.models) } : vm.chart;
  const analysis = buildAnalysisView(analysed, chart.points, o.trajectories);
  const colours = modelColours(header.contenders.map((c) => c.id));
  const leaderboard = {
    models: vm.rows.filter((r) => !r.reference).map((r, i) => ({ ...r, rank: i + 1 })),
    references: vm.rows.filter((r) => r.reference),
  };
  const routingHidden = analysis.routing.points.filter((p) => p.top === false).length;
  const modelColumns = new Set(leaderboard.models.map((r) => r.id));
  const matrixView = { columns: vm.matrix.columns, ...markDisagreement(vm.matrix.columns, vm.matrix.rows, modelColumns) };
  // The banner says a run is re-priced: the note's copy of it (written by `report --prices`) would repeat it.
  const note = vm.repricedFrom ? vm.run.note?.replace(/(^|; )re-priced under .*?; the run was priced with [^;]*/, '').replace(/^; /, '') || null : vm.run.note;
  const filterNote = o.filterNote ?? null;
  const title = filterNote ? `${vm.title} (${filterNote})` : vm.title;
  return { ...vm, title, filterNote, run: { ...vm.run, note, status: o.status ?? vm.run.status }, chart, analysis, answer: answerView(analysed.answer, header.price_sheet, header.skipped), sanity: referenceLine(referenceCheck(analysed.ranked, analysed.matrix)), chartFirstAttempts, colours, leaderboard, routingHidden, matrixView, agentDimension: agentComparisons(analysed.ranked), recommendation: recommendView(analysed.matrix, header.run_id, o.taskMeta), modelMix: modelMixViews(header.contenders.map((c) => c.id), countedRecords(analysed)) };
}

const lineSvg = async (points: LinePoint[], spec: Parameters<typeof lineChartSpec>[1]): Promise<InertSvg | null> =>
  points.length ? renderChartSvg(lineChartSpec(points, spec)) : null;

/** The report page as an HTML string, without writing it. */
export async function renderReport(header: RunHeader, attempts: readonly IndexRecord[], o: RenderOptions = {}): Promise<string> {
  const page = reportPage(header, attempts, o);
  const colours = page.colours;
  const price = async (size: (typeof PRICE_CHART_SIZES)[keyof typeof PRICE_CHART_SIZES]): Promise<{ svg: InertSvg; key: KeyEntry[] } | null> => {
    if (page.chart.points.length === 0) return null;
    const c = priceChart(page.chart.points, page.analysis.routing.points, { ...size, colours, rest: size === PRICE_CHART_SIZES.wide });
    return { svg: assertInertSvg(compactRestCascades(titleMarks(await renderChartSvg(c.spec)))), key: c.key };
  };
  const [wide, narrow] = [await price(PRICE_CHART_SIZES.wide), await price(PRICE_CHART_SIZES.narrow)];
  const charts: PageCharts = {
    price: wide?.svg ?? null,
    priceNarrow: narrow?.svg ?? null,
    budgetUsd: await lineSvg(page.analysis.budget.usd, { xTitle: 'USD cap per attempt (log scale)', yTitle: 'resolved (%)', xLog: true, xFormat: '$~g', yDomain: [0, 100], step: true, colours }),
    budgetSteps: await lineSvg(page.analysis.budget.steps, { xTitle: 'step cap per attempt (log scale)', yTitle: 'resolved (%)', xLog: true, yDomain: [0, 100], step: true, colours }),
    context: await lineSvg(page.analysis.steps.context, { xTitle: 'step', yTitle: 'prompt tokens (mean over attempts reaching the step)', colours }),
  };
  const withKey = { ...page, priceKey: { wide: wide?.key ?? [], narrow: narrow?.key ?? [] } };
  return renderReportHtml(withKey, charts);
}

/**
 * Writes one self-contained static HTML page (inline CSS, inline SVG charts, one inline sort script
 * allowed by its CSP hash, no network reference; opens from disk) to `outDir/index.html`, and one
 * attempts page per matrix cell (every attempt of a contender at a task, `#attempt-<n>`) to
 * `outDir/attempts/<contender index>/<task index>.html`.
 * Returns the index path. Trajectory files that are missing or invalid show as a note on their page.
 * Every file replaces whatever is at its name (a link there is replaced, never written through).
 * @throws UserInputError when a folder below `root` on the way to a file is a link or not a folder.
 */
export async function buildReport(o: BuildReportOptions): Promise<string> {
  return writeReport(o, o.attempts, async (rs) => rs);
}

/**
 * {@link buildReport} over records of any projection `R` (the index reads only {@link IndexRecord}
 * fields): `whole(rs)` gives the whole records of one page's records, in order, when that page is
 * built. Attempt pages are written incrementally (src/report/attempt-pages.ts).
 */
export async function writeReport<R extends IndexRecord>(o: Omit<BuildReportOptions, 'attempts'>, attempts: readonly R[], whole: (rs: R[]) => Promise<readonly AttemptRecord[]>): Promise<string> {
  const { header, outDir } = o;
  const withPages = o.attemptPages ?? true;
  const modelDriven = new Set(header.contenders.filter((c) => c.model !== null).map((c) => c.id));
  // The records that count (the leaderboard's: known contender, suite task, attempt in range; last
  // duplicate wins), built once for the analysis and the attempt pages.
  const counted = indexAttempts(header, attempts);
  const analysis = analyseRun(header, attempts, counted);
  const limit = pLimit(16); // file reads and writes in flight

  // Step series for the index (context growth); the trajectories themselves are read again per page, not held.
  const series = new Map<string, StepSeries[]>();
  const runDir = o.runDir;
  // contenders with no trajectory folder have only missing trajectories: no read per attempt
  const withFolder = runDir ? await contendersWithTrajectories(runDir) : new Set<string>();
  if (runDir) {
    const driven = header.contenders.filter((c) => modelDriven.has(c.id) && withFolder.has(c.id)).flatMap((c) => [...counted.byContender.get(c.id)!.values()].flatMap((m) => [...m.values()]));
    const read = await Promise.all(driven.map((r) => limit(() => readTrajectory(runDir, r))));
    read.forEach((t, i) => {
      if (t.kind !== 'ok') return;
      const c = driven[i]!.contender;
      series.set(c, [...(series.get(c) ?? []), stepSeriesOf(t.file)]);
    });
  }

  const html = await renderReport(header, attempts, { published: o.published, repricedFrom: o.repricedFrom, filterNote: o.filterNote, status: o.status, attemptPages: withPages, trajectories: series, analysis, ...(o.taskMeta ? { taskMeta: o.taskMeta } : {}) });
  const tree = new OwnedTree(o.root ?? outDir); // every file by temporary file and rename, no folder a link
  await tree.folder(outDir);
  const path = join(outDir, 'index.html');
  await tree.write(path, html);

  if (withPages) {
    // how each record's trajectory will be read: stamped (stat) before it is read, for the page digest
    const stampOf = async (r: AttemptRecord): Promise<TrajectoryStamp> => (!modelDriven.has(r.contender) ? 'none' : !runDir ? 'not_read' : withFolder.has(r.contender) ? trajectoryStamp(runDir, r) : 'missing');
    const trajectoryOf = async (r: AttemptRecord): Promise<TrajectoryRead | null> => (!modelDriven.has(r.contender) ? null : !runDir ? { kind: 'not_read' } : withFolder.has(r.contender) ? readTrajectory(runDir, r) : { kind: 'missing' });
    const page = { back: '../../index.html#matrix', attemptsPerTask: header.attempts_per_task, madeUp: madeUpTag(header.price_sheet) };
    const context = JSON.stringify(page);
    const jobs: PageJob[] = [];
    header.contenders.forEach((c, ci) => {
      const byTask = counted.byContender.get(c.id)!;
      header.suite.instance_ids.forEach((t, ti) => {
        const rs = byTask.get(t);
        if (!rs?.size) return;
        jobs.push({
          contenderIndex: ci,
          taskIndex: ti,
          prepare: async () => {
            const full = await whole([...rs.values()]);
            const stamps = await Promise.all(full.map(stampOf));
            return {
              digest: pageInputDigest(full, stamps, context),
              view: async () => attemptPageView(await Promise.all(full.map(async (record) => ({ record, trajectory: await trajectoryOf(record) }))), page),
            };
          },
        });
      });
    });
    await writeAttemptPages(tree, outDir, jobs, limit);
  }
  return path;
}
