// `fixbench compare <base> <head>` and `fixbench history`.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, GateFailedError, UserInputError } from '../core/errors.ts';
import { compareRuns, incompleteComparison, notEvaluable, pct, unevaluableGates, unfinishedRuns, type Gates } from '../history/compare.ts';
import { comparisonMarkdown } from '../history/markdown.ts';
import { listRuns, resolveRunPair } from '../history/runs.ts';
import { readRun } from '../store/store.ts';
import { liveStatusLabel, runStatusLabel } from '../store/run-label.ts';
import { runWriterState } from '../store/lock.ts';
import { assertRunExists } from './run-lookup.ts';
import { commandPrefix, givenFlags, resumeCommand } from './hints.ts';
import { textTable } from './table.ts';
import { summariseListed } from '../analysis/leaderboard.ts';
import { formatUsd } from '../report/format.ts';
import { madeUpTag } from '../pricing/illustrative.ts';

export interface CompareCliOptions {
  results: string;
  maxDrop?: number;
  maxCostIncrease?: number;
  significantDrop?: number;
  markdown?: string;
  json?: boolean;
  /** With a gate configured: a gate not evaluable (history/compare.ts `notEvaluable`), or a comparison over less than both runs' whole suites (`incompleteComparison`), fails as a failed gate does (exit 3). */
  requireEvaluable?: boolean;
  /** Option keys given on the command line: a suggested command carries `--results` when given. */
  given?: readonly string[];
}

/**
 * Compares two stored runs, prints the comparison (text or JSON), writes Markdown when asked
 * (and appends it to $GITHUB_STEP_SUMMARY when set).
 * @throws GateFailedError (exit 3) after printing, when a configured gate fails; UserInputError for
 * unreadable runs, and for `--require-evaluable` with no gate configured.
 */
export async function compareCommand(base: string, head: string, o: CompareCliOptions): Promise<number> {
  // A run named that does not exist: list the runs that do (before "previous" would read it raw).
  const folder = (run: string): string => (path.isAbsolute(run) || run.includes(path.sep) ? path.resolve(run) : path.resolve(o.results, run));
  const where = givenFlags(o, ['results']);
  if (head !== 'latest') assertRunExists(head, folder(head), o.results, where);
  if (base !== 'previous') assertRunExists(base, folder(base), o.results, where);
  const pair = await resolveRunPair(base, head, path.resolve(o.results), commandPrefix(), where);
  if (pair.base === pair.head) throw new UserInputError(`compare: base and head are the same run (${pair.head}); name two runs`);
  const gates: Gates = {
    ...(o.maxDrop !== undefined ? { maxDropPp: o.maxDrop } : {}),
    ...(o.maxCostIncrease !== undefined ? { maxCostIncreasePct: o.maxCostIncrease } : {}),
    ...(o.significantDrop !== undefined ? { significantDrop: o.significantDrop } : {}),
  };
  // the flag makes gates strict; alone it would check nothing, and a nightly job would pass every night (newcomer22 #1)
  if (o.requireEvaluable && Object.keys(gates).length === 0) throw new UserInputError('compare: --require-evaluable makes the gates strict, and no gate is configured, so nothing would be checked: add --max-drop <pp>, --max-cost-increase <pct> or --significant-drop <alpha>');
  const [baseRun, headRun] = [await readRun(pair.base), await readRun(pair.head)];
  const compared = compareRuns(baseRun, headRun, gates);
  // opted in, a gate counts as checked only over both runs' whole suites: a gate not evaluable, a run cut short, suites that differ,
  // pairs left out for infra errors, a shard or a merge with a shard missing (atkG21 D, atkH21 D: two alike pair whole) are each a failure, shown as one
  // in the gates line, the JSON and the Markdown alike
  const partial = ([['base', baseRun], ['head', headRun]] as const).filter(([, r]) => r.header.missing_shards?.length || r.header.shard).map(([side, r]) => `${side} ${r.header.run_id} is ${runStatusLabel(r.header)}`);
  const unchecked = o.requireEvaluable && Object.keys(gates).length ? [...unevaluableGates(compared, gates), ...incompleteComparison(compared), ...partial] : [];
  const c = unchecked.length ? { ...compared, failures: [...compared.failures, ...unchecked.map((u) => `--require-evaluable: not checked: ${u}`)] } : compared;
  if (c.commonTasks === 0) {
    // nothing paired: every gate would hold vacuously, which a nightly job would read as "no regression"
    throw new UserInputError(
      `compare: ${c.base.run_id} (suite ${c.base.suite}) and ${c.head.run_id} (suite ${c.head.suite}) have no task in common, so nothing can be compared; compare runs of the same task suite (\`${commandPrefix()} history${where}\` groups them)`,
    );
  }
  // A run still running, interrupted, cut by its budget or failed pairs only what it recorded: say so, and how to complete it.
  for (const u of unfinishedRuns(c)) {
    const id = u.startsWith('base') ? c.base.run_id : c.head.run_id;
    process.stderr.write(wrap(`warning: ${u}; complete it with \`${resumeCommand(id, o)}\` before trusting the comparison`, COMPARE_WIDTH));
  }
  const md = comparisonMarkdown(c, gates);
  if (o.markdown) {
    try {
      await mkdir(path.dirname(path.resolve(o.markdown)), { recursive: true });
      await writeFile(o.markdown, md);
    } catch (e) {
      throw new UserInputError(`--markdown ${o.markdown}: cannot write the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); name a file in a folder you can write to`, { cause: e });
    }
  }
  if (process.env.GITHUB_STEP_SUMMARY) {
    // the step summary is a courtesy: failing to append it must not hide the comparison or its gates
    await appendFile(process.env.GITHUB_STEP_SUMMARY, md + '\n').catch((e: NodeJS.ErrnoException) =>
      process.stderr.write(`warning: $GITHUB_STEP_SUMMARY ${process.env.GITHUB_STEP_SUMMARY}: cannot append the comparison (${e.code ?? e.message}); it is printed below\n`),
    );
  }
  if (o.json) {
    // `not_evaluable` beside `failures`: a gate neither failed nor held for that contender
    process.stdout.write(JSON.stringify({ ...c, not_evaluable: notEvaluable(c, gates) }, null, 2) + '\n');
  } else {
    process.stdout.write(`base ${c.base.run_id} → head ${c.head.run_id}${c.sameSuite ? '' : ` (suites differ; ${c.commonTasks} task(s) in both)`}\n`);
    process.stdout.write(
      textTable(
        ['contender', 'pairs', 'base', 'head', 'Δ pp', 'McNemar p', 'regressed', 'fixed', 'cost Δ'],
        c.contenders.map((x) => [
          clip(x.id, 32), String(x.pairs), pct(x.baseRate), pct(x.headRate), x.deltaPp === null ? 'n/a' : x.deltaPp.toFixed(1), x.pValue === null ? 'n/a' : x.pValue.toPrecision(3),
          String(x.regressions.length), String(x.fixes.length), x.costChangePct === null ? 'n/a' : `${x.costChangePct.toFixed(1)}%`,
        ]),
      ),
    );
    // The flipped tasks, below the table (one of them per line would make rows of thousands of characters).
    for (const x of c.contenders) {
      for (const [what, tasks] of [['regressed (base resolved, head did not)', x.regressions], ['fixed (head resolved, base did not)', x.fixes]] as const) {
        if (tasks.length) process.stdout.write(wrap(`${x.id} ${what}: ${tasks.join(', ')}`, COMPARE_WIDTH));
      }
    }
    for (const x of c.contenders) if (x.configChanges?.length) process.stdout.write(wrap(`${x.id} configuration changed: ${x.configChanges.join(', ')}`, COMPARE_WIDTH));
    if (c.onlyInBase.length || c.onlyInHead.length) process.stdout.write(wrap(`not compared (in one run only): base ${c.onlyInBase.join(', ') || 'none'}; head ${c.onlyInHead.join(', ') || 'none'}`, COMPARE_WIDTH));
  }
  const configured = Object.keys(gates).length;
  if (!o.json) {
    // "all … hold" only when every configured gate was checked against every contender it applies to
    const open = unevaluableGates(c, gates);
    const notChecked = open.length ? `; not evaluable: ${open.join('; ')}` : '';
    if (c.failures.length) process.stdout.write(wrap(`gates: FAILED (${c.failures.length})${unchecked.length ? `; --require-evaluable: not checked: ${unchecked.join('; ')}` : notChecked}`, COMPARE_WIDTH));
    else if (!configured) process.stdout.write('gates: none configured (--max-drop, --max-cost-increase, --significant-drop)\n');
    else process.stdout.write(open.length ? wrap(`gates: none of ${configured} configured gate(s) failed${notChecked}`, COMPARE_WIDTH) : `gates: all ${configured} configured gate(s) hold\n`);
  }
  if (unchecked.length) process.stderr.write(wrap(`--require-evaluable: ${unchecked.length} check(s) could not be made: ${unchecked.join('; ')}`, COMPARE_WIDTH));
  if (c.failures.length) throw new GateFailedError(c.failures.join('; '));
  return ExitCode.ok;
}

/** Width the text output of `compare` fits (columns). */
export const COMPARE_WIDTH = 120;

/** `s` cut to `n` characters, with "…" when cut. */
const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** `text` broken at spaces into lines of at most `width` columns (a longer word on its own line), continuation lines indented by 2; ends with a newline. */
export function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (next.length > width && line) {
      lines.push(line);
      line = `  ${word}`;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines.join('\n') + '\n';
}

/**
 * A readable heading of a history group: the suite (short hash, task count), the contenders and the
 * limits that define the configuration, then the group key in brackets, labelled (the first 8
 * characters of the configuration hash, and of the group's suite hash only when it is not the one
 * shown first; `history --json` has the whole `group`), e.g.
 * `suite c0ffee123456 (16 tasks) · gpt-5.4, deepseek-v3.2 · 1 attempt/task, 50 steps  [config 9f2a0b1c]`
 * (`(1 task)` for one).
 */
export function groupLabel(h: { suite: { hash: string; instance_ids: string[] }; contenders: Array<{ id: string }>; attempts_per_task: number; limits: { steps: number }; config?: unknown }, group: string): string {
  const [suite, config] = group.split('/');
  const who = h.contenders.map((c) => c.id);
  const models = who.length > 6 ? `${who.slice(0, 6).join(', ')} +${who.length - 6} more` : who.join(', ');
  const key = suite === h.suite.hash ? '' : `suite ${(suite ?? '').slice(0, 8)} · `; // the suite hash is shown already
  return `suite ${h.suite.hash.slice(0, 12)} (${h.suite.instance_ids.length} task${h.suite.instance_ids.length === 1 ? '' : 's'}) · ${models} · ${h.attempts_per_task} attempt(s)/task, ${h.limits.steps} steps${h.config ? '' : ' (run predates RunConfig)'}  [${key}config ${(config ?? '').slice(0, 8)}]\n`;
}

/** Lists the runs under --results grouped by suite and configuration. */
export async function historyCommand(o: { results: string; json?: boolean; given?: readonly string[] }): Promise<number> {
  const { runs, problems } = await listRuns(path.resolve(o.results));
  // a run left `running` by a killed process is told from one being written (its run.lock's holder)
  const writers = await Promise.all(runs.map((r) => (r.header.status === 'running' ? runWriterState(r.dir) : Promise.resolve('alive' as const))));
  for (const p of problems) process.stderr.write(`fixbench: skipped: ${p}\n`);
  // Resolved / trials and list-price USD per contender, from each run's records (a shard's: over its own attempts).
  const scores = await Promise.all(
    runs.map(async (r) => {
      try {
        const stored = await readRun(r.dir);
        return summariseListed(stored.header, stored.attempts).map((c) => ({ id: c.id, resolved: c.resolved, trials: c.trials, graded: c.graded, infra_errors: c.infraErrors, list_usd: c.costBasis === 'no_model' ? 0 : c.totalUsd }));
      } catch (e) {
        process.stderr.write(`fixbench: ${r.dir}: records unreadable (${(e as Error).message.split('\n')[0]})\n`);
        return null;
      }
    }),
  );
  if (o.json) {
    process.stdout.write(
      JSON.stringify(
        runs.map((r, i) => ({ group: r.group, run_id: r.header.run_id, started_at: r.header.started_at, ...(r.header.merged_at ? { merged_at: r.header.merged_at } : {}), status: r.header.status, ...(r.header.status === 'running' ? { live_process: writers[i] } : {}), shard: r.header.shard ?? null, ...(r.mergedInto ? { merged_into: r.mergedInto } : {}), missing_shards: r.header.missing_shards ?? [], dir: r.dir, contenders: scores[i] })),
        null,
        2,
      ) + '\n',
    );
    return ExitCode.ok;
  }
  const groups = [...new Set(runs.map((r) => r.group))];
  for (const g of groups) {
    process.stdout.write(groupLabel(runs.find((r) => r.group === g)!.header, g));
    process.stdout.write(
      textTable(
        ['run', 'started', 'status', 'resolved (USD at list price)'],
        runs.flatMap((r, i) =>
          r.group !== g
            ? []
            : [[
                r.header.run_id,
                r.header.started_at,
                liveStatusLabel(r.header, writers[i]!, resumeCommand(r.header.run_id, o), r.mergedInto),
                scores[i]?.map((c) => `${c.id} ${c.resolved}/${c.graded}${c.infra_errors ? ` (${c.infra_errors} infra error${c.infra_errors === 1 ? '' : 's'})` : ''}${c.list_usd === null ? ' (USD unknown)' : c.list_usd > 0 ? ` (${formatUsd(c.list_usd)})` : ''}`).join(', ').concat(r.header.shard && scores[i] ? " (this shard's attempts)" : '', madeUpTag(r.header.price_sheet)) ?? 'records unreadable',
              ]],
        ),
      ),
    );
  }
  if (!runs.length) process.stdout.write(`no runs under ${path.resolve(o.results)}\n`);
  return ExitCode.ok;
}
