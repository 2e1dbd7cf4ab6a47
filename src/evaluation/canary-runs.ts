// How many node:test processes must report each listed test (DESIGN.md §11 rule 3). node's reports
// name no file, so a listed id two test files run is one id with two results (parse/types.ts
// `testCount`). A wrong patch that stops one of them — an ESM twin whose suite body it keeps from
// running (atkH21 A3), or one of two test files loading a module of shared cases that it makes exit
// at load (atkI21 A) — leaves the other's pass to answer the id. So the grading knows, from
// base_commit's text, every test file node runs that runs a file defining the id (the file itself,
// and each test file loading it through relative imports), and an id reported fewer times than that
// did not run everywhere it must: ERROR (`shortOfRuns`). The host only reads text here.
import { basename, extname, dirname } from 'node:path';
import { candidatesOf, RELATIVE } from './canary-own-name-imports.ts';
import type { FilesAtBase } from './canary-listed-hosts.ts';
import { testCount, type TestResults } from './parse/index.ts';
import { sweBenchKey } from '../core/swe-ids.ts';

const JS = /\.[cm]?[jt]sx?$/;
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
 * each test file node runs that reaches it through relative imports (`import`, `require`, followed
 * up from module to module to MAX_LOADER_DEPTH levels; candidates are `known` and the files at
 * base_commit writing the module's stem, at most MAX_LOADER_READS read). A test file counts once
 * however many definers it reaches: node loads a module once per process. Ids whose definers no
 * test file runs are left out. Missing a loader (beyond the caps, an import built at run time)
 * asks fewer runs, never more.
 */
export async function runnersOf(definers: ReadonlyMap<string, readonly string[]>, ctx: RunsContext): Promise<Map<string, string[]>> {
  const reach = new Map<string, Set<string>>(); // module → the defining files it loads (itself included)
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
      const loaded = [...text.matchAll(RELATIVE)].flatMap((m) => candidatesOf(c, m[2]!)).filter((m) => level.has(m) && m !== c);
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

/**
 * Sets ERROR in `rest` (the task's results, canaries removed) for every listed id of `runs` (listed
 * id → the test files node runs that run it, `runnersOf`) that `parsed` (the run's results, with
 * their counts) reports fewer times than it has runners: some of those files did not run it. An id
 * absent from the results is left to the grade (a missing listed test). Returns one line per such id
 * for the test output.
 */
export function shortOfRuns(parsed: TestResults, rest: TestResults, runs: ReadonlyMap<string, readonly string[]>): string[] {
  const lines: string[] = [];
  for (const [id, files] of runs) {
    const keys = [...new Set([id, sweBenchKey(id)])].filter((k) => rest.has(k));
    if (keys.length === 0) continue;
    const seen = Math.max(...keys.map((k) => testCount(parsed, k)));
    if (seen >= files.length) continue;
    for (const k of keys) rest.set(k, 'ERROR');
    lines.push(`${JSON.stringify(id)} was reported ${seen} time${seen === 1 ? '' : 's'}, but ${files.length} test files node runs run it (${files.join(', ')}): ERROR, as one of them did not run it`);
  }
  return lines;
}
