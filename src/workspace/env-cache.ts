// Environment cache (DESIGN.md §4): a task's `setup` runs once per environment key; later
// workspaces get a copy of what it produced instead of reinstalling.
//
// Key = SHA-256 of (cache scheme, the task folder's origin, repo, setup command, platform, Node
// version — the task's own `node` when it names one, else the running node's —, the task's browser
// (`browser: chromium`: Chromium's version and flags; absent keys are unchanged), the git blob id of every tracked lock/manifest file — package-lock.json, yarn.lock,
// Cargo.lock, … — at any depth — and every tracked symlink with its blob id). Blob ids are content
// hashes, so two base commits with the same lock files and links share one entry. The origin (the
// real path of the tasks folder) gives each tasks folder its own namespace: a foreign folder's setups
// never write entries that another folder's (the bundled suite's) tasks read.
// Trust (DESIGN.md §11): setup output is untrusted, and so is the checkout's tree. Restoring never
// follows a link: an entry whose path would pass through a symlink (or a file) in the workspace, or
// land on something already there, is not restored (setup runs instead, with a note); storing
// refuses a path whose folders in the workspace are not real folders.
// An entry holds exactly the paths setup created (untracked or ignored, listed by git), copied with
// `cp -a --reflink=auto` (copy-on-write where the file system allows, a full copy otherwise — never
// hard links, so an agent editing node_modules in its workspace cannot change the cache).
// Entries are written to a temp folder and renamed into place, so concurrent writers (attempts of
// one run, or shards on one machine) never leave a half-written entry; within a process concurrent
// misses of one key wait for the first setup instead of repeating it.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { cp, lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { stableHash } from '../core/ids.ts';
import { mkdtempOwned, sweepDeadWorkFolders } from '../core/work-owner.ts';
import { gitFailure } from './git.ts';
import { hostGit, type HostRepo } from './host-git.ts';

/** Bumped when the entry layout or key recipe changes (old entries are then never matched). */
const CACHE_SCHEME = 2;

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
  /** Tracked symlinks of the checkout: `[path, blob id]`. */
  links: z.array(z.tuple([z.string(), z.string()])),
  /** Real path of the tasks folder the setup came from (the key's namespace); null when unknown. */
  origin: z.string().nullable(),
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
  private swept: Promise<unknown> | null = null;

  /** @param dir cache root (e.g. `defaultCacheDir()`); `envs/` and `tmp/` are made under it. */
  constructor(readonly dir: string) {}

  /**
   * The environment key of a workspace checked out at its base commit (see the file header).
   * @throws InfraError when git cannot list the files.
   */
  async key(ws: HostRepo, repo: string, setup: string, origin: string | null = null, node: string | null = null, browser: string | null = null): Promise<{ key: string; lockFiles: [string, string][]; links: [string, string][] }> {
    let listing: string;
    try {
      listing = await hostGit(ws).raw(['ls-files', '-s', '-z']);
    } catch (err) {
      throw gitFailure(`listing the lock files of ${ws.dir}`, err);
    }
    const lockFiles: [string, string][] = [];
    const links: [string, string][] = [];
    for (const entry of listing.split('\0')) {
      // "<mode> <blob> <stage>\t<path>"
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const file = entry.slice(tab + 1);
      const [mode, blob] = entry.slice(0, tab).split(' ');
      if (LOCK_FILE_NAMES.includes(path.posix.basename(file))) lockFiles.push([file, blob!]);
      if (mode === '120000') links.push([file, blob!]);
    }
    const byPath = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    lockFiles.sort(byPath);
    links.sort(byPath);
    const key = stableHash(CACHE_SCHEME, origin, repo, setup, process.platform, process.arch, node ? `v${node}` : process.version, lockFiles, links, ...(browser ? [`browser ${browser}`] : [])).slice(0, 32);
    return { key, lockFiles, links };
  }

  /**
   * Gives the workspace `ws` the environment of `setup`: restores the entry of its key when there is
   * one, else calls `runSetup()` and stores what it created. Concurrent calls for one key in this
   * process run setup once; the others then restore. A setup that changes tracked files is
   * `uncacheable` (its effect is not a set of new files) and runs every time.
   * Errors of `runSetup` propagate; a broken entry is discarded and setup runs instead. An entry
   * that cannot be restored without following a link in the workspace is left alone and setup runs
   * (`onNote` hears why); setup output that cannot be stored without following one is not stored
   * (`uncacheable`). `id.origin`: real path of the task's tasks folder (the key's namespace).
   */
  async provide(
    ws: HostRepo,
    id: { repo: string; setup: string; origin?: string | null; node?: string | null; browser?: string | null },
    runSetup: () => Promise<void>,
    onNote: (note: string) => void = () => {},
  ): Promise<EnvCacheResult> {
    const workspaceDir = ws.dir;
    const origin = id.origin ?? null;
    const { key, lockFiles, links } = await this.key(ws, id.repo, id.setup, origin, id.node ?? null, id.browser ?? null);
    for (;;) {
      const restored = await this.restore(key, workspaceDir);
      if (typeof restored === 'string') {
        // The entry is fine; this checkout cannot take it safely. Setup runs here, nothing is stored.
        onNote(`environment cache entry ${key} not restored: ${restored}; running setup instead`);
        await runSetup();
        this.stats.miss++;
        return 'miss';
      }
      if (restored) {
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
      const unsafe = await firstUnsafe(workspaceDir, created, false);
      if (unsafe) {
        onNote(`setup output not stored in the environment cache: ${unsafe}`);
        return 'uncacheable';
      }
      await this.store({ scheme: CACHE_SCHEME, key, repo: id.repo, setup: id.setup, lock_files: lockFiles, links, origin, paths: created, created_at: new Date().toISOString() }, workspaceDir);
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

  /**
   * Copies entry `key` into the workspace; false when there is none (or it is broken, then removed);
   * a reason (nothing copied) when a path would pass through a link or land on something there.
   */
  private async restore(key: string, workspaceDir: string): Promise<boolean | string> {
    const entry = path.join(this.dir, 'envs', key);
    let manifest: Manifest;
    try {
      manifest = Manifest.parse(JSON.parse(await readFile(path.join(entry, 'manifest.json'), 'utf8')));
    } catch {
      return false;
    }
    const unsafe = await firstUnsafe(workspaceDir, manifest.paths, true);
    if (unsafe) return unsafe;
    const done: string[] = [];
    try {
      for (const p of manifest.paths) {
        await this.copy(path.join(entry, 'tree', p), path.join(workspaceDir, p));
        done.push(p);
      }
      return true;
    } catch {
      // A damaged entry: undo the partial restore (only paths checked above), drop the entry, let setup run.
      for (const p of [...done, manifest.paths[done.length]].filter((p) => p !== undefined)) await rm(path.join(workspaceDir, p), { recursive: true, force: true });
      await this.discard(entry);
      return false;
    }
  }

  /**
   * A fresh temp folder under `<dir>/tmp/` (`fixbench-env-XXXXXX`, holding `.fixbench-owner`), so
   * one left by a killed fixbench is removed by a later one. The first call of a process first
   * removes those whose owner is provably gone (src/core/work-owner.ts `sweepDeadWorkFolders`).
   * @throws on file-system errors.
   */
  private async tempFolder(): Promise<string> {
    const base = path.join(this.dir, 'tmp');
    await mkdir(base, { recursive: true });
    this.swept ??= sweepDeadWorkFolders(base);
    await this.swept;
    const tmp = await mkdtempOwned(base, 'fixbench-env-'); // holds its owner from the moment it has its name
    return tmp;
  }

  /** Writes an entry to a temp folder, then renames it into place (first writer wins). */
  private async store(manifest: Manifest, workspaceDir: string): Promise<void> {
    const tmp = await this.tempFolder();
    const entry = path.join(this.dir, 'envs', manifest.key);
    try {
      await mkdir(path.join(tmp, 'entry', 'tree'), { recursive: true });
      for (const p of manifest.paths) await this.copy(path.join(workspaceDir, p), path.join(tmp, 'entry', 'tree', p));
      await writeFile(path.join(tmp, 'entry', 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
      await mkdir(path.join(this.dir, 'envs'), { recursive: true });
      await rename(path.join(tmp, 'entry'), entry);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTEMPTY/EEXIST: another writer stored the same key first; theirs is as good as ours.
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  private async discard(entry: string): Promise<void> {
    const trash = await this.tempFolder();
    await rename(entry, path.join(trash, 'entry')).catch(() => {});
    await rm(trash, { recursive: true, force: true });
  }

  /**
   * Copies a file or folder keeping modes, times and symlinks as they are (never following one);
   * copy-on-write when possible. Missing folders above `to` are made one by one (`mkdir` never
   * follows a link; callers checked the existing ones with `firstUnsafe`).
   */
  private async copy(from: string, to: string): Promise<void> {
    const src = from.replace(/\/$/, '');
    const dest = to.replace(/\/$/, '');
    await mkdirNoFollow(path.dirname(dest));
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

const lstatOrNull = (p: string): Promise<Stats | null> => lstat(p).catch(() => null);

/**
 * The first of `paths` (relative to `root`, a folder ending with "/") whose folders in `root` are
 * not all real folders (a symlink, a file), or, when `mustBeAbsent`, that already exists, as a
 * sentence naming it; null when all are safe. Never follows a link (lstat of every component).
 */
async function firstUnsafe(root: string, paths: readonly string[], mustBeAbsent: boolean): Promise<string | null> {
  const checked = new Set<string>();
  for (const raw of paths) {
    const parts = raw.replace(/\/$/, '').split('/');
    if (parts.some((c) => c === '' || c === '.' || c === '..')) return `${JSON.stringify(raw)} is not a plain relative path`;
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (checked.has(dir)) continue;
      const st = await lstatOrNull(path.join(root, dir));
      if (st && !st.isDirectory()) return `${JSON.stringify(dir)} in the workspace is ${st.isSymbolicLink() ? 'a symlink' : 'not a folder'} (above ${JSON.stringify(raw)})`;
      checked.add(dir);
    }
    if (mustBeAbsent && (await lstatOrNull(path.join(root, parts.join('/'))))) return `${JSON.stringify(raw)} already exists in the workspace`;
  }
  return null;
}

/** Makes `dir` and any missing folder above it, one component at a time; fails on a link or a file. */
async function mkdirNoFollow(dir: string): Promise<void> {
  const st = await lstatOrNull(dir);
  if (st?.isDirectory()) return;
  if (st) throw new Error(`${dir} is not a folder`);
  await mkdirNoFollow(path.dirname(dir));
  await mkdir(dir);
}
