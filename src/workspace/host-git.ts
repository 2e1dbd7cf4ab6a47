// Host-side git on a workspace (DESIGN.md §11 rule 2): every git command fixbench runs on a
// workspace reads a git directory fixbench owns, outside the workspace. The workspace's own `.git`
// belongs to the agent: it may use it; the host never reads it (its config, commondir, hooks,
// alternates, info/ and attributes are data, never instructions).
import { constants } from 'node:fs';
import { appendFile, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GIT_COMMAND_CONFIG, gitEnv, gitFailure, GIT_IDENTITY } from './git.ts';
import { runGit } from './git-run.ts';

/** A workspace as host-side git sees it: its work tree and the git directory fixbench owns for it. */
export interface HostRepo {
  /** Absolute path of the work tree (the workspace). */
  readonly dir: string;
  /**
   * fixbench's own git directory for `dir`, outside it (never bound into a sandbox). Its objects
   * come from fixbench's checkout template (`objects/info/alternates`), its index and HEAD from
   * fixbench's own bookkeeping; nothing in it is written by untrusted code.
   */
  readonly gitDir: string;
}

/**
 * `info/attributes` of a host git directory. It has the highest precedence of every attributes
 * source, and `!attr` makes an attribute unspecified there, so no `.gitattributes` in the tree
 * (nor a macro such as `binary`) can name a filter, diff, merge or textconv driver, convert line
 * endings or encodings, or expand `$Id$`: every file is read and written as its bytes.
 */
export const HOST_ATTRIBUTES =
  '* !filter !diff !merge !text !eol !crlf !ident !working-tree-encoding !whitespace !conflict-marker-size !export-subst !export-ignore\n';

/**
 * `config` of a host git directory: plain file semantics (no line-ending, case or Unicode
 * folding, no NTFS/HFS path rules that would refuse a Linux file name and fail the whole `add`),
 * no fsmonitor, hooks, untracked cache, sparse checkout, global attributes or excludes files, no
 * transport, submodules ignored. It defines no filter, diff, merge or textconv driver. Global and
 * system config are never read (`GIT_CONFIG_NOSYSTEM`, `GIT_CONFIG_GLOBAL=/dev/null`).
 */
const HOST_CONFIG = `[core]
\trepositoryformatversion = 0
\tfilemode = true
\tbare = false
\tsymlinks = true
\tignorecase = false
\tprecomposeUnicode = false
\tprotectNTFS = false
\tprotectHFS = false
\tautocrlf = false
\tsafecrlf = false
\tfsmonitor = false
\tuntrackedCache = false
\tsplitIndex = false
\tsparseCheckout = false
\tattributesFile = /dev/null
\texcludesFile = /dev/null
\thooksPath = /dev/null
\tlogAllRefUpdates = false
[diff]
\tignoreSubmodules = all
[submodule]
\trecurse = false
[protocol]
\tallow = never
[gc]
\tauto = 0
[maintenance]
\tauto = false
[user]
\tname = ${GIT_IDENTITY.name}
\temail = ${GIT_IDENTITY.email}
`;

/** `-c` settings of every host git command on top of `gitAt`'s (they win over any config file). */
const HOST_COMMAND_CONFIG = ['core.attributesFile=/dev/null', 'core.excludesFile=/dev/null', 'core.protectNTFS=false', 'core.protectHFS=false'];

export interface HostGitDirSource {
  /** fixbench's own objects folder holding `head` and its history (a checkout template's `.git/objects`). */
  objects: string;
  /** An index matching `head` to start from (the template's), or null for an empty index. */
  index: string | null;
  /** Full sha of the commit the work tree was checked out at. */
  head: string;
}

/**
 * Makes the host git directory `gitDir` (which must not exist) for a work tree checked out at
 * `src.head`: `HEAD` (detached at `src.head`), the config and `info/attributes` above, an empty
 * `refs/` (git needs the folder; host git makes no ref), `objects/info/alternates` naming
 * `src.objects` (fixbench's own, so no object is copied), and a copy of `src.index`; no
 * `info/exclude` until `recordSetupState` has a line for it. Plain file writes, no git process:
 * about a millisecond, 10 entries (each a file made and removed per workspace: bench/RESULTS.md, "perf16").
 * @throws the file-system error when a file cannot be written.
 */
export async function createHostGitDir(gitDir: string, src: HostGitDirSource): Promise<void> {
  await mkdir(join(gitDir, 'objects', 'info'), { recursive: true });
  await Promise.all([
    mkdir(join(gitDir, 'refs')),
    mkdir(join(gitDir, 'info')).then(() => writeFile(join(gitDir, 'info', 'attributes'), HOST_ATTRIBUTES)),
    writeFile(join(gitDir, 'HEAD'), `${src.head}\n`),
    writeFile(join(gitDir, 'config'), HOST_CONFIG),
    writeFile(join(gitDir, 'objects', 'info', 'alternates'), `${src.objects}\n`),
    src.index ? copyFile(src.index, join(gitDir, 'index'), constants.COPYFILE_FICLONE) : Promise.resolve(),
  ]);
}

/**
 * A host git command that prints nothing for this long (5 minutes) is killed and fails: git blocks
 * opening a FIFO an agent named `.gitignore` or `.gitattributes`, and must not hang the run.
 */
export const HOST_GIT_SILENT_LIMIT_MS = 5 * 60 * 1000;

/** Host git on one workspace: `raw` gives stdout as text (decoded once, whole), `bytes` as bytes, `showBuffer` runs `git show` and gives its bytes. All reject as `runGit` does. */
export interface HostGit {
  raw(args: string[]): Promise<string>;
  bytes(args: string[]): Promise<Buffer>;
  showBuffer(args: string[]): Promise<Buffer>;
}

/**
 * Git for `repo`, run through fixbench's spawn helper (`runGit`, git-run.ts: off the event loop):
 * `GIT_DIR` = its host git directory, `GIT_WORK_TREE` = the workspace, cwd = the workspace, HOME =
 * the host git directory (so no `~/.config/git/*` file is read), on top of `gitEnv`'s hermetic
 * environment (no global or system config, no prompts) and `gitAt`'s `-c` settings (no hooks, no
 * fsmonitor, no line-ending conversion). `env` adds variables (e.g. `GIT_INDEX_FILE`). Rejects on
 * any non-zero exit (`GitError`, git's output as its message); a git that prints nothing for
 * `HOST_GIT_SILENT_LIMIT_MS` is killed.
 */
export function hostGit(repo: HostRepo, env: Record<string, string> = {}): HostGit {
  const o = {
    cwd: repo.dir,
    config: [...GIT_COMMAND_CONFIG, ...HOST_COMMAND_CONFIG],
    silentLimitMs: HOST_GIT_SILENT_LIMIT_MS,
    env: gitEnv({
      GIT_DIR: repo.gitDir,
      GIT_WORK_TREE: repo.dir,
      HOME: repo.gitDir,
      XDG_CONFIG_HOME: join(repo.gitDir, 'no-xdg'),
      GIT_ATTR_NOSYSTEM: '1',
      GIT_NO_REPLACE_OBJECTS: '1',
      GIT_OPTIONAL_LOCKS: '0',
      GIT_PROTOCOL_FROM_USER: '0',
      ...env,
    }),
  };
  return {
    raw: async (args) => (await runGit(args, o)).toString('utf8'),
    bytes: (args) => runGit(args, o),
    showBuffer: (args) => runGit(['show', ...args], o),
  };
}

/**
 * The `info/exclude` line matching exactly the workspace path `p` (bytes as latin1 characters):
 * anchored with `/`, gitignore's special characters escaped. gitignore has no escape for a line
 * break, so each CR or LF becomes `?` (one character of that folder; atkC16 #2: a raw one split the
 * name into a line of its own that hid the agent's file of that name at any depth).
 */
function excludeLine(p: string): string {
  return '/' + p.replace(/([\\*?[!#])/g, '\\$1').replace(/[\r\n]/g, '?').replace(/^ /, '\\ ').replace(/ $/, '\\ ');
}

/** The commit host git diffs a workspace against: `HEAD` of its host git directory (a full sha). */
export async function snapshotCommit(repo: HostRepo): Promise<string> {
  return (await readFile(join(repo.gitDir, 'HEAD'), 'utf8')).trim();
}

/**
 * Records the workspace as `setup` left it, before any agent or patch touches it (DESIGN.md §4):
 * 1. every untracked path the repository does not ignore (setup output such as a generated file;
 *    folders collapsed) is listed, anchored, in the host `info/exclude`, so it is never counted as
 *    the model's work and `git clean` between patch attempts keeps it;
 * 2. when setup changed tracked files, the tree as setup left it becomes a commit (parent: the
 *    base commit) and the host `HEAD`: the agent's patch is then taken against the state after
 *    setup, so setup's edits are never the model's, and the evaluation applies the patch on the
 *    same state (its own setup ran first).
 * One git process when setup changed no tracked file (the usual case), four otherwise.
 * @throws InfraError when git fails.
 */
export async function recordSetupState(repo: HostRepo): Promise<void> {
  const git = hostGit(repo);
  let status: Buffer;
  try {
    // One process for both questions: `?? path` records (untracked, not ignored; folders collapsed)
    // and records of changed tracked files.
    status = await git.bytes(['status', '--porcelain=v1', '-z', '--untracked-files=normal', '--ignore-submodules=all', '--no-renames']);
  } catch (err) {
    throw gitFailure(`listing the state setup left in ${repo.dir}`, err);
  }
  // names as bytes (latin1 keeps each byte one character): a name that is not UTF-8 is excluded as it is (atkC16 #1)
  const records = status.toString('latin1').split('\0').filter(Boolean);
  const untracked = records.filter((r) => r.startsWith('?? ')).map((r) => r.slice(3));
  if (untracked.length) {
    await appendFile(join(repo.gitDir, 'info', 'exclude'), Buffer.from(`# fixbench: setup output\n${untracked.map(excludeLine).join('\n')}\n`, 'latin1'));
  }
  if (untracked.length === records.length) return; // setup changed no tracked file: the base commit stands
  try {
    await git.raw(['add', '--update', '--ignore-errors']);
    const head = await snapshotCommit(repo);
    const tree = (await git.raw(['write-tree'])).trim();
    const commit = (await git.raw(['commit-tree', tree, '-p', head, '-m', 'fixbench: the workspace after setup'])).trim();
    await writeFile(join(repo.gitDir, 'HEAD'), `${commit}\n`);
  } catch (err) {
    throw gitFailure(`recording the state after setup in ${repo.dir}`, err);
  }
}
