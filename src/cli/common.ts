// Option defaults shared by commands: bundled tasks, models.yaml and price sheets.
import path from 'node:path';
import { PACKAGE_ROOT } from './paths.ts';
import { loadCatalog, newestPriceSheet, type Catalog } from '../config/catalog.ts';
import { UserInputError } from '../core/errors.ts';
import type { SandboxChoice } from '../sandbox/index.ts';
import { RunId } from '../store/records.ts';

export const defaultTasksDir = (opt?: string): string => path.resolve(opt ?? path.join(PACKAGE_ROOT, 'tasks'));

/** Loads models.yaml and the price sheet named by the options, or the bundled defaults. */
export async function catalogFromOptions(opts: { modelsFile?: string; prices?: string }): Promise<Catalog> {
  const modelsFile = path.resolve(opts.modelsFile ?? path.join(PACKAGE_ROOT, 'models.yaml'));
  const priceFile = path.resolve(opts.prices ?? (await newestPriceSheet(path.join(PACKAGE_ROOT, 'prices'))));
  return loadCatalog(modelsFile, priceFile);
}

/** Options shared by the commands that run a suite and write a run (`fixbench run`, `fixbench eval`). */
export interface SuiteCliOptions {
  /** `--tasks <dir>`: the task folder (default: the bundled tasks). */
  tasks?: string;
  /** `--task <id…>`: only these tasks. */
  task?: string[];
  /** Attempts at once. */
  concurrency: number;
  /** Results folder; the run goes to `<results>/<run_id>`. */
  results: string;
  /** Reports folder. */
  reports: string;
  /** `--run-id`: the run's id (default: a new time-based id). */
  runId?: string;
  sandbox: SandboxChoice;
  /** `--json`: print the summary as JSON. */
  json?: boolean;
}

/**
 * Checks `--run-id` against `RunId` (src/store/records.ts); absent is fine.
 * @throws UserInputError quoting the id (cut to 120 characters) and the rule.
 */
export function checkRunIdOption(runId: string | undefined): void {
  if (runId !== undefined && !RunId.safeParse(runId).success) {
    throw new UserInputError(`--run-id "${runId.slice(0, 120)}": start with a letter or digit, then use letters, digits, ".", "_" and "-" only, 100 characters at most`);
  }
}
