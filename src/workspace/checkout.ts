// A workspace (DESIGN.md §2, §4): a fresh checkout of a task's repository at `base_commit`, made
// from the repo cache, whose history holds nothing after `base_commit` and no other refs.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InfraError } from '../core/errors.ts';
import { gitAt, gitFailure, resetWorkspaceGitConfig, WORKSPACE_BRANCH } from './git.ts';
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
 * Makes a fresh workspace at `<parentDir>/ws-XXXXXX/<repo name>`:
 * `git init`, then `git fetch --no-tags <mirror> <baseCommit>` — which transfers exactly the
 * objects reachable from `baseCommit`, so later commits, tags and other refs never enter the
 * workspace — then a single branch `main` at `baseCommit`, checked out. The workspace's
 * `.git/config` holds only core settings and the fixbench identity (`user.name`/`user.email`),
 * so commits work; no remote is configured.
 *
 * Takes milliseconds for small repositories; for large ones the time is that of packing the
 * history up to `baseCommit` from the local mirror (no network).
 * Throws `InfraError` when git fails (the partial workspace is removed), `UserInputError` when
 * `repo` cannot be resolved.
 */
export async function createWorkspace(opts: CreateWorkspaceOptions): Promise<Workspace> {
  const { repoCache, repo, baseCommit } = opts;
  const tasksDir = opts.tasksDir ?? repoCache.tasksDir;
  const mirror = await repoCache.mirror(repo, { commit: baseCommit, tasksDir });
  const parentDir = resolve(opts.parentDir ?? tmpdir());
  await mkdir(parentDir, { recursive: true });
  const root = await mkdtemp(join(parentDir, 'ws-'));
  const dir = join(root, resolveRepoSource(repo, tasksDir).name);
  let removed = false;
  const cleanup = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    await rm(root, { recursive: true, force: true });
  };
  try {
    await mkdir(dir);
    const git = gitAt(dir);
    try {
      await git.raw(['init', '--quiet', `--initial-branch=${WORKSPACE_BRANCH}`]);
      await resetWorkspaceGitConfig(dir);
      await git.raw(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', mirror, baseCommit]);
      await git.raw(['update-ref', `refs/heads/${WORKSPACE_BRANCH}`, baseCommit]);
      await git.raw(['reset', '--quiet', '--hard', baseCommit]);
    } catch (err) {
      throw gitFailure(`checking out ${baseCommit} of ${repo}`, err);
    }
    const head = (await git.raw(['rev-parse', 'HEAD'])).trim();
    if (head !== baseCommit) throw new InfraError(`workspace HEAD is ${head}, expected ${baseCommit}`);
    return { dir, baseCommit, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
