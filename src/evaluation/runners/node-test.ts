// node:test (`node --test`): fixbench adds a reporter module of its own
// (`--test-reporter=./<helper>.mjs --test-reporter-destination=<f>`) that writes one JSON line per
// ended test: its file, nesting depth, name and whether it is a suite (`describe`). Tests with
// subtests (parent tests) are tests; suites are not.
import { posix } from 'node:path';
import { z } from 'zod';
import stripAnsi from 'strip-ansi';
import { shellWordAt } from '../../core/shell-quote.ts';
import { repoRelativeFile } from '../parse/names.ts';
import { ReportParseError, type ReportParseOptions } from '../parse/types.ts';
import type { TestStatus } from '../types.ts';
import type { TestEntry } from './entries.ts';
import { refuse } from './plan-args.ts';
import type { RunnerAdapter } from './types.ts';

/** The reporter module's text (an async generator over node's test events, node 18.9+). */
export const NODE_TEST_REPORTER = `// fixbench: writes one JSON line per ended test for the test report. Not part of the repository.
export default async function* fixbenchReporter(source) {
  for await (const e of source) {
    if (e.type !== 'test:pass' && e.type !== 'test:fail') continue;
    const d = e.data ?? {};
    yield JSON.stringify({ ok: e.type === 'test:pass', file: d.file ?? null, nesting: d.nesting ?? 0, name: String(d.name), suite: d.details?.type === 'suite', skip: d.skip !== undefined && d.skip !== false, todo: d.todo !== undefined && d.todo !== false }) + '\\n';
  }
}
`;

const Row = z.object({ ok: z.boolean(), file: z.string().nullable(), nesting: z.number().int().min(0), name: z.string(), suite: z.boolean(), skip: z.boolean(), todo: z.boolean() });
type Row = z.infer<typeof Row>;

/**
 * Tests of the reporter's lines. node reports a test when it ends, children before their parent,
 * so each file's ended tests wait at their depth until their parent ends and takes them. Id:
 * `file > suites and parent tests… > name`; suites themselves are left out. Status: skip/todo →
 * SKIPPED, pass → PASSED, fail → FAILED. A file node could not run is reported under its own path
 * as a test of that name: it becomes one ERROR entry named by the file.
 */
export function nodeTestEntries(text: string, opts: ReportParseOptions): TestEntry[] {
  type Node = Row & { children: Node[] };
  const roots = opts.roots ?? [];
  const pending = new Map<string, Node[][]>();
  const tops: Node[] = [];
  for (const [i, line] of stripAnsi(text).split('\n').entries()) {
    if (line.trim() === '') continue;
    let row: Row;
    try {
      row = Row.parse(JSON.parse(line));
    } catch {
      throw new ReportParseError(`node:test report line ${i + 1} is not one of fixbench's test events`);
    }
    const levels = pending.get(row.file ?? '') ?? [];
    pending.set(row.file ?? '', levels);
    const node: Node = { ...row, children: levels[row.nesting + 1] ?? [] };
    levels[row.nesting + 1] = [];
    if (row.nesting === 0) tops.push(node);
    else (levels[row.nesting] ??= []).push(node);
  }
  const out: TestEntry[] = [];
  const walk = (n: Node, path: string[]): void => {
    const here = [...path, n.name];
    if (!n.suite) out.push({ parts: here, status: (n.skip || n.todo ? 'SKIPPED' : n.ok ? 'PASSED' : 'FAILED') satisfies TestStatus });
    for (const c of n.children) walk(c, here);
  };
  for (const t of tops) {
    const file = repoRelativeFile(t.file ?? '', roots);
    if (t.file !== null && t.name === t.file && !t.children.length) out.push({ parts: [file], status: t.ok ? 'PASSED' : 'ERROR' });
    else walk(t, [file]);
  }
  return out;
}

/** `node --test` (node's flags before `--test`), ending a word or a quoted script (`sh -c 'cd test && node --test'`). */
const NODE_TEST_RE = /(^|\s)node\s+((?:-[^\s]+\s+)*?)--test(?=\s|$|['"](?:\s|$|[;&|)]))/;

export const nodeTestAdapter: RunnerAdapter = {
  name: 'node-test',
  label: 'node:test',
  pkg: '',
  matches: (s) => NODE_TEST_RE.test(s),
  plan: (cmd, ctx) => {
    if (!NODE_TEST_RE.test(cmd)) throw refuse(cmd, 'node:test is reached through a package script; write test_cmd as the node --test command itself');
    const reporters = (cmd.match(/--test-reporter(?=[=\s])/g) ?? []).length;
    const destinations = (cmd.match(/--test-reporter-destination(?=[=\s])/g) ?? []).length;
    if (reporters !== destinations && destinations !== 0) throw refuse(cmd, 'gives some --test-reporter no --test-reporter-destination; give each one, or leave both out');
    const helper = `${ctx.helperStem}.mjs`;
    // Ours first, so node pairs it with its own destination; the command's reporters keep stdout.
    const toStdout = ' --test-reporter-destination=stdout'.repeat(destinations === 0 ? reporters : 0);
    // under the workspace's absolute path when known (a `cd` before node), quoted for where they go (`sh -c '…'` too)
    const at = (p: string, rel: string): string => (ctx.root === undefined ? rel : posix.join(ctx.root, p));
    const hit = NODE_TEST_RE.exec(cmd)!;
    const end = hit.index + hit[0].length;
    const words = [`--test-reporter=${at(helper, `./${helper}`)}`, `--test-reporter-destination=${at(ctx.reportPath, ctx.reportPath)}`];
    const added = words.map((w) => ` ${shellWordAt(`${ctx.before ?? ''}${cmd.slice(0, end)} `, w)}`).join('');
    const rest = reporters === 0 ? ' --test-reporter=spec --test-reporter-destination=stdout' : toStdout;
    return { cmd: `${cmd.slice(0, end)}${added}${rest}${cmd.slice(end)}`, from: 'file', helper: { path: helper, text: NODE_TEST_REPORTER } };
  },
  parse: nodeTestEntries,
};
