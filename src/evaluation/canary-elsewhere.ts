// Which of the host files' test titles (JS/TS) or names (pytest functions and classes) are also
// written in another file of the repository at base_commit. A swapped canary pair (canary-swap.ts)
// needs its title to be its test's alone: a runner whose ids carry no file name reports another
// file's same-titled test under the same id (atkH13 #1), and a pytest class subclassed in another
// file runs the host's methods there too (atkH13 #5). Read from the commit with host git (never
// the patched tree: a patch that writes a title elsewhere cannot switch swaps off).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findTests } from './canary-parse.ts';
import { findPythonTests } from './canary-python-parse.ts';
import { hostGit, type HostRepo } from '../workspace/host-git.ts';

/** Answers which of `names` occur in the base tree outside `hosts` (`words`: as whole words). Every name on failure. */
export type NamesElsewhere = (names: readonly string[], hosts: readonly string[], words: boolean) => Promise<Set<string>>;

/** Most names asked in one grep (a host file with more tests gets no swap for the rest). */
const MAX_NAMES = 2000;

/** How many answers `namesElsewhere` remembers (one per task and name kind a run grades). */
export const ELSEWHERE_CACHE_SIZE = 256;
const answers = new Map<string, Promise<ReadonlySet<string>>>();

/**
 * The NamesElsewhere of workspace `ws` at `commit`: one `git grep -a -F -o -h [-w] -f <names>
 * <commit> -- :(exclude)<host>…` through host git (its patterns file in fixbench's own git
 * directory). Resolves to the names found; to all of `names` when git fails or there are more
 * than MAX_NAMES (no swap is the safe side: its odds are recorded as such). Names holding a line
 * break are never asked (a pattern file is one name per line) and count as found.
 * The grep reads only `commit`'s tree (a content address: every workspace at that commit sees the
 * same files), so a found set is remembered per (commit, words, hosts, names asked), for the last
 * `ELSEWHERE_CACHE_SIZE` questions, and shared by the attempts of one task (gold and noop, every
 * attempt: the same test.patch on the same base commit) and by concurrent askers; a failed grep
 * is not remembered. Each call resolves to a new Set.
 */
export function namesElsewhere(ws: HostRepo, commit: string): NamesElsewhere {
  return async (names, hosts, words) => {
    const asked = [...new Set(names)].filter((n) => n !== '' && !/[\r\n]/.test(n));
    const all = new Set(names);
    if (asked.length === 0) return new Set([...all].filter((n) => /[\r\n]/.test(n)));
    if (asked.length > MAX_NAMES) return all;
    const key = JSON.stringify([commit, words, [...hosts].sort(), [...asked].sort()]);
    let found = answers.get(key);
    if (found === undefined) {
      found = grepNames(ws, commit, asked, hosts, words);
      if (answers.size >= ELSEWHERE_CACHE_SIZE) answers.delete(answers.keys().next().value!);
      answers.set(key, found);
      found.catch(() => { if (answers.get(key) === found) answers.delete(key); });
    }
    try {
      const f = await found;
      return new Set([...all].filter((n) => f.has(n) || /[\r\n]/.test(n)));
    } catch {
      return all;
    }
  };
}

/** The lines `git grep -o` prints for `asked` in `commit` outside `hosts` (see namesElsewhere); rejects when git fails. */
async function grepNames(ws: HostRepo, commit: string, asked: readonly string[], hosts: readonly string[], words: boolean): Promise<ReadonlySet<string>> {
  const patterns = join(ws.gitDir, `canary-names-${words ? 'w' : 's'}`);
  await writeFile(patterns, `${asked.join('\n')}\n`);
  // -a, not -I: a .gitattributes in the patched work tree could mark files binary and hide them (atkI13 #7)
  const args = ['grep', '-a', '-F', '-o', '-h', ...(words ? ['-w'] : []), '-f', patterns, commit, '--', '.', ...hosts.map((h) => `:(exclude,literal)${h}`)];
  const out = await hostGit(ws).raw(args).catch((err: unknown) => {
    // git grep exits 1 when nothing matched (an error is 128)
    if (/^git grep exited with code 1$|^$/.test(String((err as Error)?.message ?? '').trim())) return '';
    throw err;
  });
  return new Set(out.split('\n').filter((l) => l !== ''));
}

/** The titles (as written between their quotes) of the tests and suites in JS/TS host files. */
export function jsTitles(hosts: ReadonlyMap<string, string>): string[] {
  return [...hosts].flatMap(([file, text]) => (findTests(file, text) ?? []).map((t) => text.slice(t.titleStart + 1, t.titleEnd - 1)));
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
