// Which of the host files' test titles (JS/TS) or names (pytest functions and classes) are also
// written in another file of the repository at base_commit. A swapped canary pair (canary-swap.ts)
// needs its title to be its test's alone: a runner whose ids carry no file name reports another
// file's same-titled test under the same id (atkH13 #1), and a pytest class subclassed in another
// file runs the host's methods there too (atkH13 #5). Read from the commit with host git (never
// the patched tree: a patch that writes a title elsewhere cannot switch swaps off). Also which words
// of the hosts' expected strings the repository writes at base_commit: the vocabulary a word-level
// mutant draws on (canary-words.ts).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTests } from './canary-parse.ts';
import { findPythonTests } from './canary-python-parse.ts';
import { hostGit, type HostRepo } from '../workspace/host-git.ts';
import { letterRuns, type BaseWords } from './canary-words.ts';
import { valueText } from './canary-odds.ts';

/** Answers which of `names` occur in the base tree outside `hosts` (`words`: as whole words). Every name on failure. */
export type NamesElsewhere = (names: readonly string[], hosts: readonly string[], words: boolean) => Promise<Set<string>>;

/** Most names asked in one grep (a host file with more tests gets no swap for the rest). */
const MAX_NAMES = 2000;

/**
 * The NamesElsewhere of workspace `ws` at `commit`: one `git grep -a -F -o -h [-w] -f <names>
 * <commit> -- :(exclude)<host>…` through host git (its patterns file in fixbench's own git
 * directory). Resolves to the names found; to all of `names` when git fails or there are more
 * than MAX_NAMES (no swap is the safe side: its odds are recorded as such). Names holding a line
 * break are never asked (a pattern file is one name per line) and count as found.
 */
export function namesElsewhere(ws: HostRepo, commit: string): NamesElsewhere {
  return (names, hosts, words) => grepFixed(ws, commit, names, words ? ['-w'] : [], hosts, `canary-names-${words ? 'w' : 's'}`);
}

/** Answers which of `words` (lower case) a patch can read at base_commit (see {@link wordsAtBase}). */
export type WordsAtBase = (words: readonly string[]) => Promise<BaseWords>;

/**
 * The WordsAtBase of workspace `ws` at `commit`: `git grep -a -F -o -h -i [-w]` over the whole tree
 * at the commit (test files as they were before test.patch included: a patch can read them),
 * through host git: `whole`, the words found as whole words; `part`, found anywhere (inside a longer
 * word too). Lower case. All of `words` in both when git fails or there are more than MAX_NAMES
 * (every word then counts as one a patch can read).
 */
export function wordsAtBase(ws: HostRepo, commit: string): WordsAtBase {
  const lower = (s: Set<string>): Set<string> => new Set([...s].map((w) => w.toLowerCase()));
  return async (words) => ({
    whole: lower(await grepFixed(ws, commit, words, ['-w', '-i'], [], 'canary-words-w')),
    part: lower(await grepFixed(ws, commit, words, ['-i'], [], 'canary-words-s')),
  });
}

/** Answers how many times each of `values` is written, as a whole word, at base_commit outside `hosts`; null when that cannot be read. */
export type ValuesAtBase = (values: readonly string[], hosts: readonly string[]) => Promise<Map<string, number> | null>;

/**
 * The ValuesAtBase of workspace `ws` at `commit`: `git grep -a -F -o -h -w` over the tree at the
 * commit outside the hosts, through host git: each value's count of whole-word matches (a match
 * another asked value's longer match covers is not counted, within each grep of MAX_NAMES values).
 * Null when git fails or a value holds a line break: the caller then counts every pair a tell.
 */
export function valuesAtBase(ws: HostRepo, commit: string): ValuesAtBase {
  return async (values, hosts) => {
    const asked = [...new Set(values)].filter((v) => v !== '');
    if (asked.some((v) => /[\r\n]/.test(v))) return null;
    // in greps of MAX_NAMES patterns at most (a large test file's candidates: atkQ15 #4, the check was off)
    const counts = new Map<string, number>();
    for (let i = 0; i < asked.length; i += MAX_NAMES) {
      const part = await grepCounts(ws, commit, asked.slice(i, i + MAX_NAMES), ['-w'], hosts, 'canary-values');
      if (part === null) return null;
      for (const [k, n] of part) counts.set(k, (counts.get(k) ?? 0) + n);
    }
    return new Map(asked.map((v) => [v, counts.get(v) ?? 0]));
  };
}

/** The shared `git grep -F -o -h` of {@link namesElsewhere} and {@link wordsAtBase} (`flags` added, `hosts` excluded, patterns in `<gitDir>/<patternsName>`). */
async function grepFixed(ws: HostRepo, commit: string, names: readonly string[], flags: readonly string[], hosts: readonly string[], patternsName: string): Promise<Set<string>> {
  const asked = [...new Set(names)].filter((n) => n !== '' && !/[\r\n]/.test(n));
  const all = new Set(names);
  if (asked.length === 0) return new Set([...all].filter((n) => /[\r\n]/.test(n)));
  const fold = flags.includes('-i') ? (s: string): string => s.toLowerCase() : (s: string): string => s;
  const counts = await grepCounts(ws, commit, asked, flags, hosts, patternsName);
  if (counts === null) return all;
  return new Set([...all].filter((n) => counts.has(fold(n)) || /[\r\n]/.test(n)));
}

/** How many answers `grepCounts` remembers (a few per task a run grades). */
export const ELSEWHERE_CACHE_SIZE = 256;
const answers = new Map<string, Promise<ReadonlyMap<string, number>>>();

/**
 * One `git grep -a -F -o -h <flags> -f <patterns> <commit> -- . :(exclude)<host>…` through host git
 * (its patterns file in fixbench's own git directory): how many times each matched text was printed
 * (lower-cased under `-i`). Null when git fails or there are more than MAX_NAMES patterns. `asked`
 * holds no empty pattern and no line break.
 * The grep reads only `commit`'s tree (a content address: every workspace at that commit sees the
 * same files), so an answer is remembered per (commit, flags, hosts, patterns asked), for the last
 * `ELSEWHERE_CACHE_SIZE` questions, and shared by the attempts of one task (gold and noop, every
 * attempt: the same test.patch on the same base commit) and by concurrent askers; a failed grep
 * is not remembered (perf14). Each call resolves to a new Map.
 */
async function grepCounts(ws: HostRepo, commit: string, asked: readonly string[], flags: readonly string[], hosts: readonly string[], patternsName: string): Promise<Map<string, number> | null> {
  if (asked.length === 0) return new Map();
  if (asked.length > MAX_NAMES) return null;
  const key = JSON.stringify([commit, flags, [...hosts].sort(), [...asked].sort()]);
  let found = answers.get(key);
  if (found === undefined) {
    found = grepRaw(ws, commit, asked, flags, hosts, patternsName);
    if (answers.size >= ELSEWHERE_CACHE_SIZE) answers.delete(answers.keys().next().value!);
    answers.set(key, found);
    found.catch(() => { if (answers.get(key) === found) answers.delete(key); });
  }
  try {
    return new Map(await found);
  } catch {
    return null;
  }
}

/** The uncached grep of {@link grepCounts}; rejects when git fails. */
async function grepRaw(ws: HostRepo, commit: string, asked: readonly string[], flags: readonly string[], hosts: readonly string[], patternsName: string): Promise<ReadonlyMap<string, number>> {
  const patterns = join(ws.gitDir, patternsName);
  const fold = flags.includes('-i') ? (s: string): string => s.toLowerCase() : (s: string): string => s;
  await writeFile(patterns, `${asked.join('\n')}\n`);
  // -a, not -I: a .gitattributes in the patched work tree could mark files binary and hide them (atkI13 #7)
  const args = ['grep', '-a', '-F', '-o', '-h', ...flags, '-f', patterns, commit, '--', '.', ...hosts.map((h) => `:(exclude,literal)${h}`)];
  const out = await hostGit(ws).raw(args).catch((err: unknown) => {
    // git grep exits 1 when nothing matched (an error is 128)
    if (/^git grep exited with code 1$|^$/.test(String((err as Error)?.message ?? '').trim())) return '';
    throw err;
  });
  const counts = new Map<string, number>();
  for (const l of out.split('\n')) if (l !== '') counts.set(fold(l), (counts.get(fold(l)) ?? 0) + 1);
  return counts;
}

/** The words (letter runs, lower case) of the expected string literals of JS/TS host files and pytest host files: what {@link wordsAtBase} is asked. */
export function literalWords(hosts: ReadonlyMap<string, string>, python: boolean): string[] {
  const tests = (file: string, text: string): readonly { readonly literals: readonly { value: unknown }[] }[] => (python ? findPythonTests(text) : readTests(file, text)) ?? [];
  const lits = [...hosts].flatMap(([file, text]) => tests(file, text)).flatMap((t) => t.literals);
  return [...new Set(lits.flatMap((l) => (typeof l.value === 'string' ? letterRuns(l.value.toLowerCase()) : [])))];
}

/**
 * The values a must-fail mutant of a JS/TS host file can take whose standing with `valuesAtBase` the
 * planner checks before it draws (canary-echo.ts `DrawContext.documented`): every expected literal's
 * `valueText`, and every token (a run of letters, digits and `_`) the host files write, a one-token
 * value's substitutes. A value not among them counts as written nowhere.
 */
export function valueCandidates(hosts: ReadonlyMap<string, string>): string[] {
  const lits = [...hosts].flatMap(([file, text]) => (readTests(file, text) ?? []).flatMap((t) => t.literals.map((l) => valueText(text.slice(l.start, l.end)))));
  return [...new Set([...lits, ...[...hosts.values()].flatMap((t) => t.match(/[\p{L}\p{N}_]+/gu) ?? [])])];
}

/** The titles (as written between their quotes) of the tests and suites in JS/TS host files. */
export function jsTitles(hosts: ReadonlyMap<string, string>): string[] {
  return [...hosts].flatMap(([file, text]) => (readTests(file, text) ?? []).map((t) => text.slice(t.titleStart + 1, t.titleEnd - 1)));
}

/**
 * The test function names and their class names in pytest host files, and each host's module name
 * (`tests/test_calc.py` → `test_calc`): another file that imports the module (`from tests.test_calc
 * import *`) makes pytest collect its tests there too (atkI13 #2).
 */
export function pythonNames(hosts: ReadonlyMap<string, string>): string[] {
  return [...hosts].flatMap(([file, text]) => [pythonModuleName(file), ...(findPythonTests(text) ?? []).flatMap((t) => (t.cls ? [t.name, t.cls] : [t.name]))]);
}

/** A Python file's module name: its base name without `.py`. */
export function pythonModuleName(file: string): string {
  return file.replace(/^.*\//, '').replace(/\.py$/, '');
}
