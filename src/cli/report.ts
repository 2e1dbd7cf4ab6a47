// `fixbench report <run>`: rebuild a run's HTML report from its stored results.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readRun } from '../store/store.ts';
import { buildReport } from '../report/index.ts';
import { ExitCode } from '../core/errors.ts';

/** @throws UserInputError when the run folder is missing or unreadable. */
export async function reportCommand(run: string, o: { results: string; reports: string }): Promise<number> {
  const dir = existsSync(path.join(run, 'run.json')) ? path.resolve(run) : path.resolve(o.results, run);
  const stored = await readRun(dir);
  const out = await buildReport({ header: stored.header, attempts: stored.attempts, outDir: path.resolve(o.reports, stored.header.run_id) });
  process.stdout.write(`report: ${out}\n`);
  return ExitCode.ok;
}
