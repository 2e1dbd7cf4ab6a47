// Applying a patch to a workspace (DESIGN.md §6 step 1, step 3): git apply, then fallbacks,
// resetting the tree between tries; never in reverse; never outside the work tree.
import { lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, isAbsolute, sep } from 'node:path';
import { execa } from 'execa';
import { gitTry } from '../workspace/git.ts';
import { hostGit, type HostRepo } from '../workspace/host-git.ts';
import { diffFiles } from './diff-files.ts';
import { APPLY_STRATEGIES, type ApplyStrategy } from '../core/records.ts';
import { dropUnsafeEntries, splitEntries } from './unsafe-entries.ts';
import { dropEntriesThroughCheckoutLinks, PATH_ERRORS } from './checkout-links.ts';
import { hostPath } from '../core/host-path.ts';

/** Strategies in the order they are tried (names as stored in `apply_strategy`; the enum lives with the record schema). */
export { APPLY_STRATEGIES, type ApplyStrategy };

export interface ApplyResult {
  ok: boolean;
  /** The strategy that applied the patch; null when none did. */
  strategy: ApplyStrategy | null;
  /** Every command tried with its output and exit status, for logs (dropped entries first). */
  log: string;
  /** File entries dropped before any strategy ran because they would leave the work tree (`dropUnsafeEntries`) or meet a symlink of the checkout (`dropEntriesThroughCheckoutLinks`). */
  unsafeEntriesDropped: number;
}

/**
 * Applies `patch` to the working tree of `repo.dir`, trying in order
 * `git apply --whitespace=nowarn`, `git apply --3way --whitespace=nowarn`,
 * `git apply --recount --whitespace=nowarn` (hunk line counts recomputed from the hunk bodies, for
 * LLM-written diffs whose `@@` counts are wrong), and `patch --batch --forward --fuzz=3 -p1`
 * (skipped, with a note in the log, when GNU patch is not installed). Before any strategy runs, the
 * entries that would leave the work tree (a `.git` component in any case, `..`, an absolute path,
 * a symlink leading out) are dropped once (`dropUnsafeEntries`), and so are those meeting a
 * symlink the checkout already holds (a path through it, a text change written through it, a new
 * link's target through it: `dropEntriesThroughCheckoutLinks`, read with lstat before the first
 * try); all are counted in `unsafeEntriesDropped` and named in the log: no strategy ever sees them. Git runs against
 * fixbench's own git directory (`hostGit`), GNU patch with a minimal environment and `-g0` (no
 * version-control checkouts).
 * Before each fallback and after a final failure the tree is reset (`git reset --hard` to the
 * state after setup, `git clean -fd` — ignored files such as an installed node_modules and files
 * setup created are kept — and removal of files the failed try created, never through a symlink).
 * Nothing is ever applied in reverse: no `-R` for git, and `--forward` makes GNU patch refuse a
 * patch that looks reversed or already applied (`--batch` alone would assume `-R`). A patch not
 * ending in a newline gets exactly one appended. A model's patch is given here after
 * `normalizePatch` (prose, fences and binary entries removed). Never throws for a patch that does
 * not apply; throws only if the patch file cannot be written or the checkout cannot be read.
 */
export async function applyPatch(repo: HostRepo, patch: string, opts: { strategies?: readonly ApplyStrategy[] } = {}): Promise<ApplyResult> {
  const strategies = opts.strategies ?? APPLY_STRATEGIES;
  const pure = dropUnsafeEntries(patch);
  const linked = await dropEntriesThroughCheckoutLinks(repo.dir, pure.patch);
  const safe = { patch: linked.patch, unsafeEntriesDropped: pure.unsafeEntriesDropped + linked.unsafeEntriesDropped, notes: [...pure.notes, ...linked.notes] };
  const log: string[] = safe.notes.map((n) => `unsafe entry: ${n}`);
  const done = (ok: boolean, strategy: ApplyStrategy | null): ApplyResult => ({ ok, strategy, log: log.join('\n'), unsafeEntriesDropped: safe.unsafeEntriesDropped });
  if (safe.patch.trim() === '') {
    log.push('nothing left to apply');
    return done(false, null);
  }
  const tmp = await mkdtemp(join(tmpdir(), 'fixbench-patch-'));
  const file = join(tmp, 'patch.diff');
  try {
    await writeFile(file, safe.patch.endsWith('\n') ? safe.patch : safe.patch + '\n');
    const created = await absentCreatedPaths(repo.dir, safe.patch);
    for (const [i, strategy] of strategies.entries()) {
      if (i > 0) await resetTree(repo, created, log);
      const res = await TRIES[strategy](repo, file);
      log.push(`$ ${res.command}\n${res.output.trimEnd()}\n[${res.ok ? 'applied' : res.skipped ? 'skipped' : 'failed'}]`);
      if (res.ok) return done(true, strategy);
    }
    await resetTree(repo, created, log);
    return done(false, null);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

interface Try {
  command: string;
  ok: boolean;
  skipped?: boolean;
  output: string;
}

const TRIES: Record<ApplyStrategy, (repo: HostRepo, file: string) => Promise<Try>> = {
  'git apply': (repo, file) => gitApply(repo, ['--whitespace=nowarn', file]),
  'git apply --3way': (repo, file) => gitApply(repo, ['--3way', '--whitespace=nowarn', file]),
  // `--recount` reads a hunk up to the next `@@ ` or `diff ` line, so a plain `--- ` header after it
  // would be eaten as a removed line: each file entry goes in its own patch file (applied together, atomically).
  'git apply --recount': async (repo, file) => {
    const entries = splitEntries(await readFile(file, 'utf8'));
    const files = await Promise.all(entries.map(async (e, i) => {
      const f = `${file}.${i}`;
      await writeFile(f, e.endsWith('\n') ? e : `${e}\n`);
      return f;
    }));
    return gitApply(repo, ['--recount', '--whitespace=nowarn', ...files]);
  },
  'patch --fuzz': async (repo, file) => {
    const args = ['--batch', '--forward', '--fuzz=3', '-p1', '-g0', '--no-backup-if-mismatch', '--reject-file=-', '-i', file];
    const command = `patch ${args.join(' ')}`;
    // Only PATH and the locale: no PATCH_GET, VERSION_CONTROL, POSIXLY_CORRECT or key from fixbench's environment.
    const env = { PATH: hostPath(), LC_ALL: 'C' }; // absolute entries only: the cwd is the checkout being patched
    const res = await execa('patch', args, { cwd: repo.dir, reject: false, all: true, stdin: 'ignore', env, extendEnv: false });
    if (res.code === 'ENOENT') return { command, ok: false, skipped: true, output: 'GNU patch is not installed; strategy skipped' };
    return { command, ok: res.exitCode === 0, output: `${res.all ?? ''}` };
  },
};

async function gitApply(repo: HostRepo, args: string[]): Promise<Try> {
  const res = await gitTry(hostGit(repo), ['apply', ...args]);
  return { command: `git apply ${args.join(' ')}`, ok: res.ok, output: res.output };
}

/**
 * Files the patch creates that do not exist now (lstat: ENOENT; only these may be removed on reset): paths inside
 * `dir` whose every folder is a real folder, not a symlink (a reset never deletes through a link).
 */
async function absentCreatedPaths(dir: string, patch: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of diffFiles(patch)) {
    if (f.oldPath !== null || f.newPath === null) continue;
    const abs = resolve(dir, f.newPath);
    const rel = relative(dir, abs);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
    if (await throughLink(dir, rel)) continue;
    const absent = await lstat(abs).then(() => false, (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
    if (absent) out.push(rel);
  }
  return out;
}

/** True when a folder on the way from `dir` to `rel` is a symlink (or not a folder). */
async function throughLink(dir: string, rel: string): Promise<boolean> {
  const parts = rel.split(sep);
  for (let i = 1; i < parts.length; i++) {
    const st = await lstat(join(dir, ...parts.slice(0, i))).catch(() => null);
    if (!st) return false; // the rest does not exist either
    if (!st.isDirectory()) return true;
  }
  return false;
}

/** Back to the state after setup: tracked files reset, untracked non-ignored files removed, the patch's new files removed. */
async function resetTree(repo: HostRepo, created: string[], log: string[]): Promise<void> {
  const git = hostGit(repo);
  const reset = await gitTry(git, ['reset', '--quiet', '--hard']);
  const clean = await gitTry(git, ['clean', '-fdq']);
  for (const rel of created) {
    if (await throughLink(repo.dir, rel)) continue;
    // A path the file system refuses (too long, …) was never written: the model's failure, never an infrastructure error.
    await rm(join(repo.dir, rel), { recursive: true, force: true }).catch((err: NodeJS.ErrnoException) => {
      if (!PATH_ERRORS.has(err.code ?? '')) throw err;
    });
  }
  if (!reset.ok || !clean.ok) log.push(`reset failed: ${reset.output}${clean.output}`);
}
