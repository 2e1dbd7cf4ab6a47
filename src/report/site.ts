// The site index over every run of a results folder (DESIGN.md §9): one report per run, and an index
// page grouping runs by task suite (hash) with the nightly trend of each model's resolved rate and
// USD per task over time. Only runs of the same suite are comparable, hence the grouping.
import { readdir } from 'node:fs/promises';
import { OwnedTree } from '../core/owned-tree.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { rankSummaries, summariseListed } from '../analysis/leaderboard.ts';
import { UserInputError } from '../core/errors.ts';
import { readRun, type StoredRun } from '../store/store.ts';
import { liveStatusLabel, newestFirst, runStatusLabel } from '../store/run-label.ts';
import { runWriterState } from '../store/lock.ts';
import { buildReport } from './build.ts';
import { modelColours } from './colours.ts';
import { lineChartSpec, renderChartSvg, type LinePoint } from './chart.ts';
import { suiteName } from './suite-name.ts';
import { madeUpTag } from '../pricing/illustrative.ts';
import { formatInt, formatPct, formatUsd } from './format.ts';
import type { PublishedScore } from './published.ts';
import { renderSiteHtml, type PageCharts } from './render.ts';
import { commandPrefix } from '../cli/hints.ts';
import { readSiteManifest, recordWritten, removeGoneRuns, writeSiteManifest, type GoneRuns, type SiteManifest } from './site-owned.ts';

/**
 * A model's change since its previous run of the group: rate in percentage points and USD per task in
 * percent, e.g. "+4.0 pp, −12% USD"; "first run" when there is none; "n/a" parts when unknown.
 */
export function changeSince(now: { rate: number | null; usd: number | null }, prev: { rate: number | null; usd: number | null } | null): string {
  if (prev === null) return 'first run';
  const pp = now.rate !== null && prev.rate !== null ? (now.rate - prev.rate) * 100 : null;
  // free both times (a price of 0 is known): no change; from free to paid has no percentage
  const usd = now.usd !== null && prev.usd !== null && prev.usd > 0 ? ((now.usd - prev.usd) / prev.usd) * 100 : now.usd === 0 && prev.usd === 0 ? 0 : null;
  const sign = (v: number, s: string): string => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(s === 'pp' ? 1 : 0)}${s === 'pp' ? ' pp' : '% USD'}`;
  return `${pp === null ? 'n/a' : sign(pp, 'pp')}, ${usd === null ? 'USD n/a' : sign(usd, 'usd')}`;
}

export interface SiteRunRow {
  id: string;
  href: string;
  startedAt: string;
  status: string;
  contenders: string;
  /** Best model of the run and its resolved rate, e.g. "deepseek-v3.2 (61.0%)". */
  best: string;
  spend: string;
  sort: { started: string };
}

export interface SiteGroup {
  suiteHash: string;
  suiteHashShort: string;
  /** The suite by its task ids (src/report/suite-name.ts `suiteName`); null when the runs stored none (the hash names it). */
  suiteName: string | null;
  /** The suite's size with its noun: `1 task`, `16 tasks`. */
  tasks: string;
  runs: SiteRunRow[];
  /** Keys of this group's trend charts in the page's charts (null: fewer than two points to draw). */
  rateChart: string | null;
  usdChart: string | null;
  /** Latest figure per model in this group: resolved rate and USD per task of its newest run. */
  latest: Array<{ id: string; rate: string; usd: string; runs: string; change: string }>;
  /** Said in the place of an empty `latest` table: why there is no model figure ({@link latestNote}); "" when `latest` has rows. */
  latestEmpty: string;
}

/**
 * Why a suite's "Latest per model" table has no row (newcomer12 #7): "" when `hasLatest`; else its
 * runs with models are all shards (`modelShards`: their rates cover only their share of the suite, so
 * they stay out until merged), or no run of it had a model (only the reference agents gold and noop,
 * which are not plotted), or they did not finish (`modelUnfinished`, {@link RunPoint.unfinished}). One sentence with what to do.
 */
export function latestNote(hasLatest: boolean, modelShards: boolean, modelUnfinished = false): string {
  if (hasLatest) return '';
  if (modelUnfinished && !modelShards) return 'No model figures yet: the runs of this suite with models did not finish (running, interrupted or failed), so their rates cover only the attempts they ran; finish one with run --resume <id> and its figures appear here.';
  if (modelShards) return 'No model figures yet: the runs of this suite with models are shards (run --shard), whose rates cover only their share of the suite; join them with fixbench merge and their figures appear here.';
  return 'No model runs yet: the runs of this suite ran only the reference agents (gold, noop), which check the tasks and the harness and are not plotted; their results are on each run\'s page. Set a provider key and run models to see figures here.';
}

/** Everything `templates/site-page.hbs` shows. */
export interface SiteViewModel {
  title: string;
  runCount: string;
  groups: SiteGroup[];
  /** Folders that look like runs but could not be read, and why. */
  unreadable: Array<{ dir: string; reason: string }>;
}

/** What the trend needs of one run: its id, start time, suite and per-model figures. Pure data. */
export interface RunPoint {
  id: string;
  startedAt: string;
  /** When a `fixbench merge` wrote the run (ISO), if it is one: orders merges of the same shards. */
  mergedAt?: string;
  /** The run's status as every run listing shows it (`runStatusLabel`: `finished (shard 1/2)`, …). */
  status: string;
  suiteHash: string;
  tasks: number;
  /** The suite's task ids (`header.suite.instance_ids`); absent: the suite is named by its hash. */
  taskIds?: readonly string[];
  contenders: number;
  spend: number | null;
  /** The run was priced with an illustrative sheet: its USD figures are labelled made up ({@link madeUpTag}). */
  illustrative?: boolean;
  /** `rate` divides by graded trials; `infraErrors` left it (shown beside the rate). */
  models: Array<{ id: string; rate: number | null; usdPerTask: number | null; infraErrors?: number }>;
  /** `i/n` for a shard of a run (`run --shard`): listed (its rate over its own attempts: `summariseListed`), but left out of the trend and latest figures: its share of the suite is not the suite. */
  shard?: string | null;
  /**
   * Set when the run did not finish (`running`: being written or killed; `interrupted`; `failed`): listed, but
   * left out of the trend and latest figures, like a shard, since its rates cover only the attempts it ran
   * (`compare previous` never picks a running run either). A `budget_exhausted` run is a point: its stop is its result.
   */
  unfinished?: 'running' | 'interrupted' | 'failed' | null;
}

/** The statuses {@link RunPoint.unfinished} names. */
const UNFINISHED = new Set(['running', 'interrupted', 'failed']);

/** The trend figures of a stored run (models only: reference agents are not plotted); `status` as listed (default `runStatusLabel`). */
export function runPoint(run: StoredRun, status = runStatusLabel(run.header)): RunPoint {
  const ranked = rankSummaries(summariseListed(run.header, run.attempts));
  const spend = ranked.reduce<number | null>((s, r) => (s === null || r.totalUsd === null ? null : s + r.totalUsd), 0);
  return {
    id: run.header.run_id,
    startedAt: run.header.started_at,
    ...(run.header.merged_at ? { mergedAt: run.header.merged_at } : {}),
    status,
    suiteHash: run.header.suite.hash,
    tasks: run.header.suite.instance_ids.length,
    taskIds: run.header.suite.instance_ids,
    contenders: run.header.contenders.length,
    spend,
    ...(run.header.price_sheet.illustrative ? { illustrative: true } : {}),
    models: ranked.filter((s) => s.costBasis !== 'no_model').map((s) => ({ id: s.id, rate: s.resolvedRate, usdPerTask: s.meanUsdPerTask, infraErrors: s.infraErrors })),
    shard: run.header.shard ? `${run.header.shard.index}/${run.header.shard.count}` : null,
    unfinished: UNFINISHED.has(run.header.status) ? (run.header.status as NonNullable<RunPoint['unfinished']>) : null,
  };
}

/**
 * The site view model and its trend series: groups by suite hash (newest group first), runs newest
 * first, one series per model over the runs' start times. Pure.
 */
export function siteView(points: readonly RunPoint[], unreadable: SiteViewModel['unreadable'] = []): { vm: SiteViewModel; series: Map<string, { points: LinePoint[]; kind: 'rate' | 'usd' }> } {
  const bySuite = new Map<string, RunPoint[]>();
  for (const p of points) bySuite.set(p.suiteHash, [...(bySuite.get(p.suiteHash) ?? []), p]);
  const series = new Map<string, { points: LinePoint[]; kind: 'rate' | 'usd' }>();
  const newest = (rs: RunPoint[]): string => rs.reduce((m, r) => (r.startedAt > m ? r.startedAt : m), '');
  const groups = [...bySuite.entries()]
    .sort(([, a], [, b]) => (newest(a) > newest(b) ? -1 : newest(a) < newest(b) ? 1 : 0))
    .map(([hash, runs], gi): SiteGroup => {
      const sorted = [...runs].sort((a, b) => newestFirst({ started_at: a.startedAt, merged_at: a.mergedAt }, { started_at: b.startedAt, merged_at: b.mergedAt }));
      const rate: LinePoint[] = [];
      const usd: LinePoint[] = [];
      const latest = new Map<string, { rate: number | null; usd: number | null; runs: number; infra: number; prev: { rate: number | null; usd: number | null } | null }>();
      for (const r of [...sorted].reverse()) {
        // a shard's rates cover only its share of the suite, an unfinished run's only what it ran: not points of the trend
        if (r.shard || r.unfinished) continue;
        const t = Date.parse(r.startedAt);
        for (const m of r.models) {
          if (Number.isFinite(t) && m.rate !== null) rate.push({ series: m.id, x: t, y: m.rate * 100 });
          if (Number.isFinite(t) && m.usdPerTask !== null) usd.push({ series: m.id, x: t, y: m.usdPerTask });
          const before = latest.get(m.id);
          latest.set(m.id, { rate: m.rate, usd: m.usdPerTask, runs: (before?.runs ?? 0) + 1, infra: m.infraErrors ?? 0, prev: before ? { rate: before.rate, usd: before.usd } : null });
        }
      }
      const rateKey = `rate-${gi}`;
      const usdKey = `usd-${gi}`;
      if (rate.length) series.set(rateKey, { points: rate, kind: 'rate' });
      if (usd.length) series.set(usdKey, { points: usd, kind: 'usd' });
      return {
        suiteHash: hash,
        suiteHashShort: hash.slice(0, 12),
        suiteName: suiteName(sorted[0]!.taskIds ?? []),
        tasks: `${formatInt(sorted[0]!.tasks)} task${sorted[0]!.tasks === 1 ? '' : 's'}`,
        runs: sorted.map((r) => {
          const best = [...r.models].sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1))[0];
          return {
            id: r.id,
            href: `${encodeURIComponent(r.id)}/index.html`,
            startedAt: r.startedAt,
            status: r.shard || r.unfinished ? `${r.status}: not in the trend` : r.status,
            contenders: formatInt(r.contenders),
            best: best ? `${best.id} (${formatPct(best.rate)})` : '—',
            spend: `${formatUsd(r.spend)}${madeUpTag(r)}`,
            sort: { started: r.startedAt },
          };
        }),
        rateChart: rate.length ? rateKey : null,
        usdChart: usd.length ? usdKey : null,
        latest: [...latest.entries()]
          .sort(([, a], [, b]) => (b.rate ?? -1) - (a.rate ?? -1))
          .map(([id, l]) => ({ id, rate: `${formatPct(l.rate)}${l.infra ? ` (${l.infra} infra error${l.infra === 1 ? '' : 's'} left out)` : ''}`, usd: formatUsd(l.usd), runs: formatInt(l.runs), change: changeSince(l, l.prev) })),
        latestEmpty: latestNote(latest.size > 0, sorted.some((r) => r.shard && r.models.length > 0), sorted.some((r) => r.unfinished && r.models.length > 0)),
      };
    });
  return { vm: { title: 'fixbench runs', runCount: formatInt(points.length), groups, unreadable }, series };
}

/** Options of {@link buildSite}. */
export interface BuildSiteOptions {
  /** Folder holding run folders (`<results>/<run_id>/run.json`). */
  resultsDir: string;
  /** Where to write `index.html` and one report folder per run. */
  outDir: string;
  published?: readonly PublishedScore[];
  /** Write attempt pages in every run's report (default true). */
  attemptPages?: boolean;
}

/**
 * Builds every run's report into `outDir/<run_id>/` and the site index `outDir/index.html`.
 * A folder with a run.json that cannot be read is listed on the index with the reason, not fatal.
 * The reports of runs an earlier build over the same `resultsDir` wrote (`outDir/.fixbench-site.json`)
 * whose folder is no longer there are removed (`gone.removed`), only their report's own files, or left with the
 * reason (`gone.kept`; src/report/site-owned.ts). Files are written and removed only through real
 * folders below `outDir` (src/core/owned-tree.ts): a run's report folder replaced by a link stops the build.
 * @throws UserInputError when `resultsDir` does not exist or holds no run folder, or a folder below `outDir` is a link.
 */
export async function buildSite(o: BuildSiteOptions): Promise<{ index: string; runs: number; gone: GoneRuns }> {
  if (!existsSync(o.resultsDir)) throw new UserInputError(`${o.resultsDir}: no such results folder\n  fix: pass the folder that holds run folders (default: results)`);
  const dirs = (await readdir(o.resultsDir, { withFileTypes: true }))
    // a run folder moved away and linked back is a run (atkI13 #6: not "gone")
    .filter((d) => (d.isDirectory() || d.isSymbolicLink()) && existsSync(path.join(o.resultsDir, d.name, 'run.json')))
    .map((d) => d.name)
    .sort();
  if (dirs.length === 0) throw new UserInputError(`${o.resultsDir}: no run folders (none has a run.json)\n  fix: run \`${commandPrefix()} run\` first, or pass the folder that holds run folders`);
  const before = await readSiteManifest(o.outDir);
  const tree = new OwnedTree(o.outDir); // no folder below the site folder a link; files by temporary file and rename
  const written: SiteManifest['runs'] = {};
  const points: RunPoint[] = [];
  const unreadable: SiteViewModel['unreadable'] = [];
  for (const d of dirs) {
    const runDir = path.join(o.resultsDir, d);
    let run: StoredRun;
    try {
      run = await readRun(runDir);
    } catch (e) {
      unreadable.push({ dir: d, reason: e instanceof Error ? e.message.split('\n')[0]! : String(e) });
      continue;
    }
    if (d !== run.header.run_id) {
      // its report would go to <out>/<run_id>, over another run's (or under a name the index does not link)
      unreadable.push({ dir: d, reason: `${path.join(runDir, 'run.json')}: run_id is "${run.header.run_id}" but the folder is named "${d}"; rename the folder back to ${run.header.run_id}` });
      continue;
    }
    // a run left `running` by a killed process says so (run.lock's holder is gone), with the command that finishes it
    const status = liveStatusLabel(run.header, run.header.status === 'running' ? await runWriterState(runDir) : 'alive', `${commandPrefix()} run --resume ${run.header.run_id}`);
    await buildReport({ header: run.header, attempts: run.attempts, outDir: path.join(o.outDir, run.header.run_id), root: o.outDir, runDir, published: o.published, attemptPages: o.attemptPages, status });
    const rec = await recordWritten(o.outDir, run.header.run_id, path.resolve(o.resultsDir));
    if (rec) written[run.header.run_id] = rec;
    points.push(runPoint(run, status));
  }
  // a run still in the results folder but not built now (unreadable), or built from another results
  // folder sharing this site folder, keeps its report and its entry; one gone from this results folder goes
  const here = (e: SiteManifest['runs'][string]) => e.results === path.resolve(o.resultsDir);
  for (const [id, e] of Object.entries(before.runs)) if (!written[id] && (!here(e) || dirs.includes(id))) written[id] = e;
  const gone = await removeGoneRuns(tree, before, Object.entries(before.runs).filter(([id, e]) => here(e) && !dirs.includes(id)).map(([id]) => id));
  const { vm, series } = siteView(points, unreadable);
  const charts: PageCharts = {};
  for (const [k, s] of series) {
    charts[k] = await renderChartSvg(
      lineChartSpec(s.points, s.kind === 'rate'
        ? { xTitle: 'run started (UTC)', yTitle: 'resolved (%)', xTime: true, yDomain: [0, 100], width: 560, height: 240, colours: modelColours(s.points.map((p) => p.series)) }
        : { xTitle: 'run started (UTC)', yTitle: 'mean USD per task', xTime: true, width: 560, height: 240, colours: modelColours(s.points.map((p) => p.series)) }),
    );
  }
  const index = path.join(o.outDir, 'index.html');
  await tree.write(index, renderSiteHtml(vm, charts));
  await writeSiteManifest(tree, written);
  return { index, runs: points.length, gone };
}
