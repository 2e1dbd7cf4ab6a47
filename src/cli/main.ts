// The `fixbench` command: parses arguments (commander), dispatches to a command, maps errors to
// exit codes (0 ok, 1 internal error, 2 invalid input, 3 gate failed, 130 interrupted).
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ExitCode, GateFailedError, UserInputError } from '../core/errors.ts';
import { SANDBOX_CHOICES } from '../sandbox/types.ts';
import { harnessVersion } from './paths.ts';

/** Commander parser for a whole number from 0 to 10. */
export function nonNegativeInt(v: string): number {
  const n = decimal(v);
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new InvalidArgumentError('must be a whole number from 0 to 10');
  return n;
}

/** Commander parser for a positive whole number flag. */
export function positiveInt(v: string): number {
  const n = decimal(v);
  if (!Number.isInteger(n) || n <= 0 || n > 1_000_000) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

/**
 * Commander parser for a USD amount; `none` disables the cap and gives `Infinity` (commander turns a
 * parser's null into ''), which `capOrNull` maps back to null.
 */
export function usdOrNone(v: string): number {
  if (v === 'none') return Number.POSITIVE_INFINITY;
  const n = decimal(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be an amount in USD such as 2 or 0.5, or "none"');
  return n;
}

/** A cap from `usdOrNone`: null for no cap. */
export const capOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Commander parser for a comma-separated, repeatable list; an empty list is refused. */
export function list(v: string, prev: unknown): string[] {
  if (prev === false) throw new InvalidArgumentError('cannot be combined with --no-models');
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new InvalidArgumentError('needs at least one id (comma-separated)');
  return [...(Array.isArray(prev) ? (prev as string[]) : []), ...items];
}

/** Commander parser for a number of seconds, at least `min` and at most one day. */
const seconds = (min: number) => (v: string): number => {
  const n = decimal(v);
  if (!(n >= min && n <= 86_400)) throw new InvalidArgumentError(`must be a number of seconds from ${min} to 86400`);
  return n;
};

/** Strict decimal (no hex, exponent or blanks), or NaN. */
function decimal(v: string): number {
  return /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : Number.NaN;
}

export function buildProgram(exit: { code: number }): Command {
  const program = new Command('fixbench')
    .description('Measure how well, and at what price, language models fix real issues in real repositories.')
    .version(harnessVersion()) // not harnessIdentity(): its two git processes are start-up cost of every command
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: 0 success; 1 internal error (a bug in fixbench); 2 invalid input or config (nothing was run);\n' +
        '3 reference gate failed (gold did not resolve a task, or noop resolved one); 130 interrupted (Ctrl-C).',
    );

  program
    .command('run')
    .description(
      'Run every bundled task with the gold and noop reference agents and with every model in models.yaml whose API-key variable is set; write results/<run_id>/ and reports/<run_id>/index.html.',
    )
    .option('--tasks <dir>', 'folder of task fixtures (default: the bundled tasks/)')
    .option('--task <ids>', 'only these instance_ids (comma-separated; repeatable)', list)
    .option('--models-file <file>', 'models catalog (default: the bundled models.yaml)')
    .option('--models <ids>', 'only these model ids from the catalog (comma-separated; repeatable); their API-key variables must be set', list)
    .option('--no-models', 'run no model, only the reference agents (not with --models)')
    .option('--no-reference', 'skip the gold and noop reference agents')
    .option('--prices <file>', 'price sheet, USD per million tokens (default: the newest prices/<YYYY-MM-DD>.yaml)')
    .addOption(new Option('--budget-usd <usd>', 'run-wide cap on model spend at list price, USD; "none" for no cap').default(2, '2').argParser(usdOrNone))
    .addOption(new Option('--attempt-usd <usd>', 'cap per attempt, USD; "none" for no cap').default(0.5, '0.5').argParser(usdOrNone))
    .addOption(new Option('--steps <n>', 'model turns per attempt at most').default(40).argParser(positiveInt))
    .addOption(new Option('--command-timeout <seconds>', 'timeout of one agent command').default(60).argParser(seconds(1)))
    .addOption(new Option('--attempt-timeout <seconds>', 'wall time of one agent attempt').default(1200).argParser(seconds(10)))
    .addOption(new Option('--attempts <k>', 'attempts per task and contender').default(1).argParser(positiveInt))
    .addOption(new Option('--rerun-failed <n>', 're-run the tests of an unresolved attempt n more times (0-10) and record tests whose results disagree as flaky').default(0).argParser(nonNegativeInt))
    .addOption(new Option('--concurrency <n>', 'attempts run at once').default(2).argParser(positiveInt))
    .option('--results <dir>', 'results folder', 'results')
    .option('--reports <dir>', 'reports folder', 'reports')
    .option('--run-id <id>', 'run id, a new folder under --results (default: UTC time plus a random suffix, e.g. 20261129T080102Z-3f9a)')
    .addOption(
      new Option('--sandbox <kind>', 'where agent commands and tests run: bwrap (isolated: no network, writes only to the workspace), local (not isolated), or auto (bwrap when usable, else local with a warning)')
        .choices(SANDBOX_CHOICES)
        .default('auto'),
    )
    .option('--json', 'print a JSON summary on stdout instead of text')
    .action(async (opts) => {
      // commands are imported when used, so `--help` stays fast
      exit.code = await (await import('./run.ts')).runCommand(opts);
    });

  program
    .command('report')
    .description('Build reports/<run_id>/index.html from results/<run_id>/.')
    .argument('<run>', 'a run id under --results, or a path to a results/<run_id> folder')
    .option('--results <dir>', 'results folder', 'results')
    .option('--reports <dir>', 'reports folder', 'reports')
    .action(async (run: string, opts) => {
      exit.code = await (await import('./report.ts')).reportCommand(run, opts);
    });

  const tasks = program.command('tasks').description('Inspect task fixtures.');
  tasks
    .command('list')
    .description('List the tasks with their repository, difficulty and test counts (validates every task.yaml).')
    .option('--tasks <dir>', 'folder of task fixtures (default: the bundled tasks/)')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      exit.code = await (await import('./tasks.ts')).tasksListCommand(opts);
    });

  const models = program.command('models').description('Inspect the model catalog and prices.');
  models
    .command('list')
    .description('List the models in models.yaml, their region, price and whether their API key is set.')
    .option('--models-file <file>', 'models catalog (default: the bundled models.yaml)')
    .option('--prices <file>', 'price sheet (default: the newest prices/<YYYY-MM-DD>.yaml)')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      exit.code = await (await import('./models.ts')).modelsListCommand(opts);
    });
  models
    .command('prices')
    .description('Show the price sheet in effect, USD per million tokens, with the 3:1 blended price.')
    .option('--models-file <file>', 'models catalog (default: the bundled models.yaml)')
    .option('--prices <file>', 'price sheet (default: the newest prices/<YYYY-MM-DD>.yaml)')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      exit.code = await (await import('./models.ts')).modelsPricesCommand(opts);
    });
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const exit = { code: ExitCode.ok as number };
  const program = buildProgram(exit);
  try {
    const noModels = argv.indexOf('--no-models');
    if (noModels >= 0 && argv.some((a, i) => i < noModels && (a === '--models' || a.startsWith('--models=')))) {
      throw new UserInputError('--models and --no-models contradict each other; keep one');
    }
    await program.parseAsync(argv, { from: 'user' });
    return exit.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version print and exit 0; every other commander error is the user's input
      return e.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
    }
    if (e instanceof UserInputError) {
      process.stderr.write(`fixbench: error: ${e.message}\n`);
      return ExitCode.invalidInput;
    }
    if (e instanceof GateFailedError) {
      process.stderr.write(`fixbench: gate failed: ${e.message}\n`);
      return ExitCode.gateFailed;
    }
    process.stderr.write(`fixbench: internal error (a bug in fixbench; please report it with this trace):\n${(e as Error).stack ?? e}\n`);
    return ExitCode.internal;
  }
}
