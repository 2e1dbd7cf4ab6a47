// mocha, every major from 1: the JSON reporter, to a file fixbench names from mocha 9 on
// (`--reporter json --reporter-option output=<f>`), on stdout before (those majors cannot write
// it to a file; the JSON is the last thing mocha prints, read from its start).
import stripAnsi from 'strip-ansi';
import { MochaJsonReport } from '../parse/mocha-json.ts';
import { repoRelativeFile } from '../parse/names.ts';
import { parseJsonReport, ReportParseError, type ReportParseOptions } from '../parse/types.ts';
import type { TestEntry } from './entries.ts';
import { refuse } from './plan-args.ts';
import { suiteDotNames } from './swe-names.ts';
import type { RunnerAdapter } from './types.ts';

type MochaTest = MochaJsonReport['tests'][number];

/** The first mocha major whose JSON reporter takes `output=<file>`. */
export const MOCHA_FILE_MAJOR = 9;

/** The JSON object mocha's json reporter printed last on stdout (`{\n  "stats": …}`); throws when there is none. */
export function mochaJsonFromStdout(stdout: string): string {
  const text = stripAnsi(stdout);
  const start = text.lastIndexOf('{\n  "stats": {');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) throw new ReportParseError('mocha printed no JSON report on stdout (did the run crash before the end?)');
  return text.slice(start, end + 1);
}

/**
 * Tests of a mocha JSON report, in the order mocha ended them (`tests`): `file > suites > title`
 * (`file` absent before mocha 6, whose report does not name it; `suites` is `fullTitle` without
 * the title: nested describes stay one part, as mocha joins them). A test with a non-empty `err`
 * is FAILED; one mocha listed as pending is SKIPPED (as many of an id as `pending` holds), the
 * others PASSED. A failed hook (`failures` only) is one FAILED entry. Each entry's `name` is mocha's
 * `fullTitle` (describe titles and the test title joined by spaces): the name SWE-bench's log
 * parsers give a mocha JSON test, so a listed SWE-bench name answers with it (`aliasFullNames`);
 * under `opts.nameForm: 'suite-dot'` (highlight.js's parser) its `names` are `suiteDotNames` instead.
 */
export function mochaEntries(text: string, opts: ReportParseOptions): TestEntry[] {
  const report = parseJsonReport(text, MochaJsonReport, 'mocha JSON');
  const roots = opts.roots ?? [];
  const key = (t: MochaTest): string => `${t.file ?? ''}\u0000${t.fullTitle}`;
  const parts = (t: MochaTest): string[] => {
    const file = repoRelativeFile(t.file ?? '', roots);
    const full = t.fullTitle;
    if (full === t.title || !full.endsWith(` ${t.title}`)) return [file, full];
    return [file, full.slice(0, full.length - t.title.length - 1), t.title];
  };
  // SWE-bench's name(s) for `t` under the task's name form.
  const named = (t: MochaTest): Pick<TestEntry, 'name' | 'names'> => {
    if (opts.nameForm !== 'suite-dot') return { name: t.fullTitle };
    const full = t.fullTitle;
    if (full === t.title) return { names: [t.title] };
    return full.endsWith(` ${t.title}`) ? { names: suiteDotNames(full.slice(0, full.length - t.title.length - 1), t.title) } : {};
  };
  const count = (list: readonly MochaTest[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const t of list) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
    return m;
  };
  const pending = count(report.pending);
  const passes = count(report.passes);
  const failedInTests = new Map<string, number>();
  const out: TestEntry[] = [];
  for (const t of report.tests) {
    const k = key(t);
    if (t.err && Object.keys(t.err).length > 0) {
      failedInTests.set(k, (failedInTests.get(k) ?? 0) + 1);
      out.push({ parts: parts(t), status: 'FAILED', ...named(t) });
    } else if ((passes.get(k) ?? 0) > 0) {
      passes.set(k, passes.get(k)! - 1);
      out.push({ parts: parts(t), status: 'PASSED', ...named(t) });
    } else {
      if ((pending.get(k) ?? 0) === 0) { out.push({ parts: parts(t), status: 'FAILED', ...named(t) }); continue; } // ended, neither passed nor pending: never a pass
      pending.set(k, pending.get(k)! - 1);
      out.push({ parts: parts(t), status: 'SKIPPED', ...named(t) });
    }
  }
  // Failures not among `tests`: failed hooks (the tests they stopped are missing, so failed).
  for (const t of report.failures) {
    const k = key(t);
    const n = failedInTests.get(k) ?? 0;
    if (n > 0) failedInTests.set(k, n - 1);
    else out.push({ parts: parts(t), status: 'FAILED', ...named(t) });
  }
  return out;
}

export const mochaAdapter: RunnerAdapter = {
  name: 'mocha',
  label: 'mocha',
  pkg: 'mocha',
  matches: (s) => /(^|[\s/])_?mocha(\s|$)/.test(s),
  plan: (cmd, ctx, args) => {
    if (ctx.major === null) throw refuse(cmd, 'node_modules/mocha/package.json cannot be read after setup (missing, no version, or under a symlinked node_modules, which fixbench does not follow), so the reporter for this mocha version cannot be chosen; install mocha into the workspace in setup');
    if (ctx.major < 1) throw refuse(cmd, `mocha ${ctx.major} is not supported (mocha 1 and later are)`);
    // `--reporter json` (as SWE-bench's eval scripts write it) is the report fixbench reads anyway: dropped, then added back with its output.
    if (/(^|\s)(--reporter-options?|-O)[=\s]/.test(cmd)) throw refuse(cmd, 'sets its own reporter options; leave them out (fixbench adds the JSON reporter and its output)');
    cmd = cmd.replace(/\s+--reporter[=\s]json(?=\s|$)/g, '');
    if (/(^|\s)(--reporter|-R)[=\s]/.test(cmd)) throw refuse(cmd, 'chooses its own --reporter; leave it out (fixbench adds the JSON reporter)');
    if (ctx.major >= MOCHA_FILE_MAJOR) return { cmd: args(cmd, `--reporter json --reporter-option output=${ctx.reportPath}`), from: 'file' };
    return { cmd: args(cmd, '--reporter json'), from: 'stdout' };
  },
  parse: (text, opts) => mochaEntries(text.trimStart().startsWith('{') ? stripAnsi(text) : mochaJsonFromStdout(text), opts),
};
