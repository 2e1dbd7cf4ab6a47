// Environment cache (DESIGN.md §4): a task's `setup` runs once per environment key; later
// workspaces get a copy of what it produced instead of reinstalling.
//
// Key = SHA-256 of (cache scheme, repo, setup command, platform, Node version, and the git blob id
// of every tracked lock/manifest file — package-lock.json, yarn.lock, Cargo.lock, … — at any depth).
// Blob ids are content hashes, so two base commits with the same lock files share one entry.
// An entry holds exactly the paths setup created (untracked or ignored, listed by git), copied with
// `cp -a --reflink=auto` (copy-on-write where the file system allows, a full copy otherwise — never
// hard links, so an agent editing node_modules in its workspace cannot change the cache).
// Entries are written to a temp folder and renamed into place, so concurrent writers (attempts of
// one run, or shards on one machine) never leave a half-written entry; within a process concurrent
// misses of one key wait for the first setup instead of repeating it.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { stableHash } from '../core/ids.ts';
import { gitFailure } from './git.ts';
import { hostGit, type HostRepo } from './host-git.ts';

/** Bumped when the entry layout or key recipe changes (old entries are then never matched). */
const CACHE_SCHEME = 1;

/**
 * File names whose content decides what an install produces. A tracked file with one of these
 * names, at any depth, enters the key by its git blob id.
 */
export const LOCK_FILE_NAMES: readonly string[] = [
  'package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock', '.npmrc', '.yarnrc.yml',
  'requirements.txt', 'requirements-dev.txt', 'poetry.lock', 'Pipfile.lock', 'uv.lock', 'pyproject.toml', 'setup.py', 'setup.cfg',
  'Cargo.lock', 'Cargo.toml', 'go.mod', 'go.sum', 'Gemfile.lock', 'composer.lock', 'pom.xml', 'build.gradle', 'gradle.lockfile',
];

const Manifest = z.object({
  scheme: z.literal(CACHE_SCHEME),
  key: z.string(),
  repo: z.string(),
  setup: z.string(),
  lock_files: z.array(z.tuple([z.string(), z.string()])),
  /** Paths relative to the workspace that setup created (a folder ends with "/"). */
  paths: z.array(z.string()),
  created_at: z.string(),
});
type Manifest = z.infer<typeof Manifest>;

/** What happened to one setup: restored from the cache, run and stored, or run and not storable. */
export type EnvCacheResult = 'hit' | 'miss' | 'uncacheable';

/** Default cache folder: `$FIXBENCH_CACHE_DIR`, else `$XDG_CACHE_HOME/fixbench`, else `~/.cache/fixbench`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FIXBENCH_CACHE_DIR) return path.resolve(env.FIXBENCH_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(base, 'fixbench');
}

/** The environment cache under `<dir>/envs/<key>/{manifest.json,tree/}`. */
export class EnvCache {
  /** Setups of this process by result. */
  readonly stats = { hit: 0, miss: 0, uncacheable: 0 };
  private readonly inflight = new Map<string, Promise<unknown>>();
  private gnuCp: Promise<boolean> | null = null;

  /** @param dir cache root (e.g. `defaultCacheDir()`); `envs/` and `tmp/` are made under it. */
  constructor(readonly dir: string) {}

  /**
   * The environment key of a workspace checked out at its base commit (see the file header).
   * @throws InfraError when git cannot list the files.
   */
  async key(ws: HostRepo, repo: string, setup: string): Promise<{ key: string; lockFiles: [string, string][] }> {
    let listing: string;
    try {
      listing = await hostGit(ws).raw(['ls-files', '-s', '-z']);
    } catch (err) {
      throw gitFailure(`listing the lock files of ${ws.dir}`, err);
    }
    const lockFiles: [string, string][] = [];
    for (const entry of listing.split('\0')) {
      // "<mode> <blob> <stage>\t<path>"
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const file = entry.slice(tab + 1);
      if (LOCK_FILE_NAMES.includes(path.posix.basename(file))) lockFiles.push([file, entry.split(' ')[1]!]);
    }
    lockFiles.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const key = stableHash(CACHE_SCHEME, repo, setup, process.platform, process.arch, process.version, lockFiles).slice(0, 32);
    return { key, lockFiles };
  }

  /**
   * Gives the workspace `ws` the environment of `setup`: restores the entry of its key when there is
   * one, else calls `runSetup()` and stores what it created. Concurrent calls for one key in this
   * process run setup once; the others then restore. A setup that changes tracked files is
   * `uncacheable` (its effect is not a set of new files) and runs every time.
   * Errors of `runSetup` propagate; a broken entry is discarded and setup runs instead.
   */
  async provide(
    ws: HostRepo,
    id: { repo: string; setup: string },
    runSetup: () => Promise<void>,
  ): Promise<EnvCacheResult> {
    const workspaceDir = ws.dir;
    const { key, lockFiles } = await this.key(ws, id.repo, id.setup);
    for (;;) {
      if (await this.restore(key, workspaceDir)) {
        this.stats.hit++;
        return 'hit';
      }
      // Checked and set with no await in between, so one setup per key runs at a time here.
      const pending = this.inflight.get(key);
      if (!pending) break;
      await pending.catch(() => {});
    }
    const work = (async (): Promise<EnvCacheResult> => {
      const before = new Set(await untracked(ws));
      await runSetup();
      if (await tracksChanges(ws)) return 'uncacheable';
      const created = (await untracked(ws)).filter((p) => !before.has(p));
      await this.store({ scheme: CACHE_SCHEME, key, repo: id.repo, setup: id.setup, lock_files: lockFiles, paths: created, created_at: new Date().toISOString() }, workspaceDir);
      return 'miss';
    })();
    this.inflight.set(key, work);
    try {
      const result = await work;
      this.stats[result]++;
      return result;
    } finally {
      this.inflight.delete(key);
    }
  }

  /** Copies entry `key` into the workspace; false when there is none (or it is broken, then removed). */
  private async restore(key: string, workspaceDir: string): Promise<boolean> {
    const entry = path.join(this.dir, 'envs', key);
    let manifest: Manifest;
    try {
      manifest = Manifest.parse(JSON.parse(await readFile(path.join(entry, 'manifest.json'), 'utf8')));
    } catch {
      return false;
    }
    try {
      for (const p of manifest.paths) await this.copy(path.join(entry, 'tree', p), path.join(workspaceDir, p));
      return true;
    } catch {
      // A damaged entry: undo the partial restore, drop the entry, let setup run.
      for (const p of manifest.paths) await rm(path.join(workspaceDir, p), { recursive: true, force: true });
      await this.discard(entry);
      return false;
    }
  }

  /** Writes an entry to a temp folder, then renames it into place (first writer wins). */
  private async store(manifest: Manifest, workspaceDir: string): Promise<void> {
    const tmp = path.join(this.dir, 'tmp', `${manifest.key}-${process.pid}-${randomBytes(4).toString('hex')}`);
    const entry = path.join(this.dir, 'envs', manifest.key);
    try {
      await mkdir(path.join(tmp, 'tree'), { recursive: true });
      for (const p of manifest.paths) await this.copy(path.join(workspaceDir, p), path.join(tmp, 'tree', p));
      await writeFile(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
      await mkdir(path.join(this.dir, 'envs'), { recursive: true });
      await rename(tmp, entry);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTEMPTY/EEXIST: another writer stored the same key first; theirs is as good as ours.
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  private async discard(entry: string): Promise<void> {
    const trash = path.join(this.dir, 'tmp', `trash-${randomBytes(4).toString('hex')}`);
    await mkdir(path.dirname(trash), { recursive: true });
    await rename(entry, trash).catch(() => {});
    await rm(trash, { recursive: true, force: true });
  }

  /** Copies a file or folder keeping modes, times and symlinks as they are; copy-on-write when possible. */
  private async copy(from: string, to: string): Promise<void> {
    const src = from.replace(/\/$/, '');
    const dest = to.replace(/\/$/, '');
    await mkdir(path.dirname(dest), { recursive: true });
    this.gnuCp ??= execa('cp', ['--version'], { reject: false }).then((r) => r.exitCode === 0 && /GNU coreutils/.test(String(r.stdout)));
    if (await this.gnuCp) {
      // GNU cp: far faster than fs.cp on trees of many small files (node_modules).
      await execa('cp', ['-a', '--reflink=auto', '--', src, dest]);
    } else {
      await cp(src, dest, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, errorOnExist: true, force: false });
    }
  }
}

/** Untracked paths, ignored ones included, folders collapsed ("node_modules/"). */
async function untracked(ws: HostRepo): Promise<string[]> {
  try {
    const out = await hostGit(ws).raw(['ls-files', '--others', '--directory', '-z']);
    return out.split('\0').filter(Boolean);
  } catch (err) {
    throw gitFailure(`listing the untracked files of ${ws.dir}`, err);
  }
}

/** True when a tracked file was changed or deleted. */
async function tracksChanges(ws: HostRepo): Promise<boolean> {
  try {
    const out = await hostGit(ws).raw(['status', '--porcelain', '--untracked-files=no', '-z']);
    return out.length > 0;
  } catch (err) {
    throw gitFailure(`checking the tracked files of ${ws.dir}`, err);
  }
}
