// Which node:test processes must report each listed test (DESIGN.md §11 rule 3). node's reports
// name no file, so a listed id two test files run is one id with two results (parse/types.ts
// `testCount`). A wrong patch that stops one of them — an ESM twin whose suite body it keeps from
// running (atkH21 A3), or one of two test files loading a module of shared cases that it makes exit
// at load (atkI21 A) — leaves the other's pass to answer the id. So the grading knows, from
// base_commit's text, every test file node runs that runs a file defining the id (the file itself,
// and each test file loading it: `runnersOf`); each of their processes must report it
// with canaries of its own (process-account.ts), else it is ERROR. The host only reads text here;
// nothing is run or written (the defining files become canary hosts, which installPlan writes).
import { basename, extname, dirname } from 'node:path';
import { candidatesOf } from './canary-own-name-imports.ts';
import { loadsTypeScript, nodeRunsAsTest } from './node-test-files.ts';
import { withProcessAccount } from './channels.ts';
import type { FilesAtBase } from './canary-listed-hosts.ts';
import { testCount, type TestResults } from './parse/index.ts';
import { DUPLICATE_SUFFIX_RE } from './runners/entries.ts';
import { sweBenchKey } from '../core/swe-ids.ts';

const JS = /\.[cm]?[jt]sx?$/;
/**
 * The modules a text may load, by text (comments and type-only imports — `import type …`,
 * `export type … from` — left out first, as they load nothing): every quoted relative path (`./x`,
 * `../x`: an import, a `require`, an alias of `createRequire`'s, `path.join(__dirname, '../x')`),
 * and every `#…` specifier imported or required (package.json `imports`, `subpaths`).
 * Reading more than loads asks more runs, never fewer.
 */
const QUOTED_RELATIVE = /(['"`])(\.{1,2}(?:\/[^'"`\n]*)?)\1/g;
const HASH_LOADS = /(?:\bfrom|\bimport|\brequire\s*\(|\bimport\s*\()\s*(['"`])(#[^'"`\n]+)\1/g;
const loadsOf = (text: string): { relative: string[]; hash: string[] } => {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[\s;{}()])\/\/.*$/gm, '$1').replace(/\b(?:import|export)\s+type\b[^;'"`]*?\bfrom\s*(['"`])[^'"`\n]*\1/g, ' ');
  return { relative: [...code.matchAll(QUOTED_RELATIVE)].map((m) => m[2]!), hash: [...code.matchAll(HASH_LOADS)].map((m) => m[2]!) };
};

/**
 * The root package.json's `imports` (`{"#cases/*": "./testlib/*"}`) as a resolver of a `#…`
 * specifier to repository-relative candidates (every string target of a key it matches, `*` filled
 * in); none when absent or not JSON.
 */
export function importsResolver(pkg: string | null): (spec: string) => string[] {
  let imports: Record<string, unknown> = {};
  try {
    const parsed = pkg === null ? null : (JSON.parse(pkg) as { imports?: unknown });
    if (parsed?.imports && typeof parsed.imports === 'object') imports = parsed.imports as Record<string, unknown>;
  } catch {
    imports = {};
  }
  const leaves = (v: unknown): string[] => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(leaves) : []);
  return (spec) => Object.entries(imports).flatMap(([key, target]) => {
    const star = key.endsWith('*') && spec.startsWith(key.slice(0, -1)) ? spec.slice(key.length - 1) : null;
    if (star === null && key !== spec) return [];
    return leaves(target).filter((t) => t.startsWith('./')).flatMap((t) => candidatesOf('package.json', star === null ? t : t.replace('*', star)));
  });
}

/** Most files read per grading to find the loaders, and most import levels followed up from a defining file. */
export const MAX_LOADER_READS = 96;
export const MAX_LOADER_DEPTH = 4;

/** What runnersOf reads. */
export interface RunsContext {
  /** A file's text as base_commit (or test.patch) has it; null when absent or not to be read. */
  read: (file: string) => Promise<string | null>;
  /** Files at base_commit writing one of the texts; absent: only `known` are searched. */
  filesAt?: FilesAtBase;
  /** test.patch's files (path → text): searched for imports too. */
  known: ReadonlyMap<string, string>;
  /** Whether node runs a file as a test file (node-test-files.ts `nodeRunsAsTest`). */
  runs: (file: string) => boolean;
}

/** The word an importer of `file` writes: its name without extension, or its folder's for an index file (`require('..')`). */
const stemOf = (file: string): string => {
  const stem = basename(file, extname(file));
  return stem === 'index' ? basename(dirname(file)) : stem;
};

/**
 * node:test: listed id → the test files node runs that run a file defining it (`definers`: listed id
 * → the hosts holding it, canary-listed-hosts.ts `definers`): the file itself when node runs it, and
 * each test file node runs that reaches it through what it loads (`loadsOf`: a quoted relative path,
 * a package `#import`; followed up from module to module to MAX_LOADER_DEPTH levels; candidates are `known` and the files at
 * base_commit writing the module's stem, at most MAX_LOADER_READS read). A test file counts once
 * however many definers it reaches: node loads a module once per process. Ids whose definers no
 * test file runs are left out. Missing a loader (beyond the caps, a path built at run time, a bare
 * package name) asks fewer runs, never more.
 */
export async function runnersOf(definers: ReadonlyMap<string, readonly string[]>, ctx: RunsContext): Promise<Map<string, string[]>> {
  const reach = new Map<string, Set<string>>(); // module → the defining files it loads (itself included)
  const resolveHash = importsResolver(await ctx.read('package.json').catch(() => null));
  for (const files of definers.values()) for (const f of files) reach.set(f, new Set([f]));
  const texts = new Map<string, Promise<string | null>>();
  const textOf = (f: string): Promise<string | null> => {
    let t = texts.get(f);
    if (!t) texts.set(f, (t = ctx.known.has(f) ? Promise.resolve(ctx.known.get(f)!) : ctx.read(f).catch(() => null)));
    return t;
  };
  let frontier = [...reach.keys()];
  for (let depth = 0; depth < MAX_LOADER_DEPTH && frontier.length > 0; depth++) {
    const level = new Set(frontier);
    const found = ctx.filesAt ? ((await ctx.filesAt([...new Set(frontier.map(stemOf))])) ?? []) : [];
    // test files first, so a common stem written in many sources does not use up the reads before them
    const candidates = [...new Set([...ctx.known.keys(), ...found])].filter((f) => JS.test(f)).sort((a, b) => Number(ctx.runs(b)) - Number(ctx.runs(a)));
    const next: string[] = [];
    for (const c of candidates) {
      if (!texts.has(c) && texts.size >= MAX_LOADER_READS) continue;
      const text = await textOf(c);
      if (text === null) continue;
      const { relative, hash } = loadsOf(text);
      const loaded = [...relative.flatMap((spec) => candidatesOf(c, spec)), ...hash.flatMap(resolveHash)].filter((m) => level.has(m) && m !== c);
      const mine = reach.get(c) ?? new Set<string>();
      const before = mine.size;
      for (const m of loaded) for (const d of reach.get(m)!) mine.add(d);
      if (mine.size > before) {
        reach.set(c, mine);
        next.push(c);
      }
    }
    frontier = next;
  }
  const out = new Map<string, string[]>();
  for (const [id, files] of definers) {
    const runners = [...reach].filter(([f, ds]) => ctx.runs(f) && files.some((d) => ds.has(d))).map(([f]) => f).sort();
    if (runners.length) out.set(id, runners);
  }
  return out;
}

/** guardRun's node:test runners of each listed id (`runnersOf`, `reads.atBase`: base_commit's texts; `hosts`: the canary hosts, path → text). */
const nodeTestRuns = (definers: ReadonlyMap<string, readonly string[]>, hosts: ReadonlyMap<string, string>, reads: NodeTestReads, testCmd: string): Promise<Map<string, string[]>> => {
  const ts = loadsTypeScript(testCmd);
  return runnersOf(definers, { read: reads.atBase, filesAt: reads.filesAt, known: hosts, runs: (f) => nodeRunsAsTest(f, testCmd, ts) });
};

/** What planNodeTestRuns reads: a file's text as base_commit has it (`read`: the workspace's where base_commit has none; `atBase`: base_commit's or test.patch's only) and the files at base_commit writing a text. */
export interface NodeTestReads {
  read: (f: string) => Promise<string | null>;
  atBase: (f: string) => Promise<string | null>;
  filesAt?: FilesAtBase;
}

/** What planNodeTestRuns decided: the runners of each listed id, and the command with the per-process account (null when no id has two runners, or no second channel). */
export interface NodeTestRunsPlan {
  runs: Map<string, string[]>;
  account: { cmd: string; path: string } | null;
}

/**
 * The runners of each listed id (`runnersOf`); every defining file a test file runs that is no canary
 * host yet added to `hosts` (its text as base_commit has it, `reads.read`: installPlan writes it back
 * so, a patch's edit dropped (atkA22 #2), with canaries that run in each process loading it, so a
 * patch emptying its tests' bodies in one process fails its must-fail copy there: atkC22 #1); and for a listed id more than one test file runs, `cmd` (the test command
 * with the second channel, `channel` set) given the per-process account (channels.ts
 * `withProcessAccount`, `root` as planSecondChannel's) and each runner file added to `hosts` too, so
 * its process must report canaries of its own (process-account.ts `judgeProcesses`). Reads only.
 */
export async function planNodeTestRuns(definers: ReadonlyMap<string, readonly string[]>, hosts: Map<string, string>, reads: NodeTestReads, task: { cmd: string; testCmd: string; root: string; channel: boolean }): Promise<NodeTestRunsPlan> {
  const runs = await nodeTestRuns(definers, hosts, reads, task.testCmd);
  const shared = [...runs.values()].filter((files) => files.length > 1);
  const account = task.channel && shared.length ? withProcessAccount(task.cmd, task.root) : null;
  const ran = [...definers].filter(([id]) => runs.has(id)).flatMap(([, files]) => files);
  for (const f of new Set([...ran, ...(account ? shared.flat() : [])])) {
    const text = hosts.has(f) ? null : await reads.read(f).catch(() => null);
    if (text !== null) hosts.set(f, text);
  }
  return { runs, account };
}

/**
 * Sets ERROR in `rest` (the task's results, canaries removed) for every listed id of `runs` (listed
 * id → the test files node runs that run it, `runnersOf`) that `parsed` (the run's results, with
 * their counts and a runner adapter's ` #n` twins) reports fewer times than it has runners: some of those files did not run it. An id
 * absent from the results is left to the grade (a missing listed test). Returns one line per such id
 * for the test output.
 */
export function shortOfRuns(parsed: TestResults, rest: TestResults, runs: ReadonlyMap<string, readonly string[]>): string[] {
  const lines: string[] = [];
  for (const [id, files] of runs) {
    const keys = [...new Set([id, sweBenchKey(id)])].filter((k) => rest.has(k));
    if (keys.length === 0) continue;
    // a runner adapter reports a test run again as its ` #n` twin (runners/entries.ts), node's own reports as one id counted twice
    const times = (k: string): number => [...parsed.keys()].filter((x) => x === k || (DUPLICATE_SUFFIX_RE.test(x) && x.replace(DUPLICATE_SUFFIX_RE, '') === k)).reduce((n, x) => n + testCount(parsed, x), 0);
    const seen = Math.max(...keys.map(times));
    if (seen >= files.length) continue;
    for (const k of keys) rest.set(k, 'ERROR');
    lines.push(`${JSON.stringify(id)} was reported ${seen} time${seen === 1 ? '' : 's'}, but ${files.length} test files node runs run it (${files.join(', ')}): ERROR, as one of them did not run it`);
  }
  return lines;
}

/**
 * Base_commit's text (`read`, guardReads') of every file defining a listed id (`definers`' values)
 * that `planned` (the canary plan's files) does not write: each runs as base_commit has it, canaries
 * or not, so a patch's edit to a module of cases it holds does not run — a module that no runner was
 * found for (a test file reaching it by a path built at run time) is no canary host (atkA22 #2,
 * atkG23 #1). A file base_commit lacks is left as it is.
 */
export async function definersAtBase(definers: ReadonlyMap<string, readonly string[]>, planned: ReadonlySet<string>, read: (f: string) => Promise<string | null>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of new Set([...definers.values()].flat())) {
    if (planned.has(f)) continue;
    const text = await read(f).catch(() => null);
    if (text !== null) out.set(f, text);
  }
  return out;
}
