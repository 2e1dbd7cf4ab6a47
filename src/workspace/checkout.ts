// A workspace (DESIGN.md §2, §4): a fresh checkout of a task's repository at `base_commit`, made
// from the repo cache, whose history holds nothing after `base_commit` and no other refs.
import { constants } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import pLimit from 'p-limit';
import { InfraError } from '../core/errors.ts';
import { removeTree } from '../sandbox/attempt.ts';
import { GIT_COMMAND_CONFIG, gitEnv, gitFailure, resetWorkspaceGitConfig, WORKSPACE_BRANCH } from './git.ts';
import { runGit } from './git-run.ts';
import { createHostGitDir, HOST_ATTRIBUTES } from './host-git.ts';
import type { RepoCache } from './repo-cache.ts';
import { resolveRepoSource } from './repo-source.ts';
import type { Workspace } from './types.ts';

export interface CreateWorkspaceOptions {
  repoCache: RepoCache;
  /** The task's `repo` field. */
  repo: string;
  /** Full 40-hex sha to check out. */
  baseCommit: string;
  /** Folder under which the workspace's temp folder is made. Default: the OS temp dir. */
  parentDir?: string;
  /** Tasks folder for bundle lookup (`<tasksDir>/repos/<repo>.bundle`). Default: the cache's. */
  tasksDir?: string;
}

/**
 * Makes a fresh workspace at `<parentDir>/ws-XXXXXX/<repo name>`: a copy of the prepared checkout
 * of `baseCommit` (`checkoutTemplate`, made once per repository and commit with `git init`, then
 * `git fetch --no-tags <mirror> <baseCommit>` — which transfers exactly the objects reachable from
 * `baseCommit`, so later commits, tags and other refs never enter the workspace — then a single
 * branch `main` at `baseCommit`, checked out). The workspace's
 * `.git/config` holds only core settings and the fixbench identity (`user.name`/`user.email`),
 * so commits work; no remote is configured. That `.git` is the agent's: host-side git uses
 * `gitDir`, fixbench's own git directory at `<parentDir>/ws-XXXXXX/host.git` (outside the
 * workspace, so no sandbox sees it; `createHostGitDir`), removed with the workspace.
 *
 * Takes milliseconds for small repositories (one tree copy, copy-on-write where the file system
 * allows); the first workspace of a commit also pays for the fetch from the local mirror (no network).
 * Throws `InfraError` when git fails (the partial workspace is removed), `UserInputError` when
 * `repo` cannot be resolved.
 */
export async function createWorkspace(opts: CreateWorkspaceOptions): Promise<Workspace> {
  return (await planWorkspace(opts)).fill();
}

/** A workspace whose paths are decided (`planWorkspace`) and whose tree is not made yet. */
export interface PlannedWorkspace {
  /** The workspace as it will be: `dir` and `gitDir` do not exist until `fill` has resolved. `cleanup` works at any time. */
  workspace: Workspace;
  /** Makes the tree (as `createWorkspace`; call once). Throws as `createWorkspace` does, after removing the partial workspace. */
  fill(): Promise<Workspace>;
}

/**
 * Decides the workspace's paths (`createWorkspace`'s `<parentDir>/ws-XXXXXX/<repo name>`: the
 * `ws-XXXXXX` folder is made now, empty) without making its tree, so a caller can show the path
 * before the checkout exists. Throws `UserInputError` when `repo` cannot be resolved.
 */
export async function planWorkspace(opts: CreateWorkspaceOptions): Promise<PlannedWorkspace> {
  const { repoCache, repo, baseCommit } = opts;
  const tasksDir = opts.tasksDir ?? repoCache.tasksDir;
  const name = resolveRepoSource(repo, tasksDir).name;
  const parentDir = resolve(opts.parentDir ?? tmpdir());
  await mkdir(parentDir, { recursive: true });
  const root = await mkdtemp(join(parentDir, 'ws-'));
  const dir = join(root, name);
  let removed = false;
  const cleanup = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    // The agent wrote this tree: also folders it locked (`chmod 000` on a non-empty folder), never through a link.
    await removeTree(root);
  };
  const gitDir = join(root, 'host.git');
  const workspace: Workspace = { dir, gitDir, baseCommit, cleanup };
  const fill = async (): Promise<Workspace> => {
    let source: string;
    try {
      source = await checkoutTemplate(repoCache, repo, baseCommit, tasksDir);
    } catch (err) {
      await cleanup();
      throw err;
    }
    try {
      await copyTree(source, dir);
      await createHostGitDir(gitDir, { objects: join(source, '.git', 'objects'), index: join(source, '.git', 'index'), head: baseCommit });
      return workspace;
    } catch (err) {
      await cleanup();
      throw err instanceof InfraError ? err : new InfraError(`copying the checkout of ${baseCommit} of ${repo} from ${source}: ${(err as Error).message}`, { cause: err });
    }
  };
  return { workspace, fill };
}

/**
 * A real copy of the tree `from` at `to` (which must not exist): folders, files with their mode
 * (copy-on-write clones where the file system has them), symlinks as they are. Never hard links:
 * a sandboxed command could write through one into the cache. Written by hand because `fs.cp`
 * spends 3–4× as long on its per-entry checks (bench/RESULTS.md, "checkout"). `from` is a checkout
 * template, never changed once renamed into place (its entries; host git may refresh a pack's mtime
 * when it finds an object there through a workspace's alternates: atkC16 #3), so its listing is read once per process
 * (`templateListing`); each copy then makes the folders, parents first, and copies the files and
 * symlinks all at once: no `readdir` per folder per workspace (64 workspaces at once share libuv's
 * four threads).
 */
async function copyTree(from: string, to: string): Promise<void> {
  const listing = await templateListing(from);
  await mkdir(to);
  for (const level of listing.dirs) await Promise.all(level.map((d) => bulkIo(() => mkdir(join(to, d)))));
  await Promise.all([
    ...listing.files.map((f) => bulkIo(() => copyFile(join(from, f), join(to, f), constants.COPYFILE_FICLONE))),
    ...listing.links.map((l) => bulkIo(() => symlink(l.target, join(to, l.path)))),
  ]);
}

/**
 * libuv's thread pool size, read as libuv reads `UV_THREADPOOL_SIZE` (`atoi`: "5.5" is 5, "abc" is
 * 0; 0 means 1; at most 1024; unset means 4): every promise-based fs call waits for one of its threads.
 */
export function poolThreads(value: string | undefined = process.env.UV_THREADPOOL_SIZE): number {
  if (value === undefined) return 4;
  const n = Number.parseInt(value.trimStart(), 10);
  return Math.min(1024, Math.max(1, Number.isNaN(n) ? 1 : n));
}
/**
 * The copies' share of that pool: at most all but two of its threads copy at once, process-wide.
 * 64 workspaces copied at once would otherwise queue thousands of calls ahead of every other file
 * call of the run (a ledger's pending line, an attempt's HOME, a problem statement read), and a
 * model call waits for those: the first calls of an I/O-bound run went out 0.5 s after the start
 * instead of 0.25 s (bench/RESULTS.md, "io-bound").
 */
const bulkIo = pLimit(Math.max(1, poolThreads() - 2));

/** A tree's entries, paths relative to its root: folders by depth (level 0 = the root's children), files, symlinks with their targets. */
export interface TreeListing {
  dirs: string[][];
  files: string[];
  links: Array<{ path: string; target: string }>;
}

/** Listings of checkout templates by path, read once per process (a failed read is not kept), with the folder's identity when read. */
const listings = new Map<string, { id: string; listing: Promise<TreeListing> }>();

/**
 * The listing of the template `from` (`listTree`), cached: templates are immutable once in place.
 * One `stat` per copy checks it is still the same folder (inode and change time): a template
 * removed and made again (the cache cleared) is listed again.
 */
async function templateListing(from: string): Promise<TreeListing> {
  const st = await stat(from, { bigint: true });
  const id = `${st.ino}:${st.ctimeNs}`;
  let cached = listings.get(from);
  if (cached?.id !== id) {
    cached = { id, listing: listTree(from) };
    listings.set(from, cached);
    const mine = cached;
    mine.listing.catch(() => listings.get(from) === mine && listings.delete(from));
  }
  return cached.listing;
}

/** Lists the tree at `root` (folders, regular files, symlinks; other entry types are skipped, as the copy always did). @throws the file-system error. */
export async function listTree(root: string): Promise<TreeListing> {
  const out: TreeListing = { dirs: [], files: [], links: [] };
  let level = [''];
  while (level.length) {
    const next: string[] = [];
    await Promise.all(
      level.map(async (rel) => {
        for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
          const p = rel ? join(rel, e.name) : e.name;
          if (e.isDirectory()) next.push(p);
          else if (e.isSymbolicLink()) out.links.push({ path: p, target: await readlink(join(root, p)) });
          else if (e.isFile()) out.files.push(p);
        }
      }),
    );
    if (next.length) out.dirs.push(next);
    level = next;
  }
  return out;
}

/** Per template dir: its creation while in flight (one per process at a time). */
const inFlight = new Map<string, Promise<string>>();

/**
 * The prepared checkout of `baseCommit` that workspaces are copied from:
 * `<repo cache>/.checkouts/<mirror name>.lean-<baseCommit>/` (`.lean`: the layout with its objects in
 * one pack, no template folder and no `TEMPLATE_DROPPED` entry; older caches' `.packed-` and
 * loose-object templates are left unused), made once per repository and commit with
 * git (`git init`, `git fetch --no-tags <mirror> <baseCommit>`, a single branch `main` at
 * `baseCommit`, checked out, canonical `.git/config`), verified (HEAD is `baseCommit`), stripped
 * of `TEMPLATE_DROPPED`, and renamed into place atomically, so concurrent processes never see a
 * partial one.
 *
 * Why: a workspace copied from it costs one tree copy instead of six git processes (one of them a
 * fetch that packs the history): bench/RESULTS.md, "checkout". The history rule is unchanged, since
 * the template is made exactly as workspaces were. Throws `InfraError` when git fails.
 */
async function checkoutTemplate(repoCache: RepoCache, repo: string, baseCommit: string, tasksDir: string): Promise<string> {
  // The template's place follows from the mirror's; a template in place needs no mirror (made once, by `makeTemplate`).
  const mirror = repoCache.mirrorPath(repo, { tasksDir });
  const dir = join(dirname(mirror), '.checkouts', `${basename(mirror, '.git')}.lean-${baseCommit}`);
  if (await isDir(join(dir, '.git'))) return dir;
  let pending = inFlight.get(dir);
  if (!pending) {
    pending = makeTemplate(repoCache, repo, baseCommit, tasksDir, dir).finally(() => inFlight.delete(dir));
    inFlight.set(dir, pending);
  }
  return pending;
}

/**
 * Entries of a fresh template's `.git` that it does not keep, relative to `.git`: the reflogs and
 * `ORIG_HEAD` of its own making (`update-ref`, `reset`; nothing of the task's history) and the two
 * folders `git init` leaves empty (`refs/tags`, `objects/info`), which git makes again when it
 * needs them. Every workspace copies the template's `.git`, and each entry is a file made and
 * later removed per workspace, two per attempt (bench/RESULTS.md, "perf16"): 8 of its 21 entries.
 */
export const TEMPLATE_DROPPED = ['ORIG_HEAD', 'logs', 'refs/tags', 'objects/info'] as const;

async function makeTemplate(repoCache: RepoCache, repo: string, baseCommit: string, tasksDir: string, dir: string): Promise<string> {
  // The mirror may lack the commit (e.g. the bundle was regenerated): this refreshes it.
  const mirror = await repoCache.mirror(repo, { commit: baseCommit, tasksDir });
  await mkdir(dirname(dir), { recursive: true });
  const tmp = `${dirname(dir)}/.tmp-${basename(dir)}-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(tmp);
    // fixbench's own git on its own folder, forked by the spawn helper (git-run.ts), hermetic as `gitAt`'s
    const git = { raw: async (args: string[]) => (await runGit(args, { cwd: tmp, env: gitEnv(), config: GIT_COMMAND_CONFIG })).toString('utf8') };
    try {
      // No template folder (no sample hooks, description or info/exclude) and the fetched objects
      // kept as one pack (not one loose file and folder each): every workspace copies this `.git`,
      // so it holds ~3× fewer files and folders (bench/RESULTS.md, "io6"). The objects are the same.
      await git.raw(['init', '--quiet', '--template=', `--initial-branch=${WORKSPACE_BRANCH}`]);
      await resetWorkspaceGitConfig(tmp);
      // Checked out as host git reads it later: every file as its stored bytes (no eol, filter or
      // ident conversion named by a .gitattributes), so a diff never sees a conversion as an edit.
      await mkdir(join(tmp, '.git', 'info'), { recursive: true });
      await writeFile(join(tmp, '.git', 'info', 'attributes'), HOST_ATTRIBUTES);
      await git.raw(['-c', 'fetch.unpackLimit=1', 'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', mirror, baseCommit]);
      await git.raw(['update-ref', `refs/heads/${WORKSPACE_BRANCH}`, baseCommit]);
      await git.raw(['reset', '--quiet', '--hard', baseCommit]);
    } catch (err) {
      throw gitFailure(`checking out ${baseCommit} of ${repo}`, err);
    }
    const head = (await git.raw(['rev-parse', 'HEAD'])).trim();
    if (head !== baseCommit) throw new InfraError(`workspace HEAD is ${head}, expected ${baseCommit}`);
    await Promise.all(TEMPLATE_DROPPED.map((p) => rm(join(tmp, '.git', p), { recursive: true, force: true })));
    try {
      await rename(tmp, dir);
    } catch (err) {
      // Another process renamed its complete template into place first: use that one.
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !(await isDir(join(dir, '.git')))) throw err;
    }
    return dir;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isDirectory() ?? false;
}
