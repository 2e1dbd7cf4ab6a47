// The commands the CLI tells the user to type next: one prefix (how fixbench was started) for every
// hint, the command that continues a run, and the per-contender summary line of a run's end.
import path from 'node:path';
import type { RunStatus } from '../core/records.ts';
import type { ContenderSummary } from '../analysis/leaderboard.ts';
import { UserInputError } from '../core/errors.ts';
import { shellWord } from '../core/shell-quote.ts';
import { userPath } from './user-path.ts';

/** Re-exported for the CLI modules that quote the words of a hint with it (defined in core/shell-quote.ts). */
export { shellWord };

/**
 * The words that start fixbench in a hint (`<prefix> run --resume <id>`): `npx fixbench` when this
 * process was started through npm (`npm start`, `npm run`, `npx`: npm sets `npm_lifecycle_event` or
 * `npm_command`), `fixbench` when started as a `fixbench` on PATH, else `node <script>`, the script
 * as given (quoted for a shell).
 * @param script the script as started (`process.argv[1]`).
 */
export function commandPrefix(script: string | undefined = process.argv[1], env: NodeJS.ProcessEnv = process.env): string {
  if (env.npm_lifecycle_event || env.npm_command) return 'npx fixbench';
  if (script === undefined || path.basename(script) === 'fixbench') return 'fixbench';
  return `node ${shellWord(script)}`;
}

/** The flags of a run that `--resume` cannot read from run.json, as given on the command line (option keys of `RunCliOptions`). */
export interface ResumeFlags {
  /** `--results <dir>`: where the run's folder is; given only when not the default. */
  results?: string;
  /** `--models-file <file>`: the catalog the run's models came from (run.json stores their specs, not the file). */
  modelsFile?: string;
  /** `--tasks <dir>`: the task folders the run used (run.json stores the suite's hash, not the folder). */
  tasks?: string;
  /** `--reports <dir>`: where the run's report goes (a resume rebuilds it there). */
  reports?: string;
  /** Option keys given on the command line. */
  given?: readonly string[];
}

/** The flags a suggested command may carry from this command line: option key → flag. */
const CARRIED_FLAGS = { results: '--results', modelsFile: '--models-file', tasks: '--tasks', reports: '--reports' } as const;

/** An option key a suggested command may carry (`CARRIED_FLAGS`). */
export type CarriedKey = keyof typeof CARRIED_FLAGS;

/**
 * The flags (` --results /x --reports /y`, each value quoted for a shell; "" when none) that a
 * command suggested to the user carries from this command line, so it reads and writes the same
 * folders: each of `keys` (in that order) that `flags.given` names, with the value as given
 * (absolute when npm started fixbench in another folder than the user's: `userPath`). The
 * one place every next-step hint gets them from (newcomer12 #5: a hint without the user's
 * `--results` reads the default folder).
 */
export function givenFlags(flags: ResumeFlags, keys: readonly CarriedKey[]): string {
  const given = flags.given ?? [];
  return keys.flatMap((k) => (given.includes(k) && flags[k] !== undefined ? [` ${CARRIED_FLAGS[k]} ${shellWord(userPath(flags[k]!))}`] : [])).join('');
}

/**
 * The command that continues run `runId`: `<prefix> run --resume <id>` (or `--retry-errors <id>`),
 * with `--results`, `--models-file`, `--tasks` and `--reports` when this command line gave them: a
 * resume finds the run under `--results` and writes its report under `--reports` (neither stored in
 * run.json); `--models-file` and `--tasks` are carried though run.json records them (`models_file`,
 * `tasks_dir`), so the command stays the user's own.
 */
export function resumeCommand(runId: string, flags: ResumeFlags, opts: { retry?: boolean; prefix?: string } = {}): string {
  return `${opts.prefix ?? commandPrefix()} run ${opts.retry ? '--retry-errors' : '--resume'} ${shellWord(runId)}${givenFlags(flags, ['results', 'modelsFile', 'tasks', 'reports'])}`;
}

/**
 * The line `fixbench run` prints on the first Ctrl-C or SIGTERM (`interruptOn`), saying what that
 * signal does. Before every attempt of the session is recorded: no attempt starts after it; an
 * attempt whose agent is working is stopped (its model call aborted, its command or agent CLI
 * killed) and left unrecorded, its billed calls kept on its ledger, so `resume` re-runs it counting
 * them; an attempt with no billed call (gold, noop, predictions: src/runner/cut-grading.ts) not yet
 * recorded is stopped too, grading included, and left unrecorded (nothing is lost); a billed one whose
 * agent is done is graded to the end and recorded. After (`recorded`): only the
 * report is being written, and `report` rebuilds it. A second signal quits at once (src/core/shutdown.ts).
 */
export function interruptLine(signal: 'SIGINT' | 'SIGTERM', recorded: boolean, o: { runDir: string; resume: string; report: string }): string {
  const head = `\ninterrupted${signal === 'SIGTERM' ? ' (SIGTERM)' : ''}: `;
  if (recorded) return `${head}every attempt is recorded in ${o.runDir}; finishing its report (Ctrl-C again to quit now; \`${o.report}\` rebuilds it)…`;
  return (
    `${head}no new attempt starts; an attempt whose agent is still working is stopped and not recorded (its billed calls stay on its ledger, counted on resume); ` +
    `so is a gold, noop or predictions attempt still being graded (no billed call: nothing is lost); ` +
    `a model's attempt already past its agent is graded and recorded (Ctrl-C again to quit now, leaving those unrecorded too). Finish the rest later with:\n  ${o.resume}`
  );
}

/**
 * The `next:` line of a run interrupted before every attempt ran: status `interrupted` and `notRun`
 * (trials with no record, summed over contenders) > 0; "" otherwise.
 */
export function resumeStep(status: RunStatus, resume: string, notRun: number): string {
  return status === 'interrupted' && notRun > 0 ? `next: the run was interrupted; finish its ${notRun} attempt(s) that did not run with:\n  ${resume}\n` : '';
}

/**
 * A `--resume`/`--retry-errors` of a run whose run.json has no `models_file` (written before it was
 * recorded) and whose model ids are not in the default models.yaml: the run was most likely started
 * with `--models-file`; `e` with that said, else `e`.
 */
export function withModelsFileHint(e: unknown, flag: string, given: readonly string[] | undefined): unknown {
  if (!(e instanceof UserInputError) || !e.message.startsWith('unknown model id') || given?.includes('modelsFile')) return e;
  return new UserInputError(`${flag}: ${e.message}\n  fix: this run's run.json does not name its models file (written by an older fixbench): add --models-file <file> it was started with`, { cause: e });
}

const NOT_RUN: Partial<Record<RunStatus, string>> = { interrupted: 'interrupted', budget_exhausted: 'run budget exhausted', running: 'still running' };

/**
 * A contender's `graded` and `missing` over a shard's own attempts: `planned` (the attempts of this
 * contender in the shard) minus its infra errors, and minus its records.
 */
export function shardCounts(c: Pick<ContenderSummary, 'recorded' | 'infraErrors'>, planned: number): Pick<ContenderSummary, 'graded' | 'missing'> {
  return { graded: planned - c.infraErrors, missing: Math.max(0, planned - c.recorded) };
}

/**
 * One contender's line of a run's end: `resolved R/G (P%), G graded[, I infra errors]`; when trials
 * have no record (not run), the rate is over the attempts that ran and says so, and the trials not
 * run are named with the reason from the run's status (a shard's: the other shards' tasks):
 * `resolved 2/2 of those run (100.0%), 2 graded, 2 not run (interrupted)`.
 * The report's rate (over every planned trial, DESIGN.md §6) is unchanged; this is the CLI's wording.
 */
export function contenderLine(c: Pick<ContenderSummary, 'id' | 'resolved' | 'graded' | 'missing' | 'infraErrors'>, status: RunStatus, shard = false): string {
  const ran = c.graded - c.missing;
  const pct = (n: number, d: number) => (d > 0 ? ` (${((100 * n) / d).toFixed(1)}%)` : '');
  const infra = c.infraErrors ? `, ${c.infraErrors} infra error${c.infraErrors === 1 ? '' : 's'}` : '';
  if (!c.missing) return `${c.id}: resolved ${c.resolved}/${c.graded}${pct(c.resolved, c.graded)}, ${c.graded} graded${infra}`;
  return `${c.id}: resolved ${c.resolved}/${ran} of those run${pct(c.resolved, ran)}, ${ran} graded${infra}, ${c.missing} not run (${NOT_RUN[status] ?? (shard ? 'other shards' : 'no record')})`;
}

/**
 * The refusal of a USD cap (`capFlag`, e.g. `--attempt-usd 0.5`) that cannot count the calls of
 * `models` (no price in `priceFile`, no priced row to bound an unknown cost at), ending with the
 * command to type. A new run: this command line (`argv`: `process.argv.slice(2)`, `run` first)
 * with its `--budget-usd`/`--attempt-usd` flags replaced by `noneFlags`, after `commandPrefix`
 * (`npm start -- …` when started by `npm start`). A resume (`resuming`: its flag and run id, `--resume <id>`): the run keeps
 * its limits and price sheet — `--attempt-usd none` or a new price row would be refused as another
 * configuration (src/store/compat.ts) — so no command continues it; the message says so and gives
 * the new run of its models without the caps, to complete with the run's other flags.
 */
export function uncountedCapRefusal(o: { capFlag: string; models: readonly string[]; priceFile: string; noneFlags: readonly string[]; argv: readonly string[]; resuming?: string; script?: string; env?: NodeJS.ProcessEnv }): string {
  const env = o.env ?? process.env;
  const prefix = commandPrefix(o.script ?? process.argv[1], env);
  const why = `${o.capFlag} cannot count the calls of ${o.models.join(', ')}: ${o.priceFile} has no price for them and no priced row to bound an unknown cost at`;
  const none = o.noneFlags.join(' ');
  if (o.resuming !== undefined) {
    return `${o.resuming}: ${why}. A resume keeps the run's limits and price sheet (${none} or a new price row would be refused as another configuration), so this run cannot continue under them; start a new run of its models without the cap:\n  ${prefix} run --models ${o.models.join(',')} ${none}   (add the run's other flags: --task, --attempts, …)`;
  }
  const rest = o.argv[0] === 'run' ? o.argv.slice(1) : o.argv;
  const flags: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--budget-usd' || a === '--attempt-usd') i++;
    else if (!a.startsWith('--budget-usd=') && !a.startsWith('--attempt-usd=')) flags.push(shellWord(a));
  }
  const line = env.npm_lifecycle_event === 'start' ? `npm start -- ${[...flags, none].join(' ')}` : `${prefix} run ${[...flags, none].join(' ')}`;
  return `${why}; add a price row for them, or pass ${o.noneFlags.join(' and ')}:\n  ${line}`;
}

/**
 * The `next:` line of a `--resume`/`--retry-errors` that ran nothing (`ran` 0) because the run was
 * already complete (`notRun` 0): it says so; when no model took part (`ranModels` 0) and models were
 * skipped for a missing key (`skipped`: run.json's list), it adds how to run them — a new run (a
 * resume keeps the run's contenders), `rerun` (`rerunCommand`: the flags given, less the run's
 * name), to complete with the run's other flags. "" when attempts ran or some are still to run.
 */
export function completeResumeStep(runId: string, ran: number, notRun: number, skipped: ReadonlyArray<{ reason: string }>, ranModels: number, rerun: string): string {
  if (ran > 0 || notRun > 0) return '';
  const vars = ranModels > 0 ? [] : [...new Set(skipped.flatMap((s) => /^([A-Z0-9_]+) is not set/.exec(s.reason)?.[1] ?? []))];
  const models = vars.length ? `\n  to run models, set the key and start a new run (a resume keeps the run's contenders):\n  ${vars.map((v) => `export ${v}=...`).join('; ')}; ${rerun}   (add the run's other flags: --task, --attempts, …)` : '';
  return `next: run ${runId} was already complete: nothing ran (its report is rebuilt above)${models}\n`;
}

/** `argv` without `flag` and its value (`--flag v` or `--flag=v`). */
export function withoutFlag(argv: readonly string[], flag: string): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) i++;
    else if (!argv[i]!.startsWith(`${flag}=`)) kept.push(argv[i]!);
  }
  return kept;
}

/**
 * The `next:` lines of a run whose run budget stopped it (`status` `budget_exhausted`); "" for any
 * other status. A resume (`--resume`, `--retry-errors`) keeps the run's configuration, its budget
 * included, and counts what the run already spent, so it would start no model attempt: the step is
 * a new run, `rerun` (`rerunCommand` of this command line less the cap's `flag`: `withoutFlag`),
 * with `<flag> raiseTo` (USD or tokens; `raisedBudget`). `resumed`: this command continued the run, so its flags may lack
 * the run's others (the line says to add them). It also says which total counts what: the budget's
 * figure (the run's note) counts every billed call of the run, records set aside by
 * `--retry-errors` included; the contender totals count the recorded attempts only.
 */
export function budgetStep(o: { status: RunStatus; rerun: string; flag: '--budget-usd' | '--budget-tokens'; raiseTo: number; resumed: boolean }): string {
  if (o.status !== 'budget_exhausted') return '';
  const line = `${o.rerun}${o.rerun === 'npm start' ? ' --' : ''} ${o.flag} ${o.raiseTo}`;
  return (
    'next: the run budget stopped this run. A resume (--resume, --retry-errors) keeps its budget and counts what it spent, so it would start no model attempt;\n' +
    `  start a new run with a larger cap (it runs every attempt again):\n  ${line}${o.resumed ? "   (add the run's other flags: --task, --attempts, …)" : ''}\n` +
    '  (the note\'s "reached after $X" counts every billed call of the run, attempts set aside by --retry-errors included; the per-contender totals count the recorded attempts)\n'
  );
}

/**
 * A cap to suggest after a budget stop (USD or tokens): `usedUsd` spread over `ran` model attempts times the
 * `planned` ones, with half again as headroom, at least twice `capUsd`; rounded up to 2 significant digits.
 */
export function raisedBudget(capUsd: number, usedUsd: number, ran: number, planned: number): number {
  const want = Math.max(2 * capUsd, ran > 0 ? (1.5 * usedUsd * planned) / ran : 0);
  const scale = 10 ** (Math.floor(Math.log10(want)) - 1);
  return want > 0 ? Number((Math.ceil(want / scale - 1e-9) * scale).toPrecision(2)) : 2 * capUsd;
}

/**
 * Skipped contenders (run.json `skipped`) grouped by reason, one `reason: id, id, …` each in order
 * of first appearance, joined by "; ". A missing key ("VAR is not set; set it to run this model") is
 * grouped by its variable: `VAR is not set (set it to run these models): a, b`.
 */
export function groupedSkips(skipped: ReadonlyArray<{ id: string; reason: string }>): string {
  const groups = new Map<string, string[]>();
  for (const s of skipped) {
    const v = /^([A-Z][A-Z0-9_]*) is not set/.exec(s.reason)?.[1];
    const key = v ? `${v} is not set` : s.reason;
    groups.set(key, [...(groups.get(key) ?? []), s.id]);
  }
  return [...groups].map(([reason, ids]) => (/ is not set$/.test(reason) ? `${reason} (set it to run ${ids.length > 1 ? 'these models' : 'this model'}): ${ids.join(', ')}` : `${reason}: ${ids.join(', ')}`)).join('; ');
}

/**
 * A resume's failure to load its tasks ("unknown task id(s)", or a folder not found) with the fix,
 * by where `tasksDir` came from: `flag` (`--tasks`), `run.json` (its `tasks_dir`), or `default`
 * (the bundled tasks/: a run older than `tasks_dir` names its tasks, not their folder).
 */
export function resumedTasksHint(e: unknown, runId: string, tasksDir: string, from: 'flag' | 'run.json' | 'default'): unknown {
  if (!(e instanceof UserInputError) || !(e.message.startsWith('unknown task id') || (from === 'run.json' && /task folder not found/.test(e.message)))) return e;
  const fix =
    from === 'flag' ? `check that ${tasksDir} is the tasks folder run ${runId} was made from`
    : from === 'run.json' ? `run ${runId}'s run.json names ${tasksDir} (tasks_dir), which no longer holds its tasks (moved, or another machine): add --tasks <the folder they are in now>`
    : `run ${runId} was made from another tasks folder (its run.json is older than tasks_dir and names its tasks, not their folder): add --tasks <that folder>`;
  return new UserInputError(`${e.message}\n  fix: ${fix}`, { cause: e });
}
