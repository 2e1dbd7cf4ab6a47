// Option defaults shared by commands: bundled tasks, models.yaml and price sheets.
import { access, constants, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from './paths.ts';
import { loadCatalog, newestPriceSheet, type Catalog } from '../config/catalog.ts';
import { UserInputError } from '../core/errors.ts';
import type { SandboxChoice } from '../sandbox/index.ts';
import { RunId } from '../store/records.ts';
import { commandPrefix, shellWord } from './hints.ts';
import { packagePath } from './user-path.ts';
import { DEFAULT_BUDGET_USD } from './run-options.ts';

export const defaultTasksDir = (opt?: string): string => path.resolve(opt ?? path.join(PACKAGE_ROOT, 'tasks'));

/**
 * The folder a command that writes tasks (`tasks create`, `mine`, `fetch`, `import`) writes into:
 * `--tasks`, resolved. There is no default: the bundled tasks/ is the shipped suite of the checkout
 * (a task written there breaks its manifest test), and a guessed folder of the working directory
 * would be the checkout's own tasks/ when run from it.
 * @throws UserInputError naming the command and the fix when `--tasks` is absent.
 */
export function writeTasksDir(opt: string | undefined, command: string): string {
  if (opt === undefined) {
    throw new UserInputError(`${command} needs --tasks <dir>: the folder to write tasks into (created when missing), e.g. --tasks my-tasks; the bundled tasks/ is the shipped suite and is not written by default`);
  }
  return path.resolve(opt);
}

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
  /** `--created-after <date>`: only tasks whose created_at is after it (the contamination window; `createdAfter`). */
  createdAfter?: string;
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

/** Options of `fixbench run` that name one run: a re-run after setting a key starts a new one. */
const RUN_NAMING_OPTIONS = ['--run-id', '--resume', '--retry-errors'];


/**
 * The command that runs `fixbench run` again the way this process was started, with the flags the
 * user gave after `run` (quoted for a shell) less those naming a run (`--run-id`, `--resume`,
 * `--retry-errors` and their values). Started by `npm start`: `npm start -- <flags>`; else
 * `<commandPrefix> run <flags>` (src/cli/hints.ts: `npx fixbench`, `fixbench` or `node <script>`).
 * @param argv the CLI's arguments without node and script (`process.argv.slice(2)`), `run` first.
 * @param script the script as started (`process.argv[1]`).
 */
export function rerunCommand(argv: readonly string[], script: string | undefined, env: NodeJS.ProcessEnv): string {
  const flags: string[] = [];
  const rest = argv[0] === 'run' ? argv.slice(1) : argv;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (RUN_NAMING_OPTIONS.includes(a)) i++;
    else if (!RUN_NAMING_OPTIONS.some((o) => a.startsWith(`${o}=`))) flags.push(shellWord(a));
  }
  const tail = flags.length ? ` ${flags.join(' ')}` : '';
  if (env.npm_lifecycle_event === 'start') return `npm start${tail ? ` --${tail}` : ''}`;
  return `${commandPrefix(script, env)} run${tail}`;
}

/**
 * When every model of the catalog was skipped for a missing API key (a first run on a new machine
 * runs the reference agents only), the lines to type next, naming the key variables to set and the
 * command to re-run (`rerun`, default: this process's own, see `rerunCommand`), then `noKeyHint`;
 * "" otherwise. Never prints a key's value, only its variable's name. `afterResumeStep`: a "next:"
 * line to finish the run (`resumeStep`) comes first, so this one is worded as the alternative.
 */
export function nextStepAfterRun(
  skipped: ReadonlyArray<{ id: string; reason: string }>,
  ranModels: number,
  rerun: string = rerunCommand(process.argv.slice(2), process.argv[1], process.env),
  prefix: string = commandPrefix(),
  afterResumeStep = false,
  tasksDir?: string,
): string {
  if (ranModels > 0 || skipped.length === 0) return '';
  const vars = [...new Set(skipped.flatMap((s) => /^([A-Z0-9_]+) is not set/.exec(s.reason)?.[1] ?? []))];
  if (vars.length === 0) return '';
  const head = afterResumeStep
    ? `or, to run the models too, start a new run once the key is set (no model ran: ${skipped.length} skipped, ${vars.join(', ')} not set):`
    : `next: no model ran (${skipped.length} skipped: ${vars.join(', ')} not set). Set the key and run again:`;
  // the forecast of this very run: its flags kept (--tasks, --results, --models-file…; newcomer13 #5)
  const dryRun = /^npm start(?!.* -- )/.test(rerun) ? `${rerun} -- --dry-run` : `${rerun} --dry-run`; // npm would take a bare --dry-run as its own
  // every model of the catalog at the default budget stops after a few percent of its forecast (the bundled catalog: ~$67 against $2)
  const whole = /(^| )--(models|budget-usd)[ =]/.test(rerun) ? '' : `  (that runs every model with a key at the default budget of $${DEFAULT_BUDGET_USD} (--budget-usd), which stops it early: \`${dryRun}\` forecasts its cost against the budget; run one model with --models <id>, or give a larger --budget-usd)\n`;
  // the fake provider answers the tasks of the folder it was started on: the run's own, unless bundled (newcomer22 #9)
  const own = tasksDir !== undefined && path.resolve(tasksDir) !== path.join(PACKAGE_ROOT, 'tasks') ? path.resolve(tasksDir) : undefined;
  return `${head}\n  ${vars.map((v) => `export ${v}=...`).join('; ')}; ${rerun}\n${whole}${noKeyHint(prefix, dryRun, own)}\n`;
}

/** The fake provider's run (README § Trying a model run without a key), its command starting with `prefix`: the models file, price sheet and key variable it needs; `tasks`: a tasks folder of the user's (absolute), named with `--tasks`. */
export const fakeProviderRun = (prefix: string, tasks?: string): string =>
  `FAKE_PROVIDER_KEY=dummy ${prefix} run${tasks ? ` --tasks ${shellWord(tasks)}` : ''} --models-file ${shellWord(packagePath('examples/fake-provider/models.yaml'))} --prices ${shellWord(packagePath('examples/fake-provider/prices.yaml'))}`;

/** `npm run fake-provider`, with `--prefix <fixbench's package>` when the user's shell is not in it, and `-- --tasks <dir>` serving a folder of the user's (`tasks`, absolute). */
const fakeProviderServe = (tasks?: string): string => `npm run fake-provider${packagePath('.') === '.' ? '' : ` --prefix ${shellWord(PACKAGE_ROOT)}`}${tasks ? ` -- --tasks ${shellWord(tasks)}` : ''}`;

/** The ways on without a provider key, one line, its commands starting with `prefix` (`commandPrefix`); `dryRun`: the forecast command to name; `tasks`: the run's own tasks folder (absolute) when not the bundled one. */
export const noKeyHint = (prefix: string, dryRun = `${prefix} run --dry-run`, tasks?: string): string =>
  `no key? \`${dryRun}\` forecasts the cost; a whole model run offline: \`${fakeProviderServe(tasks)}\`, then in another terminal \`${fakeProviderRun(prefix, tasks)}\` (README § Trying a model run without a key); a local model: README § A local model; or grade a predictions file: \`${prefix} eval --predictions <file>\``;


/**
 * The report file of a command with `--report <file>` and `--reports <dir>` (`tasks validate`,
 * `tasks mine`): `--report` when given, else `<--reports>/<name>`, resolved; its folder is created
 * and checked writable before any work, so a long run never ends unable to write its report.
 * @throws UserInputError naming the flag whose folder is not writable.
 */
export async function reportFileOption(o: { report?: string; reports: string }, name: string): Promise<string> {
  const file = path.resolve(o.report ?? path.join(o.reports, name));
  await ensureWritableDir(path.dirname(file), o.report !== undefined ? '--report' : '--reports');
  return file;
}

/**
 * Creates `dir` if needed and checks that it is a writable folder.
 * @throws UserInputError naming the flag.
 */
export async function ensureWritableDir(dir: string, flag: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (e) {
    throw new UserInputError(`${flag} ${dir}: not a writable folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); name a folder you can write to`, { cause: e });
  }
}
