// The options of `fixbench run`, as one table: flag, help, default, parser, and for `--resume` the
// run.json value a flag not given takes. `RunCliOptions` is the typed object `runCommand` receives.
import path from 'node:path';
import { Option, type Command } from 'commander';
import { SANDBOX_CHOICES } from '../sandbox/types.ts';
import type { RunHeader, Shard } from '../store/records.ts';
import type { SuiteCliOptions } from './common.ts';
import { PACKAGE_ROOT } from './paths.ts';
import { storedModelsFile, storedTasksDir } from './models-file.ts';
import { CASCADE_MODES, CASCADE_SIGNALS, cascadeArg, storedCascadeSettings, storedCascades, type CascadeMode, type CascadeSignal } from './cascade-options.ts';
import {
  list, nonNegativeInt, parseErrorThreshold, parseShardOrAuto, positiveInt, seconds, tokensOrNone, usdOrNone, type ErrorThreshold,
} from './args.ts';

export interface RunCliOptions extends Omit<SuiteCliOptions, 'concurrency'> {
  /** Attempts at once; absent = the default of `poolSizes` (src/runner/pools.ts). */
  concurrency?: number;
  modelsFile?: string;
  /** Model ids (`--models`); false = `--no-models`; absent = every model whose key is set. */
  models?: string[] | false;
  /** Agents driving each model: `bash` (built in) and ids from the `agents:` section of models.yaml. Default ['bash']. */
  agents?: string[];
  reference: boolean;
  prices?: string;
  /** USD; Infinity = no cap (`--budget-usd none`). */
  budgetUsd: number;
  /** Tokens; Infinity or absent = no cap (`--budget-tokens none`, the default). */
  budgetTokens?: number;
  /** USD; Infinity = no cap. */
  attemptUsd: number;
  steps: number;
  /** Seconds. */
  commandTimeout: number;
  /** Seconds. */
  attemptTimeout: number;
  attempts: number;
  rerunFailed: number;
  /** Model calls at once across attempts (default: `concurrency`). */
  modelConcurrency?: number;
  /** Test executions at once (default: the CPU count). */
  testConcurrency?: number;
  /** `--resume <run>`: continue that run (a run id under --results, or its folder). */
  resume?: string;
  /** `--retry-errors <run>`: like `resume`, after dropping its infra_error records. */
  retryErrors?: string;
  shard?: Shard;
  /** `--fail-on-error`: exit 3 when more infra errors than this. */
  failOnError?: ErrorThreshold;
  /** Environment cache folder (default `defaultCacheDir()`); `envCache: false` = `--no-env-cache`. */
  cacheDir?: string;
  envCache?: boolean;
  /** `--dry-run`: print the cost forecast and exit, running nothing (src/cli/forecast.ts). */
  dryRun?: boolean;
  /** `--cascade` values: each one cascade's stage names, comma-separated as typed (src/cli/cascade-options.ts). */
  cascade?: string[];
  /** `--cascade-mode`: a later stage in a fresh workspace (default) or continuing the earlier one's. */
  cascadeMode?: CascadeMode;
  /** `--cascade-signal`: what lets a stage stop the cascade: the visible check (default) or a submitted patch. */
  cascadeSignal?: CascadeSignal;
  /** Option keys given on the command line (commander's value source `cli`); on a resume the others take the run's values. */
  given?: readonly string[];
}


/** The run-wide USD cap when `--budget-usd` is not given (list price). */
export const DEFAULT_BUDGET_USD = 2;
/** One option of `fixbench run`. */
interface RunOptionDef<K extends keyof RunCliOptions = keyof RunCliOptions> {
  key: K;
  flags: string;
  help: string;
  /** Default value, and how `--help` shows it. */
  default?: readonly [RunCliOptions[K], string?];
  parse?: (value: string, previous: unknown) => unknown;
  choices?: readonly string[];
  /**
   * On `--resume`: the value the run was started with (when the flag is not given), and the
   * run.json fields it decides (named beside a difference a resume refuses).
   */
  stored?: { of: (h: RunHeader) => RunCliOptions[K]; fields: readonly string[] };
}
const def = <K extends keyof RunCliOptions>(d: RunOptionDef<K>): RunOptionDef => d as unknown as RunOptionDef;

/** Model contenders of a stored run: model id (a step route's id) and agent id (`bash` for the built-in agent). */
function drivenModels(h: RunHeader): { model: string; agent: string }[] {
  if (h.config) return h.config.contenders.flatMap((c) => (c.kind === 'model' ? [{ model: c.route ? c.id : c.model.id, agent: c.agent.kind === 'bash' ? 'bash' : c.agent.id }] : []));
  return h.contenders.filter((c) => c.model !== null && !['gold', 'noop', 'predictions'].includes(c.agent)).map((c) => ({ model: c.model!, agent: c.agent }));
}
const none = (v: number | null | undefined): number => v ?? Number.POSITIVE_INFINITY;

/** Every option of `fixbench run`, in `--help` order. */
export const RUN_OPTIONS: readonly RunOptionDef[] = [
  def({ key: 'tasks', flags: '--tasks <dir>', help: 'folder of task fixtures (default: the bundled tasks/; on --resume the run\'s, from run.json tasks_dir)', stored: { of: storedTasksDir, fields: ['tasks_dir'] } }),
  def({ key: 'task', flags: '--task <ids>', help: 'only these instance_ids (comma-separated; repeatable)', parse: list, stored: { of: (h) => h.suite.instance_ids, fields: ['suite.instance_ids', 'suite.hash'] } }),
  def({ key: 'createdAfter', flags: '--created-after <date>', help: 'only tasks whose created_at (the fix commit\'s date) is after this ISO date: the contamination window after a model\'s training cutoff; tasks without created_at are left out' }),
  def({ key: 'modelsFile', flags: '--models-file <file>', help: 'models catalog (default: the bundled models.yaml; on --resume the run\'s, from run.json models_file)', stored: { of: storedModelsFile, fields: ['models_file'] } }),
  def({
    key: 'models', flags: '--models <ids>', help: 'only these model ids (or step-route ids, models.yaml routes:) from the catalog (comma-separated; repeatable); their API-key variables must be set', parse: list,
    stored: { of: (h) => { const m = [...new Set(drivenModels(h).map((d) => d.model))]; return m.length ? m : false; }, fields: ['config.contenders', 'contenders'] },
  }),
  def({ key: 'models', flags: '--no-models', help: 'run no model, only the reference agents (not with --models)' }),
  def({
    key: 'agents', flags: '--agents <ids>', parse: list,
    help: 'agents driving each model (comma-separated; repeatable): bash (built in, the default), the presets claude-code, openclaw, codex, opencode, qwen-code, pi (install first: fixbench agents install <id>) and external agent CLIs declared in the agents: section of models.yaml, run behind a metering proxy (see docs/agents.md); a contender is <model>@<agent>',
    stored: { of: (h) => { const a = [...new Set(drivenModels(h).map((d) => d.agent))]; return a.length ? a : ['bash']; }, fields: ['config.contenders', 'contenders'] },
  }),
  def({ key: 'reference', flags: '--no-reference', help: 'skip the gold and noop reference agents', stored: { of: (h) => h.contenders.some((c) => c.id === 'gold' || c.id === 'noop'), fields: ['config.contenders', 'contenders'] } }),
  def({
    key: 'prices', flags: '--prices <file>', help: 'price sheet, USD per million tokens (default: the newest prices/<YYYY-MM-DD>.yaml)',
    stored: { of: (h) => (path.isAbsolute(h.price_sheet.file) ? h.price_sheet.file : path.join(PACKAGE_ROOT, h.price_sheet.file)), fields: ['config.price_sheet', 'price_sheet'] },
  }),
  def({ key: 'budgetUsd', flags: '--budget-usd <usd>', help: 'run-wide cap on model spend at list price, USD; "none" for no cap', default: [DEFAULT_BUDGET_USD, String(DEFAULT_BUDGET_USD)], parse: usdOrNone, stored: { of: (h) => none(h.limits.run_budget_usd), fields: ['config.run_budget.usd', 'limits.run_budget_usd'] } }),
  def({
    key: 'budgetTokens', flags: '--budget-tokens <n>', help: 'run-wide cap on model tokens (prompt + output of every call, retries included); "none" for no cap',
    default: [Number.POSITIVE_INFINITY, 'none'], parse: tokensOrNone, stored: { of: (h) => none(h.limits.run_budget_tokens), fields: ['config.run_budget.tokens', 'limits.run_budget_tokens'] },
  }),
  def({ key: 'attemptUsd', flags: '--attempt-usd <usd>', help: 'cap per attempt, USD; "none" for no cap', default: [0.5, '0.5'], parse: usdOrNone, stored: { of: (h) => none(h.limits.attempt_usd), fields: ['config.limits.attempt_usd', 'limits.attempt_usd'] } }),
  def({ key: 'steps', flags: '--steps <n>', help: 'model turns per attempt at most', default: [40], parse: positiveInt, stored: { of: (h) => h.limits.steps, fields: ['config.limits.steps', 'limits.steps'] } }),
  def({ key: 'commandTimeout', flags: '--command-timeout <seconds>', help: 'timeout of one agent command', default: [60], parse: seconds(1), stored: { of: (h) => h.limits.command_timeout_ms / 1000, fields: ['config.limits.command_timeout_ms', 'limits.command_timeout_ms'] } }),
  def({ key: 'attemptTimeout', flags: '--attempt-timeout <seconds>', help: 'wall time of one agent attempt', default: [1200], parse: seconds(10), stored: { of: (h) => h.limits.wall_ms / 1000, fields: ['config.limits.wall_ms', 'limits.wall_ms'] } }),
  def({ key: 'attempts', flags: '--attempts <k>', help: 'attempts per task and contender', default: [1], parse: positiveInt, stored: { of: (h) => h.attempts_per_task, fields: ['config.attempts_per_task', 'attempts_per_task'] } }),
  def({
    key: 'rerunFailed', flags: '--rerun-failed <n>', help: 're-run the tests of an unresolved attempt n more times (0-10) and record tests whose results disagree as flaky',
    default: [0], parse: nonNegativeInt, stored: { of: (h) => h.rerun_failed, fields: ['config.rerun_failed', 'rerun_failed'] },
  }),
  def({ key: 'concurrency', flags: '--concurrency <n>', help: 'attempts run at once (default: 64 when models run, as they mostly wait on replies; else --test-concurrency)', parse: positiveInt }),
  def({ key: 'modelConcurrency', flags: '--model-concurrency <n>', help: 'model calls in flight at once across attempts (default: --concurrency)', parse: positiveInt }),
  def({ key: 'testConcurrency', flags: '--test-concurrency <n>', help: 'setup and test runs at once (default: the CPU count)', parse: positiveInt }),
  def({
    key: 'resume', flags: '--resume <run>',
    help: 'continue an interrupted or killed run (run id under --results, or its folder): only attempts with no record run; its tasks, models, limits and shard are reused, and a flag, models.yaml entry or price row that differs from the stored configuration is refused, naming the field',
  }),
  def({ key: 'retryErrors', flags: '--retry-errors <run>', help: 'like --resume, after setting aside the run\'s infra_error records (kept in attempts.superseded.jsonl) so they run again' }),
  def({
    key: 'shard', flags: '--shard <i/n|auto>', parse: parseShardOrAuto, stored: { of: (h) => h.shard ?? undefined, fields: ['shard'] },
    help: 'run only shard i of n: attempts split by a stable hash of their key; join shard folders with `fixbench merge`. auto: the first of these pairs whose index is set: FIXBENCH_SHARD_INDEX/FIXBENCH_SHARD_TOTAL (0-based; set by you or your workflow on any machine: GitHub Actions sets no shard variable itself), GitLab CI_NODE_INDEX/CI_NODE_TOTAL, Buildkite BUILDKITE_PARALLEL_JOB/BUILDKITE_PARALLEL_JOB_COUNT, Kubernetes JOB_COMPLETION_INDEX with FIXBENCH_SHARD_TOTAL; none set (e.g. on your own machine): exit 2 before any work, naming them',
  }),
  def({ key: 'failOnError', flags: '--fail-on-error <n|p%>', help: 'exit 3 when more than n attempts (or p% of them) end as infra_error', parse: parseErrorThreshold }),
  def({ key: 'cacheDir', flags: '--cache-dir <dir>', help: 'environment cache of task setups (default: $FIXBENCH_CACHE_DIR, else $XDG_CACHE_HOME/fixbench, else ~/.cache/fixbench)' }),
  def({ key: 'envCache', flags: '--no-env-cache', help: 'run each task\'s setup in every workspace instead of restoring it from the environment cache' }),
  def({ key: 'results', flags: '--results <dir>', help: 'results folder', default: ['results'] }),
  def({ key: 'reports', flags: '--reports <dir>', help: 'reports folder', default: ['reports'] }),
  def({ key: 'runId', flags: '--run-id <id>', help: 'run id, a new folder under --results (default: UTC time plus a random suffix, e.g. 20261129T080102Z-3f9a)', stored: { of: (h) => h.run_id, fields: ['run_id'] } }),
  def({
    key: 'sandbox', flags: '--sandbox <kind>', choices: SANDBOX_CHOICES, default: ['auto'],
    stored: { of: (h) => (h.sandbox === 'bwrap' || h.sandbox === 'local' ? h.sandbox : 'auto'), fields: ['sandbox'] },
    help: 'where agent commands and tests run: bwrap (isolated: no network, writes only to the workspace), local (not isolated), or auto (bwrap when usable; else local with a warning only for the reference agents on the bundled tasks, and exit 2 with the fix when anything untrusted would run: a model, an external agent, or a --tasks folder other than the bundled one; see `fixbench doctor`); on --resume the run\'s kind unless given, and another kind is refused',
  }),
  def({ key: 'json', flags: '--json', help: 'print JSON Lines on stdout for scripts: a "start" event, one "attempt" event per finished attempt, then a "summary" event' }),
  def({
    key: 'dryRun', flags: '--dry-run',
    help: 'print the expected tokens and USD per contender and in total, then exit without any model call, run folder or workspace (so it needs no API key: every model, or those --models names, is forecast, keys set or not): from the stored attempts of the same tasks and models under --results, re-priced at the price sheet; a model with no history at a stated prior; a --cascade or step route with no history of its own from its models\' history, weighted by the escalation share or the route\'s policy (each assumption printed); warns when the forecast exceeds --budget-usd, --budget-tokens or --attempt-usd',
  }),
  def({
    key: 'cascade', flags: '--cascade <models>', parse: cascadeArg, stored: { of: storedCascades, fields: ['config.contenders', 'contenders'] },
    help: 'add a live cascade contender, cascade:<a>><b>…: per task it runs model a; when its run-time signal fails (no submission, a limit, an empty patch, or the visible check) it escalates to b, and so on; costs are every stage\'s calls and the last stage\'s patch is graded (model ids of the catalog, comma-separated, at least two; <model>@<agent> for an external agent; repeatable, one cascade each)',
  }),
  def({
    key: 'cascadeMode', flags: '--cascade-mode <mode>', choices: CASCADE_MODES, default: ['fresh'], stored: { of: (h) => storedCascadeSettings(h).mode, fields: ['config.contenders', 'contenders'] },
    help: 'fresh: each cascade stage starts in a fresh workspace; continue: a later stage works in the earlier stage\'s workspace, with that stage\'s transcript summarised after the problem statement',
  }),
  def({
    key: 'cascadeSignal', flags: '--cascade-signal <signal>', choices: CASCADE_SIGNALS, default: ['visible'], stored: { of: (h) => storedCascadeSettings(h).signal, fields: ['config.contenders', 'contenders'] },
    help: 'what lets a cascade stage stop the cascade — visible: it submitted a patch that applies on a fresh checkout with every PASS_TO_PASS test passing (run in the sandbox; no hidden test runs); submitted: it submitted a non-empty patch (no test run)',
  }),
];

/** Adds every option of RUN_OPTIONS to the `run` command. */
export function addRunOptions(cmd: Command): Command {
  for (const d of RUN_OPTIONS) {
    const o = new Option(d.flags, d.help);
    if (d.default) o.default(d.default[0], d.default[1]);
    if (d.parse) o.argParser(d.parse);
    if (d.choices) o.choices(d.choices);
    cmd.addOption(o);
  }
  return cmd;
}

/**
 * The options of a resumed run: every option with a stored value that was not given on this command
 * line takes the run's value, so the rebuilt RunConfig can be compared with the stored one.
 */
export function resumedOptions(o: RunCliOptions, h: RunHeader): RunCliOptions {
  const out: Record<string, unknown> = { ...o };
  for (const d of RUN_OPTIONS) if (d.stored && !o.given?.includes(d.key)) out[d.key] = d.stored.of(h);
  return out as unknown as RunCliOptions;
}

/**
 * The flag that decides a run.json field (`config.limits.steps` → `--steps`), among the option keys
 * `given` on the command line; undefined when none of those decides it (e.g. a models.yaml field).
 */
export function flagOfField(field: string, given: readonly string[]): string | undefined {
  const d = RUN_OPTIONS.find((x) => given.includes(x.key) && x.stored?.fields.some((f) => field === f || field.startsWith(`${f}.`) || field.startsWith(`${f}[`)));
  return d?.flags.split(' ')[0];
}

/** Options as parsed: `--shard auto` is resolved from the CI engine's variables before `runCommand`. */
export type ParsedRunOptions = Omit<RunCliOptions, 'shard'> & { shard?: Shard | 'auto' };

/** The typed options of a parsed `run` command (values from RUN_OPTIONS' parsers and defaults), with the keys given on its command line. */
export function runOptionsOf(cmd: Command): ParsedRunOptions {
  const opts = cmd.opts();
  return { ...(opts as ParsedRunOptions), given: Object.keys(opts).filter((k) => cmd.getOptionValueSource(k) === 'cli') };
}
