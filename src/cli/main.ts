// The `fixbench` command: parses arguments (commander), dispatches to a command, maps errors to
// exit codes (0 ok, 1 internal error, 2 invalid input, 3 gate failed, 130 interrupted).
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, GateFailedError, UserInputError } from '../core/errors.ts';
import { runShutdown } from '../core/shutdown.ts';
import { prestartSpawnHelpers } from '../sandbox/spawn-client.ts';
import { normaliseHostPath } from '../core/host-path.ts';
import { harnessIdentity, harnessVersion } from './paths.ts';
import { currentGitVersion } from '../tasks/preflight-cache.ts';
import { registerTaskCommands } from './tasks-commands.ts';
import { fsErrorMessage } from './fs-error.ts';
import { nonNegativeNumber, parseErrorThreshold, significanceLevel } from './args.ts';
import { addRunOptions, runOptionsOf } from './run-options.ts';
import { formatItem } from './help-format.ts';
import { npmExitLine } from './npm-exit.ts';
import { unknownFlagHint } from './flag-hint.ts';

/** `opts` of `cmd` with `given`: the option keys given on its command line (commander's value source `cli`), for the commands it suggests (src/cli/hints.ts `givenFlags`). */
function withGiven<T extends object>(opts: T, cmd: Command): T & { given: string[] } {
  return { ...opts, given: Object.keys(opts).filter((k) => cmd.getOptionValueSource(k) === 'cli') };
}

export function buildProgram(exit: { code: number }): Command {
  const program = new Command('fixbench')
    .description('Measure how well, and at what price, language models fix real issues in real repositories.')
    .version(harnessVersion()) // not harnessIdentity(): its git process is start-up cost of every command
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ formatItem }) // inherited by every subcommand: long descriptions wrap below their term
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: 0 success; 1 internal error (a bug in fixbench); 2 invalid input or config (nothing was run),\n' +
        'or a full results disk (the run stopped; run.json says "failed"; the message gives the --resume command);\n' +
        '3 gate failed (reference gate: gold did not resolve a task, or noop resolved one; tasks validate: a task is invalid; --fail-on-error; a compare gate); 130 interrupted (Ctrl-C).',
    );

  const run = program
    .command('run')
    .description(
      'Run every bundled task with the gold and noop reference agents and with every model in models.yaml whose API-key variable is set; write results/<run_id>/ and reports/<run_id>/index.html.',
    );
  addRunOptions(run);
  run
    .addHelpText('after', '\nOn a terminal a progress bar shows attempts done, resolved so far, running USD and tokens, and ETA; otherwise one line per attempt goes to stderr.')
    .action(async (_opts, cmd: Command) => {
      const { shard, ...opts } = runOptionsOf(cmd);
      // What the run needs and does not depend on its inputs starts now, on the other core while
      // this (still small) process loads the run's modules and checks its inputs: the spawn helpers
      // (sandboxed commands, host git; instead of on the first attempt's path; a run refused before
      // its first command ends them at shutdown), the harness's provenance gits and the git version
      // of the pre-flight verdicts.
      const early = opts.dryRun ? {} : { harness: harnessIdentity() };
      if (!opts.dryRun) {
        prestartSpawnHelpers(['commands', 'git']);
        currentGitVersion().catch(() => {}); // a failure surfaces in pre-flight, which awaits it again
      }
      let resolved = shard;
      if (shard === 'auto') {
        const env = (await import('./shard-env.ts')).shardFromEnv(process.env);
        process.stderr.write(`--shard auto: shard ${env.shard.index}/${env.shard.count} from ${env.source}\n`);
        resolved = env.shard;
      }
      // commands are imported when used, so `--help` stays fast
      exit.code = await (await import('./run.ts')).runCommand({ ...opts, ...(resolved && resolved !== 'auto' ? { shard: resolved } : {}) }, early);
    });

  program
    .command('merge')
    .description('Join the result folders of shards (`run --shard i/n`) into one run folder; refuses different store format versions, task suites or configurations, shards of different runs by their run ids, and attempts recorded twice. A killed shard\'s billed calls (its ledgers) come along: `run --resume <merged>` counts each once. Infra errors are counted per shard, with the `run --retry-errors <shard>` to type before merging again.')
    .argument('<out>', 'the merged run folder to create (must not exist)')
    .argument('<shards...>', 'shard run folders (results/<run_id>)')
    .option('--run-id <id>', 'run id of the merged run (default: the folder name of <out>)')
    .option('--allow-missing', 'merge even when some shards of the set are absent (the run is then partial)')
    .option('--mixed-run-ids', 'merge shards whose run ids name different runs (nightly-n2-s1 with nightly-n1-s2; refused without it)')
    .option('--reports <dir>', 'the reports folder the `report` command printed at the end writes to (merge itself writes no report)')
    .option('--json', 'print a JSON summary')
    .action(async (out: string, shards: string[], opts, cmd: Command) => {
      exit.code = await (await import('./merge.ts')).mergeCommand(out, shards, withGiven(opts, cmd));
    });

  program
    .command('compare')
    .description('Compare two runs of one task suite: tasks that flipped, resolved-rate changes with McNemar\'s exact paired test, cost changes; exit 3 when a gate fails (a gate a contender cannot be checked against — no pair, e.g. every head attempt an infra_error, or an unknown cost — is named not evaluable with why, never said to hold, and does not fail unless --require-evaluable is given: exit 0 unless a gate fails; --json lists them as not_evaluable).')
    .argument('<base>', 'the baseline run (run id under --results, or its folder), or "previous" for the run before <head> of the same suite and config')
    .argument('<head>', 'the new run (run id under --results, or its folder), or "latest"')
    .option('--results <dir>', 'results folder', 'results')
    .addOption(new Option('--max-drop <pp>', 'gate: fail when a contender\'s resolved rate drops by more than this many percentage points').argParser(nonNegativeNumber))
    .addOption(new Option('--max-cost-increase <pct>', 'gate: fail when a contender\'s mean USD per attempt rises by more than this percent (contenders that drive a model, in both runs)').argParser(nonNegativeNumber))
    .addOption(new Option('--significant-drop <alpha>', 'gate: fail when a contender\'s drop is significant at this level (McNemar exact test, two-sided), e.g. 0.05').argParser(significanceLevel))
    .option('--require-evaluable', 'needs a gate (without one: exit 2); fail (exit 3) unless every gate was checked over both runs\' whole suites: a gate not evaluable for a contender of both runs (no pair, e.g. every head attempt an infra_error; an unknown cost), a run that did not finish, suites that differ, or pairs left out for an infra_error each fail as a failed gate does; a contender in one run only is not compared, so not held to it')
    .option('--markdown <file>', 'also write the comparison as Markdown (appended to $GITHUB_STEP_SUMMARY too when it is set)')
    .option('--json', 'print JSON')
    .action(async (base: string, head: string, opts, cmd: Command) => {
      exit.code = await (await import('./compare.ts')).compareCommand(base, head, withGiven(opts, cmd));
    });

  program
    .command('recommend')
    .description(
      'Recommend a routing policy from a stored run: the cheapest single model, two-model cascade, or per-difficulty / per-tag assignment reaching --target (or the most accurate within --budget; default: as accurate as the best single model), with its leave-one-task-out estimate beside the in-sample one and the gap to the oracle router.',
    )
    .argument('<run>', 'the run (run id under --results, or its folder)')
    .option('--target <rate>', 'resolved rate to reach: a percentage (80%) or a fraction (0.8)')
    .option('--budget <usd>', 'USD per task at list price to stay within (e.g. 0.05)')
    .option('--tasks <dir>', 'task folders whose task.yaml gives difficulty and tags (default: the run\'s own folder, run.json tasks_dir, else the bundled tasks/)')
    .option('--results <dir>', 'results folder', 'results')
    .option('--json', 'print JSON')
    .action(async (run: string, opts) => {
      exit.code = await (await import('./recommend.ts')).recommendCommand(run, opts);
    });

  program
    .command('history')
    .description('List stored runs grouped by task suite and configuration, newest first, with each contender\'s resolved / trials and USD at list price (shards marked; a run left `running` by a killed process says `running (no live process)` and the command that finishes it).')
    .option('--results <dir>', 'results folder', 'results')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      exit.code = await (await import('./compare.ts')).historyCommand(withGiven(opts, cmd));
    });

  program
    .command('report')
    .description(
      'Build reports/<run_id>/index.html (chart, leaderboard, routing, significance, budget curves, per-task matrix) and a page per model and task with its attempts and trajectories (reports/<run_id>/attempts/) from results/<run_id>/; with --site, every run under the results folder plus reports/index.html with the trend per model over time.',
    )
    .argument('[run]', 'a run id under --results, or a path to a results/<run_id> folder')
    .option('--prices <file>', 're-price every attempt from its stored tokens under this price sheet (USD per million tokens) and write reports/<run_id>-prices-<as_of>-<digest>/ (digest: the first 8 hex digits of the SHA-256 of the sheet file, so two sheets of one date never share a folder); the stored results are not changed. A sheet older than 90 days gets a note, not a warning (you picked it); without --prices, a run priced with a sheet older than 90 days gets a warning (an illustrative sheet, `illustrative: true`, never does)')
    .option('--models-file <file>', 'with --prices: the catalog whose `price` keys name the models\' rows (default: the key each model had in the run, recorded in run.json; else the bundled models.yaml; else the model id)')
    .option('--created-after <date>', 'only the run\'s tasks whose created_at is after this ISO date (a model\'s training cutoff: the contamination window); tasks without created_at are left out and counted; the report states the filter and goes to reports/<run_id>-created-after-<date>/')
    .option('--tasks <dir>', 'the run\'s task folders: created_at for --created-after, difficulty and tags for the recommended policy (default: the run\'s own folder, run.json tasks_dir, else the bundled tasks/)')
    .option('--results <dir>', 'results folder', 'results')
    .option('--reports <dir>', 'reports folder', 'reports')
    .option('--site [results-dir]', 'build a report per run of the results folder (default --results) and a site index with nightly trends, grouped by task suite; removes the reports an earlier --site build over the same results folder wrote there of runs no longer in it (only their report files, recorded in .fixbench-site.json; never a file it did not write)')
    .option('--out <dir>', 'write here instead of reports/<run_id> (or reports/ for --site)')
    .option('--published <file>', 'published reference scores shown beside measured ones (YAML; default data/published-scores.yaml)')
    .action(async (run: string | undefined, opts, cmd: Command) => {
      exit.code = await (await import('./report.ts')).reportCommand(run, withGiven(opts, cmd));
    });

  const tasks = program.command('tasks').description('Task fixtures: list, lint, validate, create (from a fix), mine (from a repository\'s history), fetch (from a suite file of recipes), import and export (SWE-bench).');
  tasks
    .command('list')
    .description('List the tasks with their repository, difficulty and test counts (validates every task.yaml): a task that does not load is named on stderr with its problems after the list of the others; exit 2 then.')
    .option('--tasks <dir>', 'folder of task fixtures (default: the bundled tasks/)')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      exit.code = await (await import('./tasks.ts')).tasksListCommand(opts);
    });

  // tasks lint | validate | create | mine | fetch | import | export, and eval --predictions: ./tasks-commands.ts
  registerTaskCommands(program, tasks, exit);

  program
    .command('doctor')
    .description(
      'Show what the sandbox can do here: bwrap and its version, user namespaces, the network namespace, the AppArmor restriction (Ubuntu 23.10+), and the exact fix for this host. Exit 0 when the bwrap sandbox is usable, 2 when not (then a run with a model, an external agent, a predictions file or a --tasks folder other than the bundled one, `tasks validate` of such a folder and `tasks create` refuse to start).',
    )
    .option('--json', 'print JSON')
    .addHelpText('after', '\nThe bubblewrap program is $FIXBENCH_BWRAP when set, else bwrap on PATH.')
    .action(async (opts) => {
      exit.code = await (await import('./doctor.ts')).doctorCommand(opts);
    });

  const agents = program.command('agents').description('The built-in agent CLI presets (claude-code, openclaw, codex, opencode, qwen-code, pi).');
  agents
    .command('install')
    .description('Install pinned agent CLIs into fixbench\'s cache ($FIXBENCH_CACHE_DIR/agents), where the sandbox can run them.')
    .argument('<ids...>', 'preset ids, or all')
    .option('--force', 'reinstall even when installed')
    .action(async (ids: string[], opts) => {
      exit.code = await (await import('./agents.ts')).agentsInstallCommand(ids, opts);
    });
  agents
    .command('list')
    .description('List the presets: pinned and installed versions, and the protocols each speaks.')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      exit.code = await (await import('./agents.ts')).agentsListCommand(opts);
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
  models
    .command('import-prices')
    .description(
      'Write a price sheet (USD per million tokens) for the models in models.yaml from OpenRouter /api/v1/models JSON (USD per token strings, "-1" = unknown) or LiteLLM price JSON (USD per token numbers). Prices are converted exactly; implausible magnitudes (e.g. a file already per million) are rejected naming the model and field.',
    )
    .argument('<source>', 'a saved JSON file, an http(s) URL, or "openrouter" / "litellm" for their public URLs (needs network)')
    .addOption(new Option('--format <format>', 'source format (default: detected)').choices(['openrouter', 'litellm']))
    .option('--out <file>', 'write the sheet here, e.g. prices/2026-04-01.yaml (default: print it)')
    .option('--force', 'overwrite --out if it exists')
    .option('--as-of <date>', 'the sheet\'s as_of date, YYYY-MM-DD (default: today, UTC)')
    .option('--models-file <file>', 'models catalog (default: the bundled models.yaml)')
    .option('--json', 'print a JSON summary (found, missing, sheet)')
    .action(async (source: string, opts) => {
      exit.code = await (await import('./models.ts')).importPricesCommand(source, opts);
    });
  return program;
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code; `run` started
 * through npm in a CI job ends with that code on stderr (src/cli/npm-exit.ts), however it ended.
 */
export async function main(argv: string[]): Promise<number> {
  const code = await dispatch(argv);
  const npmLine = npmExitLine(argv, code);
  if (npmLine) process.stderr.write(`${npmLine}\n`);
  return code;
}

/** `main` without the npm exit line: parses `argv`, runs the command and maps its errors to an exit code. */
async function dispatch(argv: string[]): Promise<number> {
  const exit = { code: ExitCode.ok as number };
  // Host commands (git, patch, bwrap, …) start with their cwd in agent-written trees: PATH's empty and relative entries go.
  normaliseHostPath();
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
      const hint = unknownFlagHint(program, argv, e);
      if (hint) process.stderr.write(`${hint}\n`);
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
    const fsMessage = fsErrorMessage(e);
    if (fsMessage) {
      process.stderr.write(`fixbench: error: ${fsMessage}\n`);
      return ExitCode.invalidInput;
    }
    process.stderr.write(`fixbench: internal error (a bug in fixbench; please report it with this trace):\n${(e as Error).stack ?? e}\n`);
    return ExitCode.internal;
  } finally {
    // e.g. the spawn helper: reaped here, so its children's CPU counts in fixbench's process tree
    await runShutdown();
  }
}
