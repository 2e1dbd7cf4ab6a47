// `fixbench report <run>`: rebuild a run's HTML report (and its attempt pages) from its stored results;
// `fixbench report --site [results]`: every run's report plus a site index with the trend over time.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readRun } from '../store/store.ts';
import { buildReport, buildSite, loadPublishedScores } from '../report/index.ts';
import { ExitCode, UserInputError } from '../core/errors.ts';

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
}

/** @throws UserInputError when the run folder is missing or unreadable, or neither a run nor --site is given. */
export async function reportCommand(run: string | undefined, o: ReportOptions): Promise<number> {
  const published = await loadPublishedScores(...(o.published ? [path.resolve(o.published)] : []));
  if (o.site !== undefined && o.site !== false) {
    if (run !== undefined) throw new UserInputError(`report: give a run or --site, not both\n  fix: \`fixbench report <run>\` for one run, \`fixbench report --site [results]\` for all`);
    const resultsDir = path.resolve(typeof o.site === 'string' ? o.site : o.results);
    const site = await buildSite({ resultsDir, outDir: path.resolve(o.out ?? o.reports), published });
    process.stdout.write(`site: ${site.index} (${site.runs} run(s))\n`);
    return ExitCode.ok;
  }
  if (run === undefined) throw new UserInputError('report: which run?\n  fix: `fixbench report <run_id>`, or `fixbench report --site` for every run under --results');
  const dir = existsSync(path.join(run, 'run.json')) ? path.resolve(run) : path.resolve(o.results, run);
  const stored = await readRun(dir);
  const out = await buildReport({
    header: stored.header,
    attempts: stored.attempts,
    outDir: path.resolve(o.out ?? path.join(o.reports, stored.header.run_id)),
    runDir: dir,
    published,
  });
  process.stdout.write(`report: ${out}\n`);
  return ExitCode.ok;
}
