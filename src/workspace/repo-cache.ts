// The repo cache (DESIGN.md §4): one bare mirror per repository, created once and shared by every
// workspace; concurrency-safe within a process (one promise per repo) and across processes
// (clone into a temp dir, then an atomic rename).
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { InfraError } from '../core/errors.ts';
import { gitAt, gitFailure, gitTry } from './git.ts';
import { mirrorDirName, resolveRepoSource, type RepoSource } from './repo-source.ts';

export interface RepoCacheOptions {
  /** Folder holding the mirrors. Default: `<cwd>/.fixbench-cache/repos`. */
  cacheDir?: string;
  /** Folder whose `repos/<name>.bundle` files hold bundled repositories. Default: `<cwd>/tasks`. */
  tasksDir?: string;
}

/**
 * Bare mirrors of task repositories, keyed by their resolved source. A mirror is made with
 * `git clone --mirror` (bundles and URLs) or `--mirror --no-local` (paths) and configured with
 * `uploadpack.allowAnySHA1InWant`, so workspaces can fetch exactly one commit from it whatever
 * the origin server allows.
 */
export class RepoCache {
  readonly cacheDir: string;
  readonly tasksDir: string;
  /** Per mirror dir: the pending or finished creation, then any refresh, chained. */
  #queue = new Map<string, Promise<unknown>>();

  constructor(opts: RepoCacheOptions = {}) {
    this.cacheDir = resolve(opts.cacheDir ?? '.fixbench-cache/repos');
    this.tasksDir = resolve(opts.tasksDir ?? 'tasks');
  }

  /**
   * The absolute path the bare mirror of `repo` has (or will have) in this cache, without making or
   * checking it: what `mirror` returns once the mirror exists. Pure apart from resolving `repo`.
   * @throws UserInputError for an unresolvable `repo`.
   */
  mirrorPath(repo: string, opts: { tasksDir?: string } = {}): string {
    return join(this.cacheDir, mirrorDirName(resolveRepoSource(repo, opts.tasksDir ?? this.tasksDir)));
  }

  /**
   * Returns the absolute path of the bare mirror of `repo`, creating it on first use. When
   * `commit` is given and the mirror lacks it (e.g. the bundle was regenerated), fetches from the
   * source once more; with `refresh`, fetches in any case, so branch names resolve to where they
   * are now (`tasks create --fix main` after a new commit: the mirror made earlier still had the old
   * `main`, or lacked the commit, atkO15's note). Throws `UserInputError` for an unresolvable `repo`
   * and `InfraError` when git fails or the commit is still missing.
   */
  async mirror(repo: string, opts: { commit?: string; tasksDir?: string; refresh?: boolean } = {}): Promise<string> {
    const source = resolveRepoSource(repo, opts.tasksDir ?? this.tasksDir);
    const dir = join(this.cacheDir, mirrorDirName(source));
    let created = false;
    await this.#serial(dir, async () => void (created = await this.#create(source, dir)));
    if ((opts.refresh && !created) || (opts.commit && !(await hasCommit(dir, opts.commit)))) {
      await this.#serial(dir, async () => {
        if (!opts.refresh && (await hasCommit(dir, opts.commit!))) return;
        try {
          await gitAt(dir, { hermetic: source.kind !== 'url' }).raw(['fetch', '--quiet', '--no-tags', source.location, '+refs/*:refs/*']);
        } catch (err) {
          throw gitFailure(`refreshing the mirror of ${source.location}`, err);
        }
      });
      if (opts.commit && !(await hasCommit(dir, opts.commit))) {
        throw new InfraError(`commit ${opts.commit} is not in ${source.location} (mirror ${dir})`);
      }
    }
    return dir;
  }

  /** Runs `fn` after every earlier task queued for `key` (errors do not block later tasks). */
  #serial(key: string, fn: () => Promise<void>): Promise<void> {
    const prev = this.#queue.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.#queue.set(key, next);
    return next;
  }

  /** Clones the mirror at `dir` unless one is there. @returns whether it cloned one (so it is fresh). */
  async #create(source: RepoSource, dir: string): Promise<boolean> {
    if (await isBareRepo(dir)) return false;
    await mkdir(this.cacheDir, { recursive: true });
    const tmp = join(this.cacheDir, `.tmp-${mirrorDirName(source)}-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      const args = ['clone', '--quiet', '--mirror', ...(source.kind === 'path' ? ['--no-local'] : []), source.location, tmp];
      try {
        await gitAt(this.cacheDir, { hermetic: source.kind !== 'url' }).raw(args);
        const git = gitAt(tmp);
        await git.raw(['config', 'uploadpack.allowAnySHA1InWant', 'true']);
        await git.raw(['config', 'gc.auto', '0']);
      } catch (err) {
        throw gitFailure(`mirroring ${source.location}`, err);
      }
      try {
        await rename(tmp, dir);
      } catch (err) {
        // Another process renamed its complete mirror into place first: use that one.
        const code = (err as NodeJS.ErrnoException).code;
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !(await isBareRepo(dir))) throw err;
      }
      return true;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
}

async function isBareRepo(dir: string): Promise<boolean> {
  const head = await stat(join(dir, 'HEAD')).catch(() => null);
  const objects = await stat(join(dir, 'objects')).catch(() => null);
  return !!head?.isFile() && !!objects?.isDirectory();
}

/** True when `dir` holds `sha` as a commit. */
export async function hasCommit(dir: string, sha: string): Promise<boolean> {
  return (await gitTry(gitAt(dir), ['cat-file', '-e', `${sha}^{commit}`])).ok;
}
