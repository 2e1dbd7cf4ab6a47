// Canary hosts beyond test.patch's files (DESIGN.md §11 rule 3): grading counts only the listed
// tests (FAIL_TO_PASS ∪ PASS_TO_PASS), so every test file holding one gets canaries, not only the
// files test.patch touches (atkC18 #7: a PASS_TO_PASS test in a file test.patch leaves alone ran in
// a child process without a must-fail test beside it, and a flipper of base-identical files
// resolved a wrong patch). A listed id that names its file (`test/a.spec.js > s > t`, pytest's
// `tests/test_a.py::test_t`) gives that file; one that does not (node:test's `suite > title`) gives
// the files at base_commit that write its last title (host git, never the patched tree's listing),
// kept only when a test parsed from the file's text in the workspace has that very id. The host
// only reads text here: nothing is run.
import { writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { hostGit, type HostRepo } from '../workspace/host-git.ts';
import { gitBlobId } from './nofollow-fs.ts';
import { readTests } from './canary-parse.ts';
import { loadedByHost, NO_CANARY, REGISTERING_CALL } from './canary-host.ts';
import type { Unhooked } from './canary-hook.ts';
import { loadsTypeScript, nodeRunsAsTest } from './node-test-files.ts';
import { pythonListed } from './canary-listed-python.ts';
import { NOT_UTF8, NotUtf8Error, utf8Text } from './host-text.ts';
import { readSmallBytes } from './report-file.ts';
import { ID_SEPARATOR } from './parse/index.ts';

/** Answers which files of the tree at base_commit write one of `texts` (fixed strings); null when that cannot be read. */
export type FilesAtBase = (texts: readonly string[]) => Promise<string[] | null>;

/** Most patterns in one `git grep` (as canary-elsewhere.ts). */
const MAX_PATTERNS = 2000;
/**
 * Most files added as hosts beyond test.patch's, and most bytes they may hold together: each host is
 * parsed, mutated and run with its canaries, so a task listing tests from hundreds of files would
 * slow every grading run; 24 files of up to 4 MiB in all covers every bundled task many times over.
 * A listed test beyond the caps gets no canary, and says so (an `unhooked` note ending in NO_CANARY:
 * `tasks validate` warns).
 */
export const MAX_EXTRA_HOSTS = 24;
export const MAX_EXTRA_BYTES = 4 * 1024 * 1024;
/** Most candidate files (found by title at base_commit) the runner runs read and parsed per run, and apart most others read: a common title ("works") may be written in many files. */
export const MAX_CANDIDATES = 96;

/** How many answers `filesAtBase` remembers (one or two per task a run grades). */
export const FILES_AT_BASE_CACHE_SIZE = 256;
const filesAnswers = new Map<string, Promise<string[] | null>>();

/**
 * The FilesAtBase of workspace `ws` at `commit`: `git grep -a -l -F -f <patterns> <commit> -- .`
 * through host git (its patterns file in fixbench's own git directory), in greps of MAX_PATTERNS;
 * repository-relative paths, sorted. Texts holding a line break are not asked. Null when git fails
 * or its patterns file cannot be written. The grep reads only `commit`'s tree (a content address),
 * so an answer is remembered per (commit, texts asked) for the last FILES_AT_BASE_CACHE_SIZE
 * questions and shared by every grading of the task (as canary-elsewhere.ts `grepCounts`); a null
 * answer is not remembered. Each call resolves to a new array.
 */
export function filesAtBase(ws: HostRepo, commit: string): FilesAtBase {
  return async (texts) => {
    const asked = [...new Set(texts)].filter((t) => t !== '' && !/[\r\n]/.test(t)).sort();
    const key = JSON.stringify([commit, asked]);
    let found = filesAnswers.get(key);
    if (found === undefined) {
      found = grepFiles(ws, commit, asked);
      if (filesAnswers.size >= FILES_AT_BASE_CACHE_SIZE) filesAnswers.delete(filesAnswers.keys().next().value!);
      filesAnswers.set(key, found);
      void found.then((r) => { if (r === null && filesAnswers.get(key) === found) filesAnswers.delete(key); });
    }
    const r = await found;
    return r === null ? null : [...r];
  };
}

/** The uncached greps of {@link filesAtBase}. */
async function grepFiles(ws: HostRepo, commit: string, asked: readonly string[]): Promise<string[] | null> {
  const found = new Set<string>();
  const patterns = join(ws.gitDir, 'canary-listed-files');
  for (let i = 0; i < asked.length; i += MAX_PATTERNS) {
    if (!(await writeFile(patterns, `${asked.slice(i, i + MAX_PATTERNS).join('\n')}\n`).then(() => true, () => false))) return null;
    // -a, not -I: a .gitattributes could mark files binary (atkI13 #7); git grep exits 1 when nothing matched
    const out = await hostGit(ws).raw(['grep', '-a', '-l', '-F', '-f', patterns, commit, '--', '.']).catch((err: unknown) => {
      if (/^git grep exited with code 1$|^$/.test(String((err as Error)?.message ?? '').trim())) return '';
      return null;
    });
    if (out === null) return null;
    for (const l of out.split('\n')) if (l.startsWith(`${commit}:`)) found.add(l.slice(commit.length + 1));
  }
  return [...found].sort();
}

/** A candidate host's text as base_commit has it, given the workspace's (null: a link, a folder or a file over 4 MiB there; see {@link baseTextOf}); null: not a host. */
export type BaseText = ((file: string, workspace: string | null) => Promise<string | null>) & {
  /** Whether base_commit's tree holds `file` (absent: unknown, every file may be read). */
  inBase?: (file: string) => boolean;
};

/** Largest base blob read as a host's text, bytes (as integrity.ts reads the workspace's). */
const MAX_BASE_BYTES = 4 * 1024 * 1024;

/**
 * The BaseText of workspace `ws` whose base_commit tree is `tree` (protected-files.ts
 * `Protection.base`: repository-relative path → mode and blob id). The workspace's text when its
 * blob id is the base entry's (no git run: the usual case, test files being protected); else the
 * base blob's text (`git cat-file blob`, host git), so an edit of the patch's to a file holding a
 * listed test that no test-file glob protects neither hides the test from the parse (a computed
 * title) nor survives: the file is planned on and written as base_commit's text with the canaries
 * in, as a protected test file would be; so is a base file the patch made a link, a folder or a
 * file over 4 MiB (`workspace` null: writing the plan over a link or a folder then fails, and the
 * attempt is `tampered`). The workspace's text for a path not in the tree (added by setup or the patch). Null for a base entry that is not a regular file, a blob over 4 MiB, or when
 * git fails. Throws NotUtf8Error (host-text.ts) when the text to give is not UTF-8 (the base blob; for a path not in the
 * tree, the workspace file's bytes when its text holds U+FFFD): such a file is never planned on (atkA20 #2).
 * Its `inBase` tells whether the tree holds a file.
 */
export function baseTextOf(ws: HostRepo, tree: ReadonlyMap<string, { mode: string; id: string }>): BaseText {
  const text: BaseText = async (file, workspace) => {
    const entry = tree.get(file);
    if (!entry) {
      // the workspace's text came through a lossy read: U+FFFD may stand for bytes that are not UTF-8
      if (workspace?.includes('\uFFFD')) {
        const bytes = await readSmallBytes(ws.dir, file, MAX_BASE_BYTES);
        if (bytes !== null && utf8Text(bytes) === null) throw new NotUtf8Error(file);
      }
      return workspace;
    }
    if (entry.mode !== '100644' && entry.mode !== '100755') return null;
    if (workspace !== null && gitBlobId(Buffer.from(workspace, 'utf8')) === entry.id) return workspace;
    const blob = await hostGit(ws).bytes(['cat-file', 'blob', entry.id]).catch(() => null);
    if (blob === null || blob.length > MAX_BASE_BYTES) return null;
    const text = utf8Text(blob);
    if (text === null) throw new NotUtf8Error(file);
    return text;
  };
  text.inBase = (file) => tree.has(file);
  return text;
}

/** What listedHosts reads. */
export interface ListedContext {
  /** FAIL_TO_PASS ∪ PASS_TO_PASS. */
  listed: readonly string[];
  /** The task's runner (canary.ts inferRunner); `mocha` joins suite titles and title by a space. */
  runner: string | null;
  testCmd: string;
  /** A workspace file's text (readSmallFile: no link followed), null when absent, linked or too large; may throw NotUtf8Error (host-text.ts): the file is then no host, and its listed tests' notes say why. */
  read: (file: string) => Promise<string | null>;
  /** Files at base_commit by text; absent (tests, `tasks lint`): only ids naming their file count. */
  filesAt?: FilesAtBase;
  /** pytest: ids name `.py` files pytest collects (`test_*.py`, `*_test.py`). */
  python?: boolean;
}

/** The hosts to add (file → text as read) and the listed tests left without canary (one note per file, or per unfound test). */
export interface ListedHosts {
  hosts: Map<string, string>;
  unhooked: Unhooked[];
  /** Listed id → the added hosts holding it (ids a known host holds left out): reported while every one of them went silent, it came from elsewhere (canary-check.ts). */
  owners: Map<string, string[]>;
  /** node:test only (its ids name no file): listed id → every host node runs, known or added, holding it; one of them silent, the id did not run there (canary-check.ts). Empty for other runners. */
  holders: Map<string, string[]>;
  /** node:test only: listed id → every host holding it, known or added, whether node runs it as a test file or not (a module of shared cases: canary-runs.ts). Empty for other runners. */
  definers: Map<string, string[]>;
}

const JS_EXT = /\.[cm]?[jt]sx?$/;
/** The `file` of a note whose test's file is not known. */
export const UNFOUND = '(listed tests)';
const UNREADABLE = 'not readable in the workspace (absent, a link, or over 4 MiB)';
const NOT_PARSED = 'no test fixbench parses there has this id (a table loop or a computed title)';
const CAPPED = `over the cap of ${MAX_EXTRA_HOSTS} extra canary files (${MAX_EXTRA_BYTES / 1024 / 1024} MiB in all)`;
const firstPart = (id: string): string => id.split(ID_SEPARATOR, 1)[0]!.split('::', 1)[0]!;

/**
 * The ids a parsed JS/TS test is reported under, bare and after the file: suites and title joined by
 * ` > `; for mocha also its JSON's (parse/mocha-json.ts: the suites joined by a space as one part, then
 * the title) and its full title (all joined by a space).
 */
function idsOf(file: string, text: string, runner: string | null): Set<string> {
  const out = new Set<string>();
  for (const t of readTests(file, text) ?? []) {
    const mocha = runner === 'mocha' ? [[t.suites.join(' '), t.title].filter((p) => p !== '').join(ID_SEPARATOR), [...t.suites, t.title].join(' ')] : [];
    const joined = [[...t.suites, t.title].join(ID_SEPARATOR), ...mocha];
    for (const j of joined) out.add(j).add(`${file}${ID_SEPARATOR}${j}`);
  }
  return out;
}

/**
 * The test files beyond `known` (test.patch's hosts: file → text) that hold a listed test, within
 * MAX_EXTRA_HOSTS / MAX_EXTRA_BYTES, read through `ctx.read`: for an id whose first part (before
 * ` > ` or `::`) is a JS/TS file (pytest: a `.py` file pytest collects), that file when it exists (JS/TS:
 * and a test parsed from it has the id; a JS/TS path with a folder that does not exist, as a runner
 * rooted in a package folder writes it, is searched by title below, kept in files whose path ends in
 * it and whose parsed test has the rest of the id); for any other id, the files at base_commit writing its last
 * ` > ` part (`ctx.filesAt`, at most MAX_CANDIDATES read) of which a parsed test has the id, and for
 * node:test only files node runs as tests (nodeRunsAsTest). An id naming no file is searched so even
 * when a known host holds it (two files' tests of one id are graded as one); an id naming a file a
 * known host is, or held by one, needs none; no note for one a known host holds, or whose title only
 * known hosts write (a table loop there). A listed id no host holds, by the caps, an unreadable file or
 * a title fixbench cannot parse (a table loop, a computed title), is an `unhooked` note ending in
 * NO_CANARY, so it is never silent. A file `ctx.read` finds not UTF-8 text is no host, and its notes say so (NOT_UTF8).
 */
export async function listedHosts(known: ReadonlyMap<string, string>, ctx: ListedContext): Promise<ListedHosts> {
  const notUtf8 = new Set<string>();
  const { read } = ctx;
  ctx = { ...ctx, read: (f) => read(f).catch((err: unknown) => { if (!(err instanceof NotUtf8Error)) throw err; notUtf8.add(f); return null; }) };
  const held = new Set<string>();
  const python = ctx.python === true;
  if (!python) for (const [f, t] of known) for (const id of idsOf(f, t, ctx.runner)) held.add(id);
  const open = [...new Set(ctx.listed)].filter((id) => python || !known.has(firstPart(id)));
  const hosts = new Map<string, string>();
  const why = new Map<string, { file: string; reason: string }>(); // id → where and why no host holds it
  let bytes = 0;
  const room = (text: string): boolean => hosts.size < MAX_EXTRA_HOSTS && bytes + Buffer.byteLength(text) <= MAX_EXTRA_BYTES;
  const add = (file: string, text: string): void => { hosts.set(file, text); bytes += Buffer.byteLength(text); };
  const owners = new Map<string, Set<string>>(); // listed id → the added hosts holding it
  const own = (file: string, id: string): void => { owners.set(id, (owners.get(id) ?? new Set()).add(file)); };
  const take = (file: string, text: string, id: string): void => {
    if (!hosts.has(file)) {
      if (room(text)) add(file, text);
      else why.set(id, { file, reason: CAPPED });
    }
    if (hosts.has(file)) own(file, id);
  };
  const ts = loadsTypeScript(ctx.testCmd);
  const named = (f: string): boolean => (python ? extname(f) === '.py' && /^test_.*\.py$|_test\.py$/.test(basename(f)) : JS_EXT.test(f));
  // ids searched by title: `want`, the id a parsed test must have; `tail`, the file a candidate's path must end in (a runner rooted in a package folder), or null;
  // `covered`, a known host holds it (an id naming no file is searched all the same: another file may hold a test of the same id, graded as one, atkA19 #3)
  // `missing`, why no file is found when none is (JS: the root file's, when the id's path is one there)
  const shared = new Map<string, string[]>(); // node:test: listed id → files node does not run that hold it
  const byTitle: { id: string; want: string; tail: string | null; covered: boolean; missing?: string }[] = [];
  const pytestIds: string[] = [];
  // test.patch's files whose path ends in `tail` and that hold `want`: they cover the id (no note) and are its owners beside any file found by the tail
  const knownTail = (tail: string, want: string): string[] => [...known].filter(([k, t]) => (k === tail || k.endsWith(`/${tail}`)) && idsOf(k, t, ctx.runner).has(want)).map(([k]) => k);
  // an id naming a known file with a folder may still be a package's (`cd packages/x && vitest`: atkD21 F): files at base_commit ending in its path are searched too
  if (!python) {
    for (const id of new Set(ctx.listed)) {
      const f = firstPart(id);
      if (f === id || !known.has(f) || !f.includes('/') || !named(f)) continue;
      const want = id.slice(f.length + ID_SEPARATOR.length);
      byTitle.push({ id, want, tail: f, covered: true });
      for (const k of knownTail(f, want)) own(k, id);
      if (idsOf(f, known.get(f)!, ctx.runner).has(id)) own(f, id);
    }
  }
  for (const id of open) {
    const f = firstPart(id);
    if (f === id || !named(f)) {
      if (python) why.set(id, { file: UNFOUND, reason: 'its id names no file pytest collects' });
      else byTitle.push({ id, want: id, tail: null, covered: held.has(id) });
      continue;
    }
    if (python) { pytestIds.push(id); continue; }
    if (held.has(id)) continue;
    const text = hosts.get(f) ?? (await ctx.read(f));
    // a path with a folder may be a package's (`cd packages/x && vitest`): files at base_commit ending in it are searched too, even when the root's holds the id (atkA20 #4)
    const tail = f.includes('/') ? { id, want: id.slice(f.length + ID_SEPARATOR.length), tail: f } : null;
    const holds = text !== null && idsOf(f, text, ctx.runner).has(id);
    const coveredBy = tail ? knownTail(tail.tail, tail.want) : [];
    for (const k of coveredBy) own(k, id);
    if (tail) byTitle.push({ ...tail, covered: holds || coveredBy.length > 0, missing: text === null ? UNREADABLE : NOT_PARSED });
    if (text === null && !tail) { why.set(id, { file: f, reason: UNREADABLE }); continue; }
    if (!holds) { if (text !== null && !tail) why.set(id, { file: f, reason: NOT_PARSED }); continue; }
    take(f, text, id);
  }
  if (pytestIds.length) {
    const py = await pythonListed(pytestIds, known, ctx);
    for (const [id, w] of py.why) why.set(id, w);
    // a known holder is a host already: it only joins the id's owners (its silence is then the id's only with every other holder's)
    for (const [f, held] of py.found) for (const id of held) { if (known.has(f)) own(f, id); else take(f, py.texts.get(f)!, id); }
  }
  if (byTitle.length) {
    const last = (id: string): string => id.split(ID_SEPARATOR).at(-1)!;
    const files = ctx.filesAt ? await ctx.filesAt(byTitle.map((b) => last(b.want))) : [];
    if (files === null) for (const b of byTitle.filter((x) => !x.covered)) why.set(b.id, { file: b.tail ?? UNFOUND, reason: 'the files at base_commit could not be searched for its title' });
    const texts = new Map<string, string>(); // candidates the runner runs
    const read = new Map<string, string>(); // every candidate read
    // the cap applies to the files the runner runs and, apart, to the others (read only to tell a title written elsewhere), so source files writing a common title cannot crowd out its holder
    const js = (files ?? []).filter((f) => JS_EXT.test(f) && !known.has(f));
    const runs = (f: string): boolean => ctx.runner !== 'node:test' || nodeRunsAsTest(f, ctx.testCmd, ts);
    for (const run of [true, false]) {
      for (const f of js.filter((x) => runs(x) === run).slice(0, MAX_CANDIDATES)) {
        const text = hosts.get(f) ?? (await ctx.read(f));
        if (text !== null) read.set(f, text);
        if (text !== null && run) texts.set(f, text);
      }
    }
    // parsed holders first, so files that only write a listed title cannot use up the caps (atkC19 #4)
    const pending: { id: string; want: string; covered: boolean }[] = [];
    for (const { id, want, tail, covered, missing } of byTitle) {
      if (files === null) break;
      // node:test: a module node does not run as a test file that holds the id (shared cases test files load), parsed or registering tests and
      // writing each of its titles in quotes (cases inside a function a loader calls: atkA22 #4), is run by its loaders (canary-runs.ts)
      if (ctx.runner === 'node:test') for (const [f, t] of read) if (!texts.has(f) && (tail === null || f.endsWith(`/${tail}`)) && (idsOf(f, t, ctx.runner).has(want) || writesTitles(t, want))) shared.set(id, [...(shared.get(id) ?? []), f]);
      const holders = [...texts].filter(([f, t]) => (tail === null || f.endsWith(`/${tail}`)) && idsOf(f, t, ctx.runner).has(want));
      if (holders.length === 0 && tail === null) { pending.push({ id, want, covered }); continue; }
      if (holders.length === 0) { if (!covered) why.set(id, { file: tail!, reason: `${missing}, and no file at base_commit whose path ends in it holds a test fixbench parses with this id` }); continue; }
      for (const [f, t] of holders) take(f, t, id);
    }
    // no parsed test has the id: a file the runner runs that writes its title in quotes (a table loop there) is a host all the same, even
    // when a known host holds the id too (planCanaries gives it copies of its own tests, else the synthetic pair: atkB19 #2); only a file
    // that registers tests itself and no candidate loads (a table of titles is data: canaries there would run in every file loading it, atkC19 #2)
    const all = new Map([...known, ...read]);
    for (const { id, want, covered } of pending) {
      const title = last(want);
      const writers = [...texts].filter(([f, t]) => ['\'', '"', '`'].some((q) => t.includes(`${q}${title}${q}`)) && REGISTERING_CALL.test(t) && !loadedByHost(f, all));
      if (writers.length === 0) {
        if (covered) continue;
        // a title written only in known hosts (a table loop there): that file has canaries already; written in another file too, it may be that file's (atkA19 #2)
        const elsewhere = [...read.values()].some((t) => t.includes(title));
        if (elsewhere || ![...known.values()].some((t) => t.includes(title))) why.set(id, { file: UNFOUND, reason: `no file at base_commit that ${ctx.runner === 'node:test' ? 'node runs as a test file and ' : ''}writes a test fixbench parses with this id (a table loop, a computed title${ctx.runner === 'node:test' ? ', or a file fixbench does not take for one node runs' : ''})` });
        continue;
      }
      // outside node:test a writer holds canaries only when it calls a registering function by name (canary-host.ts): said, unless a known host holds the id
      if (!covered && ctx.runner !== 'node:test') why.set(id, { file: writers[0]![0], reason: 'no test fixbench parses has this id; the file writing its title holds canaries only if it registers tests by a name fixbench knows' });
      for (const [f, t] of writers) take(f, t, id);
    }
  }
  for (const [id, w] of why) if (notUtf8.has(w.file)) why.set(id, { file: w.file, reason: NOT_UTF8 });
  const holders = new Map<string, string[]>(), definers = new Map<string, string[]>();
  if (ctx.runner === 'node:test') {
    const listed = new Set(ctx.listed);
    const all = new Map<string, Set<string>>([...owners].map(([id, files]) => [id, new Set(files)]));
    // definers: the files a parsed test of the id is in (a file only writing its title, a table loop's, is an owner, not one)
    const any = new Map<string, Set<string>>([...shared].map(([id, files]) => [id, new Set(files)]));
    for (const [f, t] of [...known, ...hosts]) {
      const runs = known.has(f) && nodeRunsAsTest(f, ctx.testCmd, ts);
      for (const id of idsOf(f, t, ctx.runner)) {
        if (!listed.has(id)) continue;
        any.set(id, (any.get(id) ?? new Set()).add(f));
        if (runs) all.set(id, (all.get(id) ?? new Set()).add(f));
      }
    }
    for (const [id, files] of all) holders.set(id, [...files].sort());
    for (const [id, files] of any) definers.set(id, [...files].sort());
  }
  return { hosts, unhooked: notes(why), owners: new Map([...owners].filter(([id]) => !held.has(id)).map(([id, files]) => [id, [...files].sort()])), holders, definers };
}

/** `text` calls a registering function (canary-host.ts REGISTERING_CALL) and writes every title of `id` in quotes. */
const writesTitles = (text: string, id: string): boolean => REGISTERING_CALL.test(text) && id.split(ID_SEPARATOR).every((p) => ['\'', '"', '`'].some((q) => text.includes(`${q}${p}${q}`)));

/** One note per file and reason, naming up to 3 of its tests. */
function notes(why: ReadonlyMap<string, { file: string; reason: string }>): Unhooked[] {
  const by = new Map<string, { file: string; reason: string; ids: string[] }>();
  for (const [id, w] of why) {
    const k = JSON.stringify([w.file, w.reason]);
    by.set(k, { ...w, ids: [...(by.get(k)?.ids ?? []), id] });
  }
  return [...by.values()].map(({ file, reason, ids }) => ({
    file,
    why: `listed test${ids.length > 1 ? 's' : ''} ${ids.slice(0, 3).map((i) => JSON.stringify(i)).join(', ')}${ids.length > 3 ? ` (and ${ids.length - 3} more)` : ''}: ${reason}, ${NO_CANARY}`,
  }));
}
