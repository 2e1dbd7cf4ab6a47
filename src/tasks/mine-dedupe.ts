// `tasks mine` must not build a second task for a fix already in the suite: an existing task is the
// same candidate when it has the same base_commit and its gold.patch + test.patch make the files
// they touch what the fix commit makes them (the post-image blob of every file equals the commit's),
// whatever its instance_id and however its diff was written (context lines, file order). `tasks create`
// also names a task whose gold.patch alone is the same (only the tests differ): the same fix scored twice.
import path from 'node:path';
import { UserInputError } from '../core/errors.ts';
import { gitAt } from '../workspace/git.ts';
import { findTaskFolders } from './folders.ts';
import { loadTask } from './load.ts';

/**
 * An existing task reduced to what identifies its fix: base_commit and path → post-image blob id
 * (abbreviated as in the patch; all zeros: deleted) of its gold.patch + test.patch (`files`) and of
 * its gold.patch alone (`gold`; absent: not compared).
 */
export interface TaskFix {
  instance_id: string;
  base_commit: string;
  files: Map<string, string>;
  gold?: Map<string, string>;
}

/** path → post-image blob id of each file section of a unified git diff (`index a..b` line; '' when the section has none, a mode change say). */
export function patchPostImages(patch: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const section of patch.split(/^(?=diff --git )/m)) {
    const head = /^diff --git a\/(.+?) b\/(.+)$/m.exec(section);
    if (!head) continue;
    out.set(head[2]!, /^index [0-9a-f]+\.\.([0-9a-f]+)/m.exec(section)?.[1] ?? '');
  }
  return out;
}

/** The fixes of the readable tasks under `tasksDir` (a folder that does not load is skipped; none when `tasksDir` does not exist). */
export async function existingFixes(tasksDir: string): Promise<TaskFix[]> {
  let folders: string[];
  try {
    folders = (await findTaskFolders(tasksDir)).folders;
  } catch (e) {
    if (e instanceof UserInputError) return [];
    throw e;
  }
  const out: TaskFix[] = [];
  for (const f of folders) {
    try {
      const t = await loadTask(path.join(tasksDir, f));
      const gold = patchPostImages(t.patch);
      out.push({ instance_id: t.instance_id, base_commit: t.base_commit, files: new Map([...gold, ...patchPostImages(t.test_patch)]), gold });
    } catch (e) {
      if (!(e instanceof UserInputError)) throw e;
    }
  }
  return out;
}

/**
 * The instance_id of a task in `fixes` that holds the fix `sha` on `parent` (same base_commit, every
 * file of its patches changed by the commit to the same blob), or null. `mirror` is a git folder
 * holding the commit.
 */
export async function duplicateOf(mirror: string, c: { sha: string; parent: string }, fixes: readonly TaskFix[]): Promise<string | null> {
  const same = fixes.filter((t) => t.files.size && t.base_commit.length >= 7 && c.parent.startsWith(t.base_commit));
  if (!same.length) return null;
  const git = gitAt(mirror);
  const changed = new Set((await git.raw(['diff-tree', '--no-commit-id', '--name-only', '-r', '--no-renames', c.parent, c.sha])).split('\n').filter(Boolean));
  const blobAt = async (p: string): Promise<string | null> => {
    try {
      return (await git.raw(['rev-parse', '--verify', '--quiet', `${c.sha}:${p}`])).trim() || null;
    } catch {
      return null;
    }
  };
  for (const t of same) {
    let all = true;
    for (const [p, blob] of t.files) {
      if (!changed.has(p)) { all = false; break; }
      const now = await blobAt(p);
      const ok = /^0+$/.test(blob) ? now === null : blob !== '' && now !== null && now.startsWith(blob);
      if (!ok) { all = false; break; }
    }
    if (all) return t.instance_id;
  }
  return null;
}

/**
 * The task in `fixes` other than `t.instance_id` with the same base_commit that `t` repeats, or null:
 * `same: 'fix'` when every file `t`'s gold.patch + test.patch touch has the same post-image blob (the
 * same fix however it was split), else `same: 'gold'` when its gold.patch alone does (the same fix
 * with other tests). Blob ids are compared at the shorter abbreviation; patches are diff text.
 */
export function sameFixAs(t: { instance_id: string; base_commit: string; patch: string; test_patch: string }, fixes: readonly TaskFix[]): { id: string; same: 'fix' | 'gold' } | null {
  const gold = patchPostImages(t.patch);
  const files = new Map([...gold, ...patchPostImages(t.test_patch)]);
  const sameBlob = (a: string, b: string | undefined) => b !== undefined && a !== '' && b !== '' && (a.startsWith(b) || b.startsWith(a));
  const same = (a: Map<string, string> | undefined, want: Map<string, string>) => a !== undefined && a.size > 0 && a.size === want.size && [...a].every(([p, blob]) => sameBlob(blob, want.get(p)));
  const others = fixes.filter((b) => b.instance_id !== t.instance_id && b.base_commit === t.base_commit);
  const fix = others.find((b) => same(b.files, files));
  if (fix) return { id: fix.instance_id, same: 'fix' };
  const g = others.find((b) => same(b.gold, gold));
  return g ? { id: g.instance_id, same: 'gold' } : null;
}
