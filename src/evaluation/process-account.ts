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

const Line = z.union([
  z.object({ k: z.enum(['d', 'c']), file: z.string() }).strict(),
  z.object({ k: z.enum(['s', 'p', 'f']), n: z.number().int().min(0).max(10_000), name: z.string() }).strict(),
]);

/** Test file node ran (repository-relative when under the workspace root, else as node named it) → the keys (`accountKey`) of the tests its process reported. */
export type ProcessAccount = Map<string, Set<string>>;

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
      if (line.k === 'd') account.set(rel(line.file), account.get(rel(line.file)) ?? new Set());
      continue;
    }
    if (open === null) return { problem: `the per-process report has a test (${JSON.stringify(line.name.slice(0, 80))}) outside every test file's run`, forged: false };
    if (line.k === 's') {
      stack = [...stack.slice(0, line.n), line.name];
      continue;
    }
    account.get(rel(open))!.add(accountKey([...stack.slice(0, line.n), line.name]));
  }
  if (open !== null) return { problem: `the per-process report ends while ${JSON.stringify(rel(open))} runs`, forged: false };
  return { account };
}

/**
 * Sets ERROR in `rest` for every listed id of `runs` (listed id → the test files node runs that run
 * it, canary-runs.ts `runnersOf`) that one of those files' processes did not report (`account`): under
 * its id, or with more titles around it (a loader requiring the cases inside a describe of its own).
 * An id absent from `rest` is left to the grade. Returns one line per such id for the test output.
 */
export function unrunInProcess(account: ProcessAccount, rest: Map<string, unknown>, runs: ReadonlyMap<string, readonly string[]>): string[] {
  const lines: string[] = [];
  for (const [id, files] of runs) {
    if (files.length < 2 || !rest.has(id)) continue;
    const k = channelKey(id);
    const missing = files.filter((f) => { const got = account.get(f); return !got || !(got.has(k) || [...got].some((x) => x.endsWith(` > ${k}`))); });
    if (missing.length === 0) continue;
    rest.set(id, 'ERROR');
    lines.push(`${JSON.stringify(id)} was not reported by the process of ${missing.join(', ')}, which runs it (${files.length} test files do: ${files.join(', ')}): ERROR`);
  }
  return lines;
}
