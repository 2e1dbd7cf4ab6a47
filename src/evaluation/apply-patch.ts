// Applying a patch to a workspace (DESIGN.md §6 step 1, step 3): git apply, then fallbacks,
// resetting the tree between tries; never in reverse.
import { lstat, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { execa } from 'execa';
import { gitAt, gitTry } from '../workspace/git.ts';
import { diffFiles } from './diff-files.ts';

/** Strategies in the order they are tried (names as stored in `apply_strategy`). */
export const APPLY_STRATEGIES = ['git apply', 'git apply --3way', 'patch --fuzz'] as const;
export type ApplyStrategy = (typeof APPLY_STRATEGIES)[number];

export interface ApplyResult {
  ok: boolean;
  /** The strategy that applied the patch; null when none did. */
  strategy: ApplyStrategy | null;
  /** Every command tried with its output and exit status, for logs. */
  log: string;
}

/**
 * Applies `patch` to the working tree of `dir` (a git checkout), trying in order
 * `git apply --whitespace=nowarn`, `git apply --3way --whitespace=nowarn`, and
 * `patch --batch --forward --fuzz=3 -p1` (skipped, with a note in the log, when GNU patch is not
 * installed). Before each fallback and after a final failure the tree is reset (`git reset --hard`,
 * `git clean -fd` — ignored files such as an installed node_modules are kept — and removal of files
 * the failed try created). Nothing is ever applied in reverse: no `-R` for git, and `--forward`
 * makes GNU patch refuse a patch that looks reversed or already applied (`--batch` alone would
 * assume `-R`). A patch not ending in a newline gets exactly one appended. A model's patch is
 * given here after `normalizePatch` (prose, fences and binary entries removed). Never throws for
 * a patch that does not apply; throws only if the patch file cannot be written.
 */
export async function applyPatch(dir: string, patch: string, opts: { strategies?: readonly ApplyStrategy[] } = {}): Promise<ApplyResult> {
  const strategies = opts.strategies ?? APPLY_STRATEGIES;
  const tmp = await mkdtemp(join(tmpdir(), 'fixbench-patch-'));
  const file = join(tmp, 'patch.diff');
  const log: string[] = [];
  try {
    await writeFile(file, patch.endsWith('\n') ? patch : patch + '\n');
    const created = await absentCreatedPaths(dir, patch);
    for (const [i, strategy] of strategies.entries()) {
      if (i > 0) await resetTree(dir, created, log);
      const res = await TRIES[strategy](dir, file);
      log.push(`$ ${res.command}\n${res.output.trimEnd()}\n[${res.ok ? 'applied' : res.skipped ? 'skipped' : 'failed'}]`);
      if (res.ok) return { ok: true, strategy, log: log.join('\n') };
    }
    await resetTree(dir, created, log);
    return { ok: false, strategy: null, log: log.join('\n') };
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

const TRIES: Record<ApplyStrategy, (dir: string, file: string) => Promise<Try>> = {
  'git apply': (dir, file) => gitApply(dir, ['--whitespace=nowarn', file]),
  'git apply --3way': (dir, file) => gitApply(dir, ['--3way', '--whitespace=nowarn', file]),
  'patch --fuzz': async (dir, file) => {
    const args = ['--batch', '--forward', '--fuzz=3', '-p1', '--no-backup-if-mismatch', '--reject-file=-', '-i', file];
    const command = `patch ${args.join(' ')}`;
    const res = await execa('patch', args, { cwd: dir, reject: false, all: true, stdin: 'ignore', env: { LC_ALL: 'C' } });
    if (res.code === 'ENOENT') return { command, ok: false, skipped: true, output: 'GNU patch is not installed; strategy skipped' };
    return { command, ok: res.exitCode === 0, output: `${res.all ?? ''}` };
  },
};

async function gitApply(dir: string, args: string[]): Promise<Try> {
  const res = await gitTry(gitAt(dir), ['apply', ...args]);
  return { command: `git apply ${args.join(' ')}`, ok: res.ok, output: res.output };
}

/** Files the patch creates that do not exist now (only these may be removed on reset). */
async function absentCreatedPaths(dir: string, patch: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of diffFiles(patch)) {
    if (f.oldPath !== null || f.newPath === null) continue;
    const abs = resolve(dir, f.newPath);
    const rel = relative(dir, abs);
    if (rel.startsWith('..') || isAbsolute(rel)) continue;
    if (!(await lstat(abs).catch(() => null))) out.push(abs);
  }
  return out;
}

/** Back to HEAD: tracked files reset, untracked non-ignored files removed, the patch's new files removed. */
async function resetTree(dir: string, created: string[], log: string[]): Promise<void> {
  const git = gitAt(dir);
  const reset = await gitTry(git, ['reset', '--quiet', '--hard']);
  const clean = await gitTry(git, ['clean', '-fdq']);
  for (const abs of created) await rm(abs, { recursive: true, force: true });
  if (!reset.ok || !clean.ok) log.push(`reset failed: ${reset.output}${clean.output}`);
}
