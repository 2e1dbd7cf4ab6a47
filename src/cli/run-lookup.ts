// A run named on the command line that does not exist: say so, and list the runs that do, instead of
// a raw ENOENT.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UserInputError } from '../core/errors.ts';
import { RunHeader } from '../store/records.ts';
import { newestFirst } from '../store/run-label.ts';
import { commandPrefix } from './hints.ts';

/** Most run names listed in the error. */
const MAX_LISTED = 12;

/** The fields of run.json that date a run (`newestFirst`); null when it cannot be read as such. */
const RunTime = RunHeader.pick({ started_at: true, merged_at: true });

function runTime(file: string): { started_at: string; merged_at?: string | undefined } | null {
  try {
    const r = RunTime.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/**
 * Run folders under `resultsDir` (those holding a run.json), newest run first by its run.json's
 * times (`newestFirst`: `started_at`, then `merged_at`), not by name (a `--run-id` or a merge's
 * folder names no time); folders whose run.json gives no time come last, by name. Empty when the
 * folder is missing or unreadable.
 */
export function runFolders(resultsDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(resultsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(resultsDir, d.name, 'run.json')))
      .map((d) => d.name);
  } catch {
    return [];
  }
  const timed = names.map((name) => ({ name, time: runTime(path.join(resultsDir, name, 'run.json')) }));
  const byName = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);
  const order = (a: (typeof timed)[number], b: (typeof timed)[number]): number => {
    if (a.time && b.time) return newestFirst(a.time, b.time) || byName(a.name, b.name);
    if (a.time || b.time) return a.time ? -1 : 1;
    return byName(a.name, b.name);
  };
  return timed.sort(order).map((t) => t.name);
}

/**
 * `carried`: the flags the commands it suggests carry from the command line (src/cli/hints.ts
 * `givenFlags`: ` --results <dir>` when given, else "").
 * @throws UserInputError when `dir` holds no run.json, naming the run as given and listing the runs
 *   under `resultsDir` (newest first, at most 12) with the command to use one, or saying there are none.
 */
export function assertRunExists(given: string, dir: string, resultsDir: string, carried = ''): void {
  if (existsSync(path.join(dir, 'run.json'))) return;
  const runs = runFolders(resultsDir);
  const where = path.resolve(resultsDir);
  const list = runs.length
    ? `runs under ${where} (newest first):\n${runs.slice(0, MAX_LISTED).map((r) => `  ${r}`).join('\n')}${runs.length > MAX_LISTED ? `\n  … and ${runs.length - MAX_LISTED} more (\`${commandPrefix()} history${carried}\` lists them all)` : ''}`
    : `there is no run under ${where}; start one with \`${commandPrefix()} run${carried}\`, or pass --results <folder>`;
  throw new UserInputError(`no run "${given}" (${path.join(dir, 'run.json')} does not exist)\n${list}`);
}

/** A run named on the command line: a folder holding run.json, else a run id under `results` (absolute). */
export function runFolder(run: string, results: string): string {
  return existsSync(path.join(run, 'run.json')) ? path.resolve(run) : path.resolve(results, run);
}

/**
 * `runFolder`, for a run that must exist (`run --resume`, `run --retry-errors`); `carried` as for `assertRunExists`.
 * @throws UserInputError as `assertRunExists` when it holds no run.json.
 */
export function existingRunFolder(run: string, results: string, carried = ''): string {
  const dir = runFolder(run, results);
  assertRunExists(run, dir, results, carried);
  return dir;
}
