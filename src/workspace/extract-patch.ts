// The patch an attempt produced (DESIGN.md §4): the workspace's changes against `base_commit` as
// a unified diff of text files, bytes preserved.
import { copyFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { gitAt, gitFailure, resetWorkspaceGitConfig } from './git.ts';

export interface ExtractedPatch {
  /** Unified diff (`git diff` format, `a/` `b/` prefixes); '' when nothing changed. */
  patch: string;
  /** Number of changed binary files left out of `patch`. */
  binaryFilesDropped: number;
}

/**
 * Diff of the working tree of `dir` against `baseCommit`: tracked edits, deletions and new
 * untracked files, but not gitignored files (node_modules, build output) and not files that
 * `runSetup` recorded as setup output. Text hunks only: binary files are dropped and counted.
 * Bytes are preserved (CRLF, missing final newline as `\ No newline at end of file`); the text
 * is never trimmed. Commits the agent made are included (the diff is against `baseCommit`, not
 * HEAD). Renames appear as a deletion plus a creation (`--no-renames`), which every applier reads.
 *
 * Works on a temporary copy of the index, so the workspace's own index is left as it was. Resets
 * `.git/config` to the canonical workspace config first (an agent's config cannot run filters).
 * Throws `InfraError` when git fails (e.g. `.git` was deleted).
 */
export async function extractPatch(dir: string, baseCommit: string): Promise<ExtractedPatch> {
  await resetWorkspaceGitConfig(dir);
  const index = join(dir, '.git', `fixbench-index-${randomBytes(6).toString('hex')}`);
  try {
    await copyFile(join(dir, '.git', 'index'), index).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    const git = gitAt(dir, { env: { GIT_INDEX_FILE: index } });
    const diff = ['diff', '--cached', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/'];
    try {
      await git.raw(['add', '--all', '--', '.']);
      const numstat = await git.raw([...diff, '--numstat', '-z', baseCommit, '--']);
      const binary = binaryPaths(numstat);
      const patch = await git.raw([...diff, baseCommit, '--', ...binary.map((p) => `:(exclude,literal)${p}`)]);
      return { patch, binaryFilesDropped: binary.length };
    } catch (err) {
      throw gitFailure(`extracting the patch of ${dir}`, err);
    }
  } finally {
    await rm(index, { force: true });
  }
}

/** Paths whose `--numstat -z` record is `-\t-\t<path>` (git's mark of a binary change). */
export function binaryPaths(numstatZ: string): string[] {
  return numstatZ
    .split('\0')
    .filter((rec) => rec.startsWith('-\t-\t'))
    .map((rec) => rec.slice(4));
}
