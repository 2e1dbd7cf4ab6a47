// Test-file protection (DESIGN.md §6 step 2): before the hidden tests are applied, every file
// `test.patch` touches is put back to its `base_commit` state, so a model's edits to test files
// never reach grading.
import { lstat, readFile, readlink, rm } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { gitFailure, gitTry } from '../workspace/git.ts';
import { hostGit, type HostRepo } from '../workspace/host-git.ts';
import { diffFiles } from './diff-files.ts';

export interface TestPatchFiles {
  /** Files test.patch changes or deletes (they exist at base_commit). */
  modifies: string[];
  /** Files test.patch creates (`--- /dev/null`). */
  creates: string[];
}

/** The files a test patch modifies and creates, from its headers (sorted, unique). */
export function testPatchFiles(testPatch: string): TestPatchFiles {
  const modifies = new Set<string>();
  const creates = new Set<string>();
  for (const f of diffFiles(testPatch)) {
    if (f.oldPath !== null) modifies.add(f.oldPath);
    if (f.newPath !== null && f.newPath !== f.oldPath) (f.oldPath === null ? creates : modifies).add(f.newPath);
  }
  return { modifies: [...modifies].sort(), creates: [...creates].sort() };
}

/**
 * Restores every file `testPatch` touches to its state at `baseCommit`: a file that exists at
 * `baseCommit` is checked out from it (`git checkout <base> -- file`) if the working tree differs;
 * a file that does not is deleted. Which case applies is decided by `baseCommit`'s tree, not by
 * the patch's headers. Returns the sorted paths the model had changed (content differed, or the
 * file was missing or present when it should not be) — the `test_files_edited` of an evaluation.
 * Git runs against fixbench's own git directory (`hostGit`). Throws `InfraError` when git fails;
 * paths escaping the work tree are ignored.
 */
export async function protectTestFiles(repo: HostRepo, baseCommit: string, testPatch: string): Promise<string[]> {
  const { modifies, creates } = testPatchFiles(testPatch);
  const dir = repo.dir;
  const git = hostGit(repo);
  const edited: string[] = [];
  for (const path of [...new Set([...modifies, ...creates])].sort()) {
    const abs = resolve(dir, path);
    const rel = relative(dir, abs);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(/[\\/]/)[0] === '.git') continue;
    const spec = `:(literal)${rel}`;
    const atBase = await baseBlob(repo, baseCommit, rel);
    const now = await lstat(abs).catch(() => null);
    try {
      if (atBase === null) {
        if (!now) continue;
        edited.push(rel);
        await rm(abs, { recursive: true, force: true });
        await gitTry(git, ['rm', '--cached', '--quiet', '--ignore-unmatch', '-r', '--', spec]);
      } else {
        const same = now?.isSymbolicLink()
          ? Buffer.from(await readlink(abs)).equals(atBase)
          : now?.isFile() && (await readFile(abs)).equals(atBase);
        if (same) continue;
        edited.push(rel);
        if (now) await rm(abs, { recursive: true, force: true });
        await git.raw(['checkout', baseCommit, '--', spec]);
      }
    } catch (err) {
      throw gitFailure(`restoring test file ${rel}`, err);
    }
  }
  return edited;
}

/** Contents of `path` at `commit`, or null when it is not a file there. */
async function baseBlob(repo: HostRepo, commit: string, path: string): Promise<Buffer | null> {
  const git = hostGit(repo);
  const type = await gitTry(git, ['cat-file', '-t', `${commit}:${path}`]);
  if (!type.ok || type.output.trim() !== 'blob') return null;
  return git.showBuffer([`${commit}:${path}`]);
}
