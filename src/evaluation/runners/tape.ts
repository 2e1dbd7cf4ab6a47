// tape (4 and 5): a test is a `test(name, cb)` (its `# name` group on stdout), failed when any
// assertion under it fails. fixbench preloads a small module (`tape -r <helper>`) that follows
// tape's own harness events and writes one JSON line per test event to the report file: the
// file each test was registered from, its parent test, and every assertion's outcome. Assertion
// messages are never test ids.
import { z } from 'zod';
import stripAnsi from 'strip-ansi';
import { ReportParseError, type ReportParseOptions } from '../parse/types.ts';
import { repoRelativeFile } from '../parse/names.ts';
import type { TestStatus } from '../types.ts';
import type { TestEntry } from './entries.ts';
import { refuse } from './plan-args.ts';
import type { RunnerAdapter } from './types.ts';

/** The preload's text: writes `{type:'test'|'assert'|'end', …}` lines to `reportPath` (relative to the helper's folder, the repository root). */
export function tapePreload(reportPath: string): string {
  return `'use strict';
// fixbench: records tape's test events (one JSON line each) for the test report. Not part of the repository.
const fs = require('fs');
const path = require('path');
const REPORT = path.resolve(__dirname, ${JSON.stringify(reportPath)});
const write = (row) => fs.appendFileSync(REPORT, JSON.stringify(row) + '\\n');
let tapePath;
try { tapePath = require.resolve('tape', { paths: [process.cwd()] }); } catch (err) { write({ type: 'error', message: 'tape is not installed' }); return; }
const tape = require(tapePath);
const tapeDir = path.dirname(tapePath) + path.sep;
let nextId = 0;
let current = '';
function callerFile() {
  for (const line of String(new Error().stack).split('\\n').slice(1)) {
    const m = /((?:file:\\/\\/)?\\/[^()\\s][^()]*?):\\d+:\\d+\\)?\\s*$/.exec(line);
    if (!m) continue;
    const f = m[1].replace(/^file:\\/\\//, '');
    if (f === __filename || f.startsWith(tapeDir)) continue;
    return f;
  }
  return '';
}
function watch(t, parent, file) {
  const id = nextId++;
  t.once('prerun', () => write({ type: 'test', id, parent, file, name: String(t.name), skip: !!t._skip, todo: !!t._todo }));
  t.on('test', (st) => watch(st, id, file));
  t.on('result', (r) => { if (r && typeof r === 'object') write({ type: 'assert', test: id, ok: !!r.ok, skip: !!r.skip, todo: !!r.todo }); });
  t.once('end', () => write({ type: 'end', test: id }));
}
tape.getHarness()._results.on('_push', (t) => watch(t, null, current));
const wrap = (fn) => function () { const prev = current; current = callerFile(); try { return fn.apply(this, arguments); } finally { current = prev; } };
const wrapped = wrap(tape);
Object.assign(wrapped, tape);
wrapped.test = wrapped;
for (const k of ['only', 'skip', 'todo']) if (typeof tape[k] === 'function') wrapped[k] = wrap(tape[k]);
require.cache[tapePath].exports = wrapped;
`;
}

const Row = z.discriminatedUnion('type', [
  z.object({ type: z.literal('test'), id: z.number().int(), parent: z.number().int().nullable(), file: z.string(), name: z.string(), skip: z.boolean(), todo: z.boolean() }),
  z.object({ type: z.literal('assert'), test: z.number().int(), ok: z.boolean(), skip: z.boolean(), todo: z.boolean() }),
  z.object({ type: z.literal('end'), test: z.number().int() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);

/**
 * Tests of the preload's report, in the order they started: id `file > parent tests… > name`.
 * Status: SKIPPED for `test.skip`/todo tests; FAILED when an assertion under it (not a TODO one)
 * failed or it never ended (the process died in it); PASSED otherwise (also with no assertion:
 * tape passes it). A line that is not such JSON is a `ReportParseError`.
 */
export function tapeEntries(text: string, opts: ReportParseOptions): TestEntry[] {
  type T = { parent: number | null; file: string; name: string; skip: boolean; failed: boolean; ended: boolean };
  const tests = new Map<number, T>();
  const order: number[] = [];
  for (const [i, line] of stripAnsi(text).split('\n').entries()) {
    if (line.trim() === '') continue;
    let row: z.infer<typeof Row>;
    try {
      row = Row.parse(JSON.parse(line));
    } catch {
      throw new ReportParseError(`tape report line ${i + 1} is not one of fixbench's test events`);
    }
    if (row.type === 'error') throw new ReportParseError(`tape report: ${row.message}`);
    if (row.type === 'test') {
      tests.set(row.id, { parent: row.parent, file: row.file, name: row.name, skip: row.skip || row.todo, failed: false, ended: false });
      order.push(row.id);
      continue;
    }
    const t = tests.get(row.test);
    if (!t) throw new ReportParseError(`tape report line ${i + 1} names test ${row.test} before it started`);
    if (row.type === 'end') t.ended = true;
    else if (!row.ok && !row.skip && !row.todo) t.failed = true;
  }
  const path = (t: T): string[] => (t.parent === null ? [repoRelativeFile(t.file, opts.roots ?? []), t.name] : [...path(tests.get(t.parent)!), t.name]);
  return order.map((id) => {
    const t = tests.get(id)!;
    const status: TestStatus = t.skip ? 'SKIPPED' : t.failed || !t.ended ? 'FAILED' : 'PASSED';
    return { parts: path(t), status };
  });
}

export const tapeAdapter: RunnerAdapter = {
  name: 'tape',
  label: 'tape',
  pkg: 'tape',
  matches: (s) => /(^|[\s/])tape(\s|$)/.test(s),
  plan: (cmd, ctx, args) => {
    if (ctx.major !== null && ctx.major < 4) throw refuse(cmd, `tape ${ctx.major} is not supported (tape 4 and later are)`);
    const helper = `${ctx.helperStem}.cjs`;
    return { cmd: args(cmd, `-r ./${helper}`), from: 'file', helper: { path: helper, text: tapePreload(ctx.reportPath) } };
  },
  parse: tapeEntries,
};
