// Swapped canary pairs (canary.ts, canary-python.ts): for a must-fail copy, the planner flips a coin
// and, on heads, writes the mutant under the original test's title and the original under the new
// title. A patch that knows a failing test's title (at base_commit, or from the problem statement)
// and forges exactly that title's result then forges the mutant half the time (`tampered`), and
// the original's real result stays where the grader reads it. The grader undoes the swap on the
// parsed results before anything else reads them, so every later step (canary check, second
// channel, aliases, grade) sees the pair as if unswapped: original under its title, mutant under
// the copy's.
import { copyResult, ID_SEPARATOR, type TestResults } from './parse/index.ts';

/**
 * Two spellings of one repository file: equal, or both paths with folders and one a `/`-bounded
 * tail of the other (a runner rooted in a package folder). A bare name (`add.test.js`) matches only
 * itself: a suite may be titled so (atkK13 #1).
 */
const sameFile = (a: string, b: string): boolean => a === b || (a.includes('/') && b.includes('/') && (a.endsWith(`/${b}`) || b.endsWith(`/${a}`)));

/**
 * Whether the runner's ids begin with their test file (`file > suite > title`: pytest, jest and
 * vitest JSON, mocha JSON…) rather than with suite titles (node:test, TAP, jasmine): read from the
 * task's own listed ids (FAIL_TO_PASS and PASS_TO_PASS, which gold's results answer), never from a
 * run's results, which code under test can add to (atkH13 #3: a suite named like the test file),
 * nor from how a first part looks (atkI13 #1: `describe('GET /add')`).
 */
export function listedIdsNameFiles(listed: readonly string[], hosts: Iterable<string>): boolean {
  const files = [...hosts];
  // the first part in any spelling of the host (a runner rooted in a package folder: atkJ13 #4)
  const first = (id: string): string => id.split(ID_SEPARATOR, 1)[0]!.split('::', 1)[0]!;
  return listed.some((id) => files.some((f) => sameFile(first(id), f)));
}

/**
 * The plan's `namedIds`, or, when the task lists no ids yet (null: `tasks create` finding the lists
 * from the fix's own run, no model's code), whether some result id begins with a host file.
 */
export function namedIdsOf(plan: { namedIds: boolean | null; texts: ReadonlyMap<string, string> }, results: TestResults): boolean {
  if (plan.namedIds !== null) return plan.namedIds;
  return [...results.keys()].some((id) => [...plan.texts.keys()].some((f) => id.startsWith(`${f}${ID_SEPARATOR}`)));
}

/**
 * Whether result `id` may be a test of host file `file`: any id when the runner's ids carry no file
 * (`named` false: a suite title comes first, whatever it looks like); else only an id whose first
 * ` > ` part is that file (in any spelling `sameFile` accepts). Decided from the task, never from
 * which other ids the results hold: results that code under test registers count beside the
 * runner's own, as twins, never instead of them.
 */
export function inHostFile(id: string, file: string, named: boolean): boolean {
  if (!named) return true;
  const at = id.indexOf(ID_SEPARATOR);
  return sameFile(at < 0 ? id : id.slice(0, at), file);
}

/** One swapped pair of a host file: `a`, the original's id tail (the mutant runs under it); `b`, the copy's (the original runs under it). Id tails as `tailOfTest` spells them. */
export interface CanarySwap {
  file: string;
  a: string;
  b: string;
}

/**
 * Whether a title can take part in a swap: the grader finds it in both result channels by plain
 * string search, so it holds nothing a report escapes or a parser reads as structure (quotes,
 * backslashes, `&`, control characters, `#`, brackets, `>`), and no blank at an end.
 */
export function swappableTitle(title: string): boolean {
  return title !== '' && title === title.trim() && !/["'\\&#[\]<>`\u0000-\u001f\u007f]/.test(title);
}

/** What a patch could read before the run that a swapped pair's changed value must not be: the hosts' lines before test.patch (trimmed), the lines test.patch removes from the pair's file, and the problem statement. */
export interface ReadableBefore {
  lines: ReadonlySet<string>;
  removed: string;
  statement?: string;
}

/**
 * Whether the expected literal `source` on `line` (a line test.patch adds) is a value a patch could
 * not read before the run, so a swapped pair of a test whose title it knows still hides which twin
 * is the mutant: the line (trimmed) is nowhere in the hosts before test.patch (not a copied or
 * moved line), and `source` is on none of the lines test.patch removes from the file (a value it
 * kept while changing the line, `[1]` → `[1, 'ms']`, would tell the original by matching them) nor
 * in the problem statement (a statement that gives the expected value tells the original outright).
 */
export function valueIsNew(line: string, source: string, before: ReadableBefore): boolean {
  const value = /^(['"`])(.*)\1$/s.exec(source)?.[2] ?? source;
  return !before.lines.has(line.trim()) && !before.removed.includes(source) && !(value.trim() !== '' && before.statement?.includes(value));
}

/**
 * The expected literals of a test (`literals`, offsets into `text`, the host file as test.patch
 * left it) a must-fail copy may change so that its pair hides which twin is the copy: any when the
 * patch cannot know the title (test.patch brought the test); when it can, only in a swappable pair
 * and only values test.patch wrote (a line it adds, `added`: 1-based line numbers, checked by
 * `valueIsNew` against `before` when given); none otherwise.
 */
export function hidingLiterals<L extends { start: number; end: number }>(literals: readonly L[], text: string, o: { known: boolean; swappable: boolean; added: ReadonlySet<number>; before?: ReadableBefore }): L[] {
  if (!o.known) return [...literals];
  if (!o.swappable) return [];
  return literals.filter((l) => {
    const from = text.lastIndexOf('\n', l.start - 1) + 1;
    const to = text.indexOf('\n', l.start);
    const line = text.slice(from, to < 0 ? text.length : to);
    return o.added.has(text.slice(0, l.start).split('\n').length) && (!o.before || valueIsNew(line, text.slice(l.start, l.end), o.before));
  });
}

/**
 * The position in `id` where `tail` stands as the whole test id: right after a first part naming
 * the host `file`, or (unless the runner's ids begin with their file, `named`) at the start; followed by nothing, by a child's ` > …`, by pytest
 * parameter ids `[…]` or by a duplicate suffix (` #2`); -1 when it does not (a tail after some
 * other suite's parts is another test's).
 */
function tailAt(id: string, tail: string, named: boolean, file: string): number {
  const at = id.indexOf(ID_SEPARATOR);
  // right after the host's own file part, whatever the listed ids' form says (mocha full titles listed, file-first ids: atkJ13 #1)
  const afterFile = at > 0 && sameFile(id.slice(0, at), file) ? [at + ID_SEPARATOR.length] : [];
  for (const i of named ? afterFile : [0, ...afterFile]) {
    if (!id.startsWith(tail, i)) continue;
    const rest = id.slice(i + tail.length);
    if (rest === '' || rest.startsWith(ID_SEPARATOR) || (rest.startsWith('[') && rest.endsWith(']')) || /^ #\d+$/.test(rest)) return i;
  }
  return -1;
}

/**
 * `results` with each swapped pair's ids exchanged (`a` ↔ `b`, keeping what precedes and follows
 * the tail: the file part, a child test's parts, parameter ids, a duplicate suffix; each id keeps its `testCount`), in every id
 * that may be the pair's file's (`inHostFile`; `named`: the plan's `namedIds`). A bijection on ids: a result reported twice stays
 * twice (the canary check then sees the twin). Pure; returns a new map in the same order.
 */
export function unswapResults(swaps: readonly CanarySwap[], results: TestResults, named: boolean): TestResults {
  if (swaps.length === 0) return results;
  const out: TestResults = new Map();
  // each id keeps how many tests were recorded under it and whether its failure is inherited (the channels' comparison reads both)
  for (const id of results.keys()) copyResult(results, id, out, swapId(swaps, id, named));
  return out;
}

/** `id` with the first swap that matches it applied (see `unswapResults`). */
function swapId(swaps: readonly CanarySwap[], id: string, named: boolean): string {
  for (const s of swaps) {
    if (!inHostFile(id, s.file, named)) continue;
    for (const [x, y] of [[s.a, s.b], [s.b, s.a]] as const) {
      const i = tailAt(id, x, named, s.file);
      if (i >= 0) return `${id.slice(0, i)}${y}${id.slice(i + x.length)}`;
    }
  }
  return id;
}
