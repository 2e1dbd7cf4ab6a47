// Which test file's process reported each test (DESIGN.md §11 rule 3). node's reports name no file
// (a test's `data.file` is where it was written: a module of shared cases, for every process
// loading it), so a wrong patch could stop a listed test in one of the files that run it and make
// another process report it once more (atkA22 #1: the module re-required), keeping the count. Under
// `--test-concurrency=1`, node's runner runs one test file at a time and reports every event of its
// process between that file's own `test:dequeue` and `test:complete` (node 20.20, checked), events
// the runner itself emits: fixbench's account reporter (channel-reporter.ts ACCOUNT_REPORTER_SOURCE)
// writes them, and this reads which tests each file's process reported.
import { z } from 'zod';
import { channelKey } from './channels.ts';
import { worseStatus } from './parse/index.ts';
import type { TestStatus } from './types.ts';
import { tailOfTest } from './canary-check.ts';
import { unswapResults } from './canary-swap.ts';
import type { CanaryPlan } from './canary.ts';

const Line = z.union([
  z.object({ k: z.enum(['d', 'c']), file: z.string() }).strict(),
  z.object({ k: z.enum(['s', 'p', 'f']), n: z.number().int().min(0).max(10_000), name: z.string(), at: z.string().optional(), skip: z.literal(1).optional(), suite: z.literal(1).optional() }).strict(),
]);

/**
 * Test file node ran → the file each test its process reported is written in (node's `data.file`;
 * '' when not given) → the test's key (`accountKey`) → its worst status there (a describe's point
 * is no test). Files repository-relative when under the workspace root, else as node named them.
 */
export type ProcessAccount = Map<string, Map<string, Map<string, TestStatus>>>;

/** A title path's key: each part's line breaks dropped and blanks trimmed, empty parts left out, joined by ` > ` (channels.ts `channelKey`'s form). */
const accountKey = (parts: readonly string[]): string => parts.map((p) => p.replace(/[\r\n]/g, '').trim()).filter((p) => p !== '').join(' > ');

/**
 * Reads the account reporter's text (`root`: the workspace as the command saw it, whose files are
 * given repository-relative). `problem` when the text is not what node's runner writes run one file at
 * a time: a line that does not parse (named by number), a test reported outside every file's run,
 * a file started while another runs or ended without starting, or the run cut before its last file
 * ended; `forged` when a file's own events came twice — node's runner emits them once per file, so
 * the code under test wrote them (the grade is then `tampered`).
 */
export function readProcessAccount(text: string, root: string): { account: ProcessAccount } | { problem: string; forged: boolean } {
  const account: ProcessAccount = new Map();
  const rel = (f: string): string => (f.startsWith(`${root}/`) ? f.slice(root.length + 1) : f);
  const started = new Set<string>(), ended = new Set<string>();
  let open: string | null = null;
  let stack: string[] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    let line: z.infer<typeof Line>;
    try {
      line = Line.parse(JSON.parse(raw));
    } catch {
      return { problem: `line ${i + 1} of the per-process report is not what fixbench's reporter writes`, forged: false };
    }
    if ('file' in line) {
      const seen = line.k === 'd' ? started : ended;
      if (seen.has(line.file)) return { problem: `node's runner reported the test file ${JSON.stringify(rel(line.file))} ${line.k === 'd' ? 'starting' : 'ending'} twice: the code under test wrote events of the runner's own`, forged: true };
      seen.add(line.file);
      if (line.k === 'd' ? open !== null : open !== line.file) return { problem: `the per-process report has ${JSON.stringify(rel(line.file))} ${line.k === 'd' ? `starting while ${JSON.stringify(rel(open!))} runs` : 'ending without starting'}: its files did not run one at a time`, forged: false };
      open = line.k === 'd' ? line.file : null;
      stack = [];
      if (line.k === 'd') account.set(rel(line.file), account.get(rel(line.file)) ?? new Map());
      continue;
    }
    if (open === null) return { problem: `the per-process report has a test (${JSON.stringify(line.name.slice(0, 80))}) outside every test file's run`, forged: false };
    if (line.k === 's') {
      stack = [...stack.slice(0, line.n), line.name];
      continue;
    }
    if (line.suite) continue;
    const window = account.get(rel(open))!;
    const at = line.at === undefined ? '' : rel(line.at);
    const tests = window.get(at) ?? window.set(at, new Map()).get(at)!;
    const key = accountKey([...stack.slice(0, line.n), line.name]);
    const status: TestStatus = line.k === 'f' ? 'FAILED' : line.skip ? 'SKIPPED' : 'PASSED';
    tests.set(key, worseStatus(tests.get(key) ?? status, status));
  }
  if (open !== null) return { problem: `the per-process report ends while ${JSON.stringify(rel(open))} runs`, forged: false };
  return { account };
}

/**
 * Grades every listed id of `runs` (listed id → the test files node runs that run it, canary-runs.ts
 * `runnersOf`) that more than one file runs by each file's process (`account`): ERROR in `rest`
 * when one of them did not report it (under its id, or with more titles around it: a loader
 * requiring the cases inside a describe of its own), or reported none of its own canaries (`plan`'s
 * tests in that file; a process replaying another file's run holds that file's: atkB22 #1);
 * else the worst of `rest`'s status and every result those processes gave it (one failing under a
 * longer title counts: atkB22 #2). The account is read with `plan`'s swapped pairs undone, as the
 * results are (canary-swap.ts). An id absent from `rest` is left to the grade. `notes`: one line per
 * id made ERROR, for the test output. `tampered`: a must-fail canary came out passed in one runner's
 * process while the test it copies did not fail there (merged, another process's failure hid it:
 * atkC22 #1, a patch emptying the bodies of tests a loaded module registers in one process), or null.
 */
export function judgeProcesses(raw: ProcessAccount, rest: Map<string, TestStatus>, runs: ReadonlyMap<string, readonly string[]>, plan: Pick<CanaryPlan, 'tests' | 'swaps'>): { notes: string[]; tampered: string | null } {
  const lines: string[] = [];
  let tampered: string | null = null;
  // each file's swapped pairs undone in the tests written in it, wherever they ran (a test file another loads runs in both)
  const account = new Map<string, Map<string, TestStatus>>();
  for (const [f, byFile] of raw) {
    const tests = new Map<string, TestStatus>();
    for (const [at, written] of byFile) for (const [k, st] of unswapResults((plan.swaps ?? []).filter((x) => x.file === at), written, false)) tests.set(k, worseStatus(tests.get(k) ?? st, st));
    account.set(f, tests);
  }
  const own = plan.tests.reduce((m, t) => m.set(t.file, [...(m.get(t.file) ?? []), tailOfTest(t)]), new Map<string, string[]>());
  const resultsOf = (file: string, id: string): TestStatus[] => {
    const k = channelKey(id);
    return [...(account.get(file) ?? [])].filter(([x]) => x === k || x.endsWith(` > ${k}`)).map(([, st]) => st);
  };
  for (const [id, files] of runs) {
    const mine = rest.get(id);
    if (files.length < 2 || mine === undefined) continue;
    const missing = files.filter((f) => resultsOf(f, id).length === 0 || (own.get(f)?.length && own.get(f)!.every((c) => resultsOf(f, c).length === 0)));
    if (missing.length) {
      rest.set(id, 'ERROR');
      lines.push(`${JSON.stringify(id)} was not reported by the process of ${missing.join(', ')} with that file's own canaries, which runs it (${files.length} test files do: ${files.join(', ')}): ERROR`);
      continue;
    }
    rest.set(id, files.flatMap((f) => resultsOf(f, id)).reduce(worseStatus, mine));
  }
  const runners = new Set([...runs.values()].filter((files) => files.length > 1).flat());
  for (const f of runners) {
    for (const t of plan.tests) {
      if (t.must !== 'FAILED' || !resultsOf(f, tailOfTest(t)).includes('PASSED')) continue;
      // excused as checkCanaries excuses it (an honest wrong result may equal the mutant's value), a string mutant that passed never (`strict`)
      if (t.original !== undefined && t.strict !== true && resultsOf(f, t.original).some((st) => st === 'FAILED' || st === 'ERROR')) continue;
      tampered ??= `the failing canary test ${JSON.stringify(tailOfTest(t))} of ${t.file} passed in the process of ${f}${t.original !== undefined ? ` while the test it copies did not fail there` : ''}: that process's results cannot be trusted`;
    }
  }
  return { notes: lines, tampered };
}
