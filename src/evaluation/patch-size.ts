// How much a model patch may add to a checkout (DESIGN.md §11 rule 3): the planted-file walk lists the
// checkout within a cap (planted-files.ts `MAX_TREE_ENTRIES`), and git and the runner walk it too. A
// patch that floods it with files, or with folders nested thousands deep, would blind the walk or
// time git out into an `infra_error` (atkP11 6): past these limits the patch is the model's fault,
// `patch_failed`, before anything is checked out. No real fix comes near them (SWE-bench's largest
// gold patches touch a few hundred files).
import { diffFiles } from './diff-files.ts';

/** Files one patch may touch at most. */
export const MAX_PATCH_FILES = 10_000;
/** Distinct folders the paths of one patch may lie in at most (every ancestor counted). */
export const MAX_PATCH_FOLDERS = 10_000;
/** Path components (folders and the file) one path of a patch may have at most. */
export const MAX_PATH_DEPTH = 48;

/**
 * Why `patch` is too large to grade (a sentence naming the limit and the count), or null.
 * Counts the paths of its file headers (diff-files.ts), old and new.
 */
export function patchSizeProblem(patch: string): string | null {
  const paths = new Set(diffFiles(patch).flatMap((f) => [f.oldPath, f.newPath].filter((p): p is string => p !== null)));
  if (paths.size > MAX_PATCH_FILES) return `the patch touches ${paths.size} files, more than ${MAX_PATCH_FILES}: not graded`;
  const folders = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    if (parts.length > MAX_PATH_DEPTH) return `the patch has a path ${parts.length} components deep (${p.slice(0, 80)}…), more than ${MAX_PATH_DEPTH}: not graded`;
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  if (folders.size > MAX_PATCH_FOLDERS) return `the patch's files lie in ${folders.size} folders, more than ${MAX_PATCH_FOLDERS}: not graded`;
  return null;
}
