// Which file a listed pytest id names (canary-listed-hosts.ts, DESIGN.md §11 rule 3). pytest writes
// a test's path relative to its rootdir, which `cd pkg && pytest` or a package's own pytest.ini moves
// below the repository's root: `tests/test_util.py > test_sub` may be pkg/tests/test_util.py while
// the root's tests/test_util.py is another file (atkA20 #1). Read from test_cmd and from the files at
// base_commit (so a file the patch writes never settles it); nothing is run.
import { posix } from 'node:path';
import { findPythonTests } from './canary-python-parse.ts';
import { folderOfWord, isProgram, shellWords } from './node-test-files.ts';
import { ID_SEPARATOR } from './parse/index.ts';

/** What pythonListed reads: canary-listed-hosts.ts ListedContext's fields of the same names. */
export interface PythonContext {
  testCmd: string;
  read: (file: string) => Promise<string | null>;
  filesAt?: (texts: readonly string[]) => Promise<string[] | null>;
}

/** Where no host holds a listed test: the file its note names, and why (the note ends in NO_CANARY). */
export interface PythonWhy {
  file: string;
  reason: string;
}

/**
 * pytest's options whose value may be the next word (`-k expr`, `--junitxml report.xml`; `--opt=value`
 * needs none): pytest 9's own (`pytest --help`: general, reporting, collection, test session
 * debugging, logging) and the common plugins' (pytest-cov, xdist, timeout, rerunfailures, html,
 * json-report, randomly, django). A plugin option not listed makes its value read as a path operand,
 * which can only misplace the rootdir: every file whose path ends in a listed id's is a host all the
 * same (pythonListed), so that costs a note, never a canary.
 */
const TAKES_VALUE = new Set([
  '-k', '-m', '-p', '-c', '-o', '-W', '-n', '-r', '--tb', '--rootdir', '--junitxml', '--junit-xml', '--junit-prefix', '--deselect',
  '--ignore', '--ignore-glob', '--confcutdir', '--basetemp', '--maxfail', '--durations', '--durations-min', '--show-capture',
  '--import-mode', '--capture', '--config-file', '--override-ini', '--assert', '--verbosity', '--pdbcls', '--pastebin',
  '--doctest-glob', '--doctest-report', '--code-highlight', '--color', '--report-log',
  '--log-level', '--log-format', '--log-date-format', '--log-cli-level', '--log-cli-format', '--log-cli-date-format', '--log-file',
  '--log-file-mode', '--log-file-level', '--log-file-format', '--log-file-date-format', '--log-auto-indent', '--log-disable',
  '--cov', '--cov-report', '--cov-config', '--cov-fail-under', '--cov-context', '--dist', '--numprocesses', '--maxprocesses',
  '--max-worker-restart', '--tx', '--rsyncdir', '--timeout', '--timeout-method', '--reruns', '--reruns-delay', '--only-rerun',
  '--rerun-except', '--html', '--css', '--json-report-file', '--json-report-indent', '--random-order-seed', '--random-order-bucket',
  '--ds', '--dc', '--lfnf', '--last-failed-no-failures',
]);
const OPERATOR = /^(?:&&|\|\||[;|&])$/;
/** A word the shell makes something else of (a substitution, a variable, `~`, a glob, an escape), or an absolute path. */
const SHELL_MADE = /^\/|[$`~\\()*?[\]{}]/;

/** The pytest invocation of `cmd` (`pytest …`, `py.test …`, `python -m pytest …`): where it runs (folderOfWord, null unknown), its path operands joined with that folder (null: one cannot be read), and its `--rootdir` / `-c` values as given. Null when there is none. */
function invocation(cmd: string): { folder: string | null; args: string[] | null; rootdir?: string; config?: string } | null {
  const all = shellWords(cmd);
  for (let i = 0; i < all.length; i++) {
    const w = all[i]!;
    const start = /^(?:.*\/)?(?:pytest|py\.test)$/.test(w) ? i + 1 : /^(?:.*\/)?python[\d.]*$/.test(w) && all[i + 1] === '-m' && all[i + 2] === 'pytest' ? i + 3 : -1;
    if (start < 0 || !isProgram(all, i)) continue;
    const folder = folderOfWord(all, i);
    const out: { folder: string | null; args: string[] | null; rootdir?: string; config?: string } = { folder, args: [] };
    for (let j = start; j < all.length && !OPERATOR.test(all[j]!); j++) {
      const a = all[j]!;
      const opt = /^(--rootdir|-c|--config-file)(?:=(.*))?$/.exec(a);
      if (opt) {
        const value = opt[2] ?? all[++j] ?? '';
        if (opt[1] === '--rootdir') out.rootdir = value;
        else out.config = value;
      } else if (/^(?:\d*[<>]|&>)/.test(a)) { if (!/&\d*-?$/.test(a) || /^&>/.test(a)) j++; } // a redirection and its target
      else if (a.startsWith('-')) { if (TAKES_VALUE.has(a)) j++; }
      else if (SHELL_MADE.test(a) || folder === null) out.args = null;
      else out.args?.push(a.split('::', 1)[0]!);
    }
    return out;
  }
  return null;
}

/** `path` joined with repository-relative folder `dir` and normalised (`.` the root); null when it leaves the repository or the shell makes something else of it. */
function inRepo(dir: string, path: string): string | null {
  if (SHELL_MADE.test(path)) return null;
  const n = posix.normalize(posix.join(dir, path)).replace(/\/$/, '');
  return n === '..' || n.startsWith('../') ? null : n;
}

/** The deepest folder holding every one of `dirs` (repository-relative, `.` the root). */
function commonFolder(dirs: readonly string[]): string {
  const split = dirs.map((d) => (d === '.' ? [] : d.split('/')));
  const out: string[] = [];
  for (let k = 0; split.every((s) => k < s.length && s[k] === split[0]![k]); k++) out.push(split[0]![k]!);
  return out.length ? out.join('/') : '.';
}

/** `dir` and the folders above it, up to the repository's root `.`. */
function upward(dir: string): string[] {
  const out = [dir];
  while (out.at(-1) !== '.') out.push(posix.dirname(out.at(-1)!));
  return out;
}

/** pytest's config files in the order it looks for them in one folder, each with what makes it one (pytest.ini: any text). */
const CONFIGS: [string, RegExp][] = [
  ['pytest.toml', /(?:)/], ['.pytest.toml', /(?:)/], ['pytest.ini', /(?:)/], ['.pytest.ini', /(?:)/], ['pyproject.toml', /^\[tool\.pytest(?:\.ini_options)?\]/m], ['tox.ini', /^\[pytest\]/m], ['setup.cfg', /^\[tool:pytest\]/m],
];

/**
 * The folder (repository-relative, `.` the root) pytest would take for its rootdir, its ids' paths
 * being relative to it, as pytest's `determine_setup` does: `--rootdir`; else the folder of `-c`'s
 * file; else the first folder, from the common folder of the path operands (a `.py` operand: its
 * folder; none: where pytest runs) upwards, holding a config file (CONFIGS, pytest 9's order) with
 * its mark, else (pytest ≥ 8.1) the first holding a pyproject.toml, else one holding a setup.py, else
 * the same config search from each operand's folder (pytest's second pass), else the common folder
 * of where pytest runs and that of its operands. Files are read through `ctx.read`
 * (as base_commit has them). Null when test_cmd has no pytest invocation fixbench reads,
 * runs it in a folder it cannot read, or has an operand it cannot read.
 */
export async function pytestRootdir(ctx: PythonContext): Promise<string | null> {
  const run = invocation(ctx.testCmd);
  if (!run || run.folder === null || run.args === null) return null;
  const folder = run.folder;
  if (run.rootdir !== undefined) return inRepo(folder, run.rootdir);
  if (run.config !== undefined) {
    const c = inRepo(folder, run.config);
    return c === null ? null : posix.dirname(c);
  }
  const dirs: string[] = [];
  for (const a of run.args) {
    const p = inRepo(folder, a);
    if (p === null) return null;
    dirs.push(p.endsWith('.py') ? posix.dirname(p) : p);
  }
  const ancestor = dirs.length ? commonFolder(dirs) : folder;
  // ctx.read gives a file as base_commit has it (a config file is protected: the patch's edits are dropped), null when absent
  const file = (d: string, name: string): string => (d === '.' ? name : `${d}/${name}`);
  // findpaths.py locate_config over `starts` (each and its parents, in order): a config file with its mark, else (pytest ≥ 8.1) the first pyproject.toml (atkB20 #3)
  const locate = async (starts: string[]): Promise<string | null> => {
    for (const s of starts) for (const d of upward(s)) for (const [name, marks] of CONFIGS) { const t = await ctx.read(file(d, name)); if (t !== null && marks.test(t)) return d; }
    for (const s of starts) for (const d of upward(s)) if ((await ctx.read(file(d, 'pyproject.toml'))) !== null) return d;
    return null;
  };
  const found = await locate([ancestor]);
  if (found !== null) return found;
  for (const d of upward(ancestor)) if ((await ctx.read(file(d, 'setup.py'))) !== null) return d;
  // determine_setup's second pass: from each operand's own folder (atkC20 #1: `pytest pkg/tests tools/tests` with pkg/pytest.ini)
  const again = dirs.length > 1 ? await locate(dirs) : null;
  return again ?? commonFolder([folder, ancestor]);
}

/** A pytest id's file (as the id names it), test name (parameters removed) and the class named before it, if any. */
function partsOf(id: string): { file: string; name: string; cls: string | null } {
  const parts = id.split(ID_SEPARATOR).flatMap((p) => p.split('::'));
  return { file: parts[0]!, name: parts.at(-1)!.replace(/\[[\s\S]*$/, ''), cls: parts.length > 2 ? parts.at(-2)! : null };
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether Python `text` defines test `name` (in class `cls` when given): a test canary-python-parse.ts finds, else a `def name(` (also `async`, or a header over lines) or, for an inherited test, the class. */
function defines(text: string, name: string, cls: string | null): boolean {
  if (findPythonTests(text)?.some((t) => t.name === name && (cls === null || t.cls === cls))) return true;
  if (new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+${escape(name)}[ \\t]*\\(`, 'm').test(text)) return true;
  return cls !== null && new RegExp(`^[ \\t]*class[ \\t]+${escape(cls)}\\b`, 'm').test(text);
}

/** Most files at base_commit read as candidates for listed pytest ids (as canary-listed-hosts.ts MAX_CANDIDATES). */
const MAX_PY_CANDIDATES = 96;

/**
 * The files holding listed pytest ids `ids` (each naming a `.py` file pytest collects): every file at
 * base_commit (`ctx.filesAt`; at most MAX_PY_CANDIDATES read) or in `known` (test.patch's hosts: file
 * → text) whose path is the id's or ends in `/` + it and that defines the test, whatever pytest's
 * rootdir (pytestRootdir) reads — a misread or unreadable rootdir must not leave the file pytest runs
 * without canaries (atkD21 E) — known files among them (the caller adds only the others as hosts).
 * A note when none holds it (unless the rootdir's file is known), or when several do and the
 * rootdir's file is not one of them. Without `ctx.filesAt`, only the rootdir's file (or the id's
 * path) read through `ctx.read`. `found`: file → the ids it holds; `why`: id → its note.
 */
export async function pythonListed(ids: readonly string[], known: ReadonlyMap<string, string>, ctx: PythonContext): Promise<{ found: Map<string, string[]>; why: Map<string, PythonWhy>; texts: Map<string, string> }> {
  const found = new Map<string, string[]>();
  const why = new Map<string, PythonWhy>();
  const texts = new Map<string, string>(known);
  const rootdir = await pytestRootdir(ctx);
  const parsed = ids.map((id) => ({ id, ...partsOf(id) }));
  const base = ctx.filesAt ? await ctx.filesAt(parsed.flatMap((p) => [`def ${p.name}`, ...(p.cls ? [`class ${p.cls}`] : [])])) : undefined;
  const tails = (f: string, path: string): boolean => f === path || f.endsWith(`/${path}`);
  const candidates = (base ?? []).filter((f) => !known.has(f) && parsed.some((p) => tails(f, p.file))).slice(0, MAX_PY_CANDIDATES);
  const textOf = async (f: string): Promise<string | null> => {
    if (!texts.has(f)) { const t = await ctx.read(f); if (t !== null) texts.set(f, t); }
    return texts.get(f) ?? null;
  };
  const hold = (f: string, id: string): void => { found.set(f, [...(found.get(f) ?? []), id]); };
  const where = rootdir === null ? 'pytest\'s rootdir cannot be read from test_cmd' : `pytest's rootdir is ${rootdir === '.' ? 'the repository\'s root' : rootdir}/ (test_cmd and the config files at base_commit)`;
  for (const { id, file, name, cls } of parsed) {
    const own = rootdir === null ? null : inRepo(rootdir, file);
    if (base === null) { if (own === null || !known.has(own)) why.set(id, { file: own ?? file, reason: 'the files at base_commit could not be searched for it' }); continue; }
    const pool = base === undefined ? [own ?? file] : [...new Set([...known.keys(), ...candidates])].filter((f) => tails(f, file)).sort();
    const holders: string[] = [];
    for (const f of pool) {
      const t = await textOf(f);
      if (t !== null && defines(t, name, cls)) holders.push(f);
    }
    // a holder pytest does not run is silent, which is allowed: every holder, known ones too, is among the id's owners, so silence is
    // judged the id's only when all of them are silent (canary-listed-hosts.ts, canary-check.ts)
    for (const f of holders) hold(f, id);
    const path = own ?? file;
    if (holders.length === 0) {
      if (own === null || !known.has(own)) why.set(id, { file: path, reason: `${where}, and no file at base_commit whose path ends in ${file} defines ${name} (a name fixbench reads: \`def ${name}(\`)` });
      continue;
    }
    if (holders.length === 1 || (own !== null && holders.includes(own))) continue;
    why.set(id, { file: path, reason: `${where}, which leaves ${path} without it, and several files at base_commit define it (${holders.join(', ')}): each gets canaries, but if pytest runs another` });
  }
  return { found, why, texts };
}
