// The patch an attempt produced (DESIGN.md §4): the workspace's changes against the state after
// setup (`base_commit` plus setup's own edits) as a unified diff of text files, bytes preserved.
import { isUtf8 } from 'node:buffer';
import { copyFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { InfraError } from '../core/errors.ts';
import { gitFailure, gitTry } from './git.ts';
import { HOST_GIT_SILENT_LIMIT_MS, hostGit, snapshotCommit, type HostGit, type HostRepo } from './host-git.ts';
import { restoreOwnerAccess } from '../sandbox/owner-access.ts';
import { filledByAgent, isNoSpace, type SpaceBefore } from './disk-fill.ts';

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
 * Diff of the working tree of `repo.dir` against the state `setup` left (`snapshotCommit`: the
 * base commit, or the commit `recordSetupState` made when setup changed tracked files): tracked
 * edits, deletions and new untracked files, but not gitignored files (node_modules, build output)
 * and not files setup created. Text hunks only: binary files, and text files that are not valid
 * UTF-8 before or after the change, are dropped and counted. Bytes are otherwise preserved (CRLF,
 * missing final newline as `\ No newline at end of file`); git's output is decoded once, whole,
 * and the text is never trimmed. Renames appear as a deletion plus a creation (`--no-renames`),
 * which every applier reads.
 *
 * Reads only fixbench's own git directory (`hostGit`), on a temporary copy of its index: the
 * workspace's `.git` is never read, so an agent that deleted, replaced or rewrote it (config,
 * commondir, hooks, alternates, attributes) still has its work tree diffed, and commits it made
 * count only through the files they left. Entries named `.git` (any case) are never added (git
 * skips them); a nested repository is left out (`--ignore-submodules=all`); a file git cannot
 * read is skipped (`--ignore-errors`) rather than failing the attempt.
 * Throws `WorkspaceOverflowError` when what the workspace holds is too much to extract (the
 * argument list, a buffer or the patch string overflows, or `git add` outlasts the host git silent
 * limit, HOST_GIT_SILENT_LIMIT_MS): the agent's doing, not the harness's. A FIFO, a socket or a
 * device is skipped by git, never read.
 * A full file system (ENOSPC/EDQUOT) is the agent's too (`WorkspaceOverflowError`) when `space`, the
 * workspace's file system read just before the agent ran (`spaceBefore`), shows the workspace grew by
 * more than half of what was free (`filledByAgent`, a bounded walk run only then); otherwise, or
 * without `space`, it is the harness's (another attempt or process filled it).
 * A failed `git add` is a failure (`addFailure`): ENOSPC/EDQUOT goes to the full-disk verdict above,
 * any other failure is an `InfraError`; only its per-path "could not add"/"unable to index" errors
 * (a file the model made unreadable) are tolerated.
 * Throws `InfraError` when git itself fails otherwise.
 */
export async function extractPatch(repo: HostRepo, space: SpaceBefore | null = null): Promise<ExtractedPatch> {
  try {
    return await extractIn(repo);
  } catch (err) {
    if (err instanceof WorkspaceOverflowError || !space || !isNoSpace(err)) throw err;
    const fill = await filledByAgent(repo.dir, space);
    if (!fill.filled) throw err;
    throw new WorkspaceOverflowError(`the workspace filled its file system: it grew by ${fill.grewBytes} bytes in ${fill.grewFiles} entries while ${space.freeBytes} bytes and ${space.freeFiles} inodes were free before the agent ran (${(err as Error).message.slice(0, 200)})`, { cause: err });
  }
}

/**
 * Whether the work tree of `repo.dir` holds no change a patch would carry: no tracked file differs
 * from the state setup left (`snapshotCommit`) and no untracked, non-ignored file exists — what
 * `git add --all` would add, read without writing anything (`GIT_OPTIONAL_LOCKS=0`: no index refresh),
 * so it answers on a full disk too. False when git fails or cannot tell. Never throws.
 */
export async function workTreeUnchanged(repo: HostRepo): Promise<boolean> {
  try {
    const git = hostGit(repo, { GIT_OPTIONAL_LOCKS: '0' });
    const base = await snapshotCommit(repo);
    const same = await gitTry(git, ['diff', '--quiet', '--no-ext-diff', '--no-textconv', '--no-renames', '--ignore-submodules=all', base, '--']);
    return same.ok && (await git.raw(['ls-files', '-z', '--others', '--exclude-standard'])) === '';
  } catch {
    return false;
  }
}

/** `extractPatch` without the full-disk verdict. */
async function extractIn(repo: HostRepo): Promise<ExtractedPatch> {
  // The agent's last command may have taken the workspace's owner bits: git could not open it (an
  // infra error the model caused). Folders below it that git cannot read are skipped (git warns).
  await restoreOwnerAccess(repo.dir);
  const index = join(repo.gitDir, `fixbench-index-${randomBytes(6).toString('hex')}`);
  try {
    const original = join(repo.gitDir, 'index');
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
    const git = hostGit(repo, { GIT_INDEX_FILE: index });
    const base = await snapshotCommit(repo);
    const diff = ['diff', '--cached', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--ignore-submodules=all', '--src-prefix=a/', '--dst-prefix=b/'];
    try {
      // Exit 1 when a path could not be added (unreadable, or a name git refuses): the rest is added.
      const added = await gitTry(git, ['add', '--all', '--ignore-errors', '--', '.']);
      // Killed at the silent limit: hashing what the agent left (a 2^40-byte sparse file) outlasted it.
      if (!added.ok && /block timeout reached/.test(added.output)) throw new WorkspaceOverflowError(`the workspace holds too much to extract: git add ran ${HOST_GIT_SILENT_LIMIT_MS / 1000} s without finishing (e.g. a huge, possibly sparse, file)`);
      if (!added.ok) {
        // git prints names raw: a name holding a newline could forge a line of git's own (the agent's fault, like a non-UTF-8 name).
        const names = [
          ...(await git.raw(['ls-files', '-z', '--others', '--exclude-standard'])).split('\0'),
          ...(await git.raw(['diff', '--cached', '--name-only', '--no-renames', '-z', base, '--'])).split('\0'),
        ];
        const forged = names.find((n) => /[\n\r]/.test(n));
        if (forged !== undefined) throw new WorkspaceOverflowError(`the workspace holds a file name with a line break (${JSON.stringify(forged)}); git's messages about it cannot be read`);
        addFailure(added.output);
      }
      // One process for both: `--numstat -z --patch` prints the numstat records, an empty record, then the patch.
      const { numstat, patch: whole } = splitNumstatPatch(await git.raw([...diff, '--numstat', '-z', '--patch', base, '--']));
      // A path that is not valid UTF-8 cannot be named back to git from decoded text (its bytes
      // became U+FFFD), so it could be neither dropped nor carried faithfully: the agent's fault.
      const badName = numstatPaths(numstat).find((p) => p.includes('\uFFFD'));
      if (badName !== undefined) throw new WorkspaceOverflowError(`the workspace holds a file name that is not valid UTF-8 (${JSON.stringify(badName)}); a patch cannot carry it`);
      // Files a text patch cannot carry are reset to `base` in the temporary index (their names go
      // to git through a file, never one argument each: thousands of long names overflow argv).
      const dropped = new Set(binaryPaths(numstat));
      // The patch again, without them (only then: most attempts change no binary file).
      let patch = whole;
      if (dropped.size) {
        await resetToBase(repo, index, base, [...dropped]);
        patch = await git.raw([...diff, base]);
      }
      // A replacement character in the text may be a byte that was not UTF-8: check the blobs
      // (only then, so the common case costs nothing) and leave such files out like binary ones.
      if (patch.includes('\uFFFD')) {
        const undecodable: string[] = [];
        for (const path of numstatPaths(numstat).filter((p) => !dropped.has(p))) {
          const blobs = [await blob(git, `:0:${path}`), await blob(git, `${base}:${path}`)];
          if (blobs.some((b) => b !== null && !isUtf8(b))) undecodable.push(path);
        }
        if (undecodable.length) {
          for (const p of undecodable) dropped.add(p);
          await resetToBase(repo, index, base, undecodable);
          patch = await git.raw([...diff, base]);
        }
      }
      return { patch, binaryFilesDropped: dropped.size };
    } catch (err) {
      if (err instanceof WorkspaceOverflowError) throw err;
      if (isWorkspaceOverflow(err)) throw new WorkspaceOverflowError(`the workspace's changes are too large to extract as a patch: ${(err as Error).message.slice(0, 200)}`, { cause: err });
      throw gitFailure(`extracting the patch of ${repo.dir}`, err);
    }
  } finally {
    await rm(index, { force: true });
  }
}

/**
 * Sets the entries of `paths` in the temporary index `index` to their state in `base` (removed when
 * `base` has none), so `diff --cached base` no longer shows them. The names go NUL-separated through
 * a file (`--pathspec-from-file`), taken literally (`GIT_LITERAL_PATHSPECS`): no glob, no magic.
 */
async function resetToBase(repo: HostRepo, index: string, base: string, paths: string[]): Promise<void> {
  if (!paths.length) return;
  const list = `${index}-paths`;
  try {
    await writeFile(list, paths.map((p) => `${p}\0`).join(''));
    const git = hostGit(repo, { GIT_INDEX_FILE: index, GIT_LITERAL_PATHSPECS: '1' });
    await git.raw(['reset', '-q', base, `--pathspec-from-file=${list}`, '--pathspec-file-nul']);
  } finally {
    await rm(list, { force: true });
  }
}

/** Per-path complaints `git add --ignore-errors` skips past (a file or folder it cannot read or index, a FIFO, socket or device, a name it refuses: `.GIT/config`): the model's problem, tolerated. */
const ADD_PATH_ERROR = /^(error: open\(".*"\): |error: .*: can only add regular files, symbolic links or git-directories|error: unable to stat |error: invalid path '.*'$|error: unable to add '.*' to index$|error: unable to index file |error: could not add |warning: could not open directory |error: .* does not have a commit checked out|warning: adding embedded git repository|hint: )/;

/**
 * The verdict on a failed `git add --all --ignore-errors` (its combined output `output`): returns when
 * every complaint is one of the per-path errors --ignore-errors is there for (ADD_PATH_ERROR).
 * @throws Error (code ENOSPC, message holding git's) when git met a full file system (ENOSPC/EDQUOT):
 *   the index it wrote may be partial and the diff empty; `extractPatch` decides who filled it.
 * @throws InfraError when the command failed otherwise (no per-path error, or any other complaint).
 */
export function addFailure(output: string): void {
  const text = output.trim().slice(0, 500);
  // File names are the model's: a quoted name (`open("…")`, `'…'`) never counts as git's own words.
  const unquoted = output.replace(/"(?:[^"\\\n]|\\.)*"|'[^'\n]*'/g, '""');
  if (isNoSpace(new Error(unquoted))) throw Object.assign(new Error(`git add could not write: ${text}`), { code: 'ENOSPC' });
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const pathErrors = lines.filter((l) => ADD_PATH_ERROR.test(l));
  const other = lines.filter((l) => !ADD_PATH_ERROR.test(l) && /^(fatal|error):/i.test(l));
  if (pathErrors.length === 0 || other.length > 0) throw new InfraError(`git add failed while extracting the patch: ${text}`);
}

/** Extraction failed because of what the workspace holds (its size), not because git or the host failed. */
export class WorkspaceOverflowError extends Error {
  override name = 'WorkspaceOverflowError';
}

/** Whether `err` is an overflow of the argument list, a child's output buffer, or a string's maximum length. */
export function isWorkspaceOverflow(err: unknown): boolean {
  if (err instanceof RangeError) return true;
  const text = `${(err as NodeJS.ErrnoException)?.code ?? ''} ${(err as Error)?.message ?? String(err)}`;
  return /\b(E2BIG|ENOBUFS|ERR_STRING_TOO_LONG)\b|Invalid string length|Cannot create a string longer|maxBuffer/.test(text);
}

/** The blob `spec` (`:0:path` in the index, `<commit>:path`) names, or null when there is none. */
async function blob(git: HostGit, spec: string): Promise<Buffer | null> {
  try {
    return await git.showBuffer([spec]);
  } catch {
    return null;
  }
}

/**
 * The two parts of `git diff --numstat -z --patch`: the numstat records (each ending in NUL), then
 * one more NUL (git's separator, an empty record) and the patch. Empty output is no change at all.
 * Numstat records are never empty and paths hold no NUL, so the first NUL pair ends the records.
 * @throws InfraError when the output has records but no separator (not git's format).
 */
export function splitNumstatPatch(out: string): { numstat: string; patch: string } {
  if (out === '') return { numstat: '', patch: '' };
  const at = out.indexOf('\0\0');
  if (at < 0) throw new InfraError(`git diff --numstat -z --patch: no separator between the numstat records and the patch in its output (${JSON.stringify(out.slice(0, 80))})`);
  return { numstat: out.slice(0, at + 1), patch: out.slice(at + 2) };
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
