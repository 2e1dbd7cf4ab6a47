// The patch an attempt produced (DESIGN.md §4): the workspace's changes against `base_commit` as
// a unified diff of text files, bytes preserved.
import { isUtf8 } from 'node:buffer';
import { copyFile, rm, stat, utimes } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { gitAt, gitFailure, resetWorkspaceGitConfig } from './git.ts';

export interface ExtractedPatch {
  /** Unified diff (`git diff` format, `a/` `b/` prefixes); '' when nothing changed. */
  patch: string;
  /**
   * Number of changed files left out of `patch` because a text patch cannot carry them: binary
   * files (as git decides), and text files whose old or new bytes are not valid UTF-8 (the patch
   * is a string, so their bytes would be replaced, and the fix corrupted).
   */
  binaryFilesDropped: number;
}

/**
 * Diff of the working tree of `dir` against `baseCommit`: tracked edits, deletions and new
 * untracked files, but not gitignored files (node_modules, build output) and not files that
 * `runSetup` recorded as setup output. Text hunks only: binary files, and text files that are not
 * valid UTF-8 before or after the change, are dropped and counted. Bytes are otherwise preserved
 * (CRLF, missing final newline as `\ No newline at end of file`); git's output is decoded once,
 * whole, and the text is never trimmed. Commits the agent made are included (the diff is against
 * `baseCommit`, not HEAD). Renames appear as a deletion plus a creation (`--no-renames`), which every applier reads.
 *
 * Works on a temporary copy of the index, so the workspace's own index is left as it was. Resets
 * `.git/config` to the canonical workspace config first (an agent's config cannot run filters).
 * Throws `InfraError` when git fails (e.g. `.git` was deleted).
 */
export async function extractPatch(dir: string, baseCommit: string): Promise<ExtractedPatch> {
  await resetWorkspaceGitConfig(dir);
  const index = join(dir, '.git', `fixbench-index-${randomBytes(6).toString('hex')}`);
  try {
    const original = join(dir, '.git', 'index');
    const copied = await copyFile(original, index).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        return false;
      },
    );
    // Keep the index's mtime: git trusts an entry's cached stat only when the file changed before the
    // index was written ("racy git"). A copy with a fresh mtime would make a same-size edit made in
    // the same second as the checkout look unchanged, and the edit would be lost from the patch.
    if (copied) {
      const st = await stat(original);
      await utimes(index, st.atime, st.mtime);
    }
    const git = gitAt(dir, { env: { GIT_INDEX_FILE: index } });
    const diff = ['diff', '--cached', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/'];
    try {
      await git.raw(['add', '--all', '--', '.']);
      const numstat = await git.raw([...diff, '--numstat', '-z', baseCommit, '--']);
      const binary = binaryPaths(numstat);
      const exclude = (paths: string[]): string[] => paths.map((p) => `:(exclude,literal)${p}`);
      let patch = await git.raw([...diff, baseCommit, '--', ...exclude(binary)]);
      // A replacement character in the text may be a byte that was not UTF-8: check the blobs
      // (only then, so the common case costs nothing) and leave such files out like binary ones.
      if (patch.includes('\uFFFD')) {
        const textPaths = numstatPaths(numstat).filter((p) => !binary.includes(p));
        const undecodable: string[] = [];
        for (const path of textPaths) {
          const blobs = [await blob(git, `:0:${path}`), await blob(git, `${baseCommit}:${path}`)];
          if (blobs.some((b) => b !== null && !isUtf8(b))) undecodable.push(path);
        }
        if (undecodable.length) {
          binary.push(...undecodable);
          patch = await git.raw([...diff, baseCommit, '--', ...exclude(binary)]);
        }
      }
      return { patch, binaryFilesDropped: binary.length };
    } catch (err) {
      throw gitFailure(`extracting the patch of ${dir}`, err);
    }
  } finally {
    await rm(index, { force: true });
  }
}

/** The blob `spec` (`:0:path` in the index, `<commit>:path`) names, or null when there is none. */
async function blob(git: SimpleGit, spec: string): Promise<Buffer | null> {
  try {
    return await git.showBuffer([spec]);
  } catch {
    return null;
  }
}

/** Every path of a `--numstat -z` output (records `<added>\t<deleted>\t<path>`; renames are off). */
export function numstatPaths(numstatZ: string): string[] {
  return numstatZ
    .split('\0')
    .map((rec) => rec.split('\t'))
    .filter((f) => f.length >= 3)
    .map((f) => f.slice(2).join('\t'));
}

/** Paths whose `--numstat -z` record is `-\t-\t<path>` (git's mark of a binary change). */
export function binaryPaths(numstatZ: string): string[] {
  return numstatZ
    .split('\0')
    .filter((rec) => rec.startsWith('-\t-\t'))
    .map((rec) => rec.slice(4));
}
