// jasmine (the `jasmine` CLI, in Node) and karma (jasmine specs in a browser): both read through a
// module of fixbench's own that records every spec into one JSON report (jasmine-helpers.ts).
// Ids: `file > suite… > spec` (the file when jasmine names it; karma never does). Each entry also
// carries SWE-bench's name of the test: the full spec name, describe and spec titles joined by
// single spaces (jasmine's `fullName`, as SWE-bench's jasmine and karma log parsers read it).
import { z } from 'zod';
import { repoRelativeFile } from '../parse/names.ts';
import { parseJsonReport, ReportParseError, type ReportParseOptions } from '../parse/types.ts';
import type { TestEntry } from './entries.ts';
import { jasmineHelperText, karmaHelperText } from './jasmine-helpers.ts';
import { refuse } from './plan-args.ts';
import type { RunnerAdapter } from './types.ts';

/** The report both helpers write (one object, written once when the run ends). */
export const JasmineReport = z.object({
  runner: z.enum(['jasmine', 'karma']),
  /** The run reached its end (jasmineDone / karma's onRunComplete). */
  done: z.boolean(),
  specs: z.array(
    z.object({
      file: z.string().optional(),
      /** Enclosing describe titles, outermost first. */
      suites: z.array(z.string()),
      title: z.string(),
      /** The full name: suites and title joined by single spaces. */
      full: z.string(),
      /** jasmine's status (`passed`, `failed`, `pending`, `excluded`; karma's mapped to these). */
      status: z.string(),
      /** A suite's own failure (an afterAll error), not a spec. */
      suite: z.boolean().optional(),
      browser: z.string().optional(),
    }),
  ),
  /** Errors outside any spec: a file that failed to load, a top-level afterAll, a browser error, an incomplete run. */
  errors: z.array(z.string()),
});
export type JasmineReport = z.infer<typeof JasmineReport>;


const STATUS: Record<string, TestEntry['status']> = { passed: 'PASSED', failed: 'FAILED', pending: 'SKIPPED', excluded: 'SKIPPED', disabled: 'SKIPPED' };

/**
 * Tests of a jasmine/karma report, in the order the specs ended: parts `[file, suite…, title]`
 * (file repository-relative, absent for karma), `name` the full spec name as written (SWE-bench's
 * name, blanks kept). A suite's afterAll failure is one FAILED entry under the suite's names.
 * Throws `ReportParseError` for a run that did not end, or errors outside any spec (a spec file
 * that failed to load, a browser error, a focused or empty run): the suite did not provably run
 * whole, so no verdict is taken from it.
 */
export function jasmineEntries(text: string, opts: ReportParseOptions): TestEntry[] {
  const report = parseJsonReport(text, JasmineReport, `${text.includes('"runner":"karma"') ? 'karma' : 'jasmine'} (fixbench reporter)`);
  const who = report.runner;
  if (!report.done) throw new ReportParseError(`${who} did not finish the run (its reporter never saw the end)`);
  if (report.errors.length) {
    const shown = report.errors.slice(0, 3).map((e) => e.split('\n')[0]).join('; ');
    throw new ReportParseError(`${who} reported ${report.errors.length} error(s) outside any spec, so the suite did not run whole: ${shown}`);
  }
  const roots = opts.roots ?? [];
  return report.specs.map((s) => {
    const status = STATUS[s.status];
    if (!status) throw new ReportParseError(`${who} report: spec ${JSON.stringify(s.full)} has unknown status ${JSON.stringify(s.status)}`);
    return { parts: [s.file ? repoRelativeFile(s.file, roots) : '', ...s.suites, s.title], status, name: s.full };
  });
}

/** `--flag` or `--flag=` present in `cmd`. */
const hasFlag = (cmd: string, flag: string): boolean => new RegExp(`(^|\\s)${flag}(=|\\s|$)`).test(cmd);

export const jasmineAdapter: RunnerAdapter = {
  name: 'jasmine',
  label: 'jasmine',
  pkg: 'jasmine',
  matches: (s) => /(^|[\s/])jasmine(\s|$)/.test(s),
  plan: (cmd, ctx, args) => {
    if (ctx.major !== null && ctx.major < 2) throw refuse(cmd, `jasmine ${ctx.major} is not supported (jasmine 2 and later are)`);
    if (hasFlag(cmd, '--parallel')) throw refuse(cmd, 'runs jasmine --parallel, whose workers do not take a reporter from a helper; leave --parallel out');
    const helper = `${ctx.helperStem}.cjs`;
    // The reporter module goes in with --require on jasmine 3 and later (it loads after jasmine's
    // globals exist, before helpers and specs). Not --helper: jasmine 4.0–4.3's CLI calls
    // `addHelperFiles`, which those versions lack (TypeError, no run). jasmine 2 has no --require,
    // and its --helper works. $PWD (the repository root, where the command starts) makes the path
    // absolute (jasmine reads a relative --helper under spec_dir).
    const flag = ctx.major === 2 ? '--helper' : '--require';
    return { cmd: args(cmd, `${flag}="$PWD/${helper}"`), from: 'file', helper: { path: helper, text: jasmineHelperText(ctx.reportPath) } };
  },
  parse: (text, opts) => jasmineEntries(text, opts),
};

const KARMA_START_RE = /(^|[\s/"'])karma\s+start(?=\s|$)/;

export const karmaAdapter: RunnerAdapter = {
  name: 'karma',
  label: 'karma',
  pkg: 'karma',
  matches: (s) => KARMA_START_RE.test(s),
  plan: (cmd, ctx) => {
    const m = KARMA_START_RE.exec(cmd);
    if (!m) throw refuse(cmd, 'names no "karma start" command; test_report karma needs test_cmd to run "karma start [config] [flags]" itself (not through an npm script: fixbench must replace its configuration argument)');
    const at = m.index + m[0].length;
    const rest = cmd.slice(at);
    if (/["'`]/.test(rest)) throw refuse(cmd, 'karma start is inside quotes (su -c "...", xvfb-run …); run karma directly as the last command: the sandbox gives it a headless browser (browser: chromium in task.yaml)');
    if (hasFlag(rest, '--reporters')) throw refuse(cmd, 'chooses its own --reporters, which replace the configuration\'s; leave it out (fixbench adds its reporter)');
    const first = /^\s+(\S+)/.exec(rest);
    const config = first && !first[1]!.startsWith('-') ? first[1]! : null;
    if (config && /\.(m?ts|mjs|coffee)$/.test(config)) throw refuse(cmd, `the configuration ${config} is not a CommonJS module; fixbench loads it with require (give a .js or .cjs configuration)`);
    const helper = `${ctx.helperStem}.cjs`;
    const tail = config ? rest.replace(/^\s+\S+/, '') : rest;
    return { cmd: `${cmd.slice(0, at)} ./${helper}${tail}`, from: 'file', helper: { path: helper, text: karmaHelperText(ctx.reportPath, config) } };
  },
  parse: (text, opts) => jasmineEntries(text, opts),
};
