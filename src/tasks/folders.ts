// Finding the task folders of a suite directory: shared by loading (load.ts) and linting (lint.ts).
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserInputError } from '../core/errors.ts';

/**
 * The task folders under `tasksDir`, sorted by name: every sub-folder except `repos/` and
 * dot-entries; with `ids`, only those (in folder order).
 * @returns `folders`, the chosen folder names, and `broken`, the paths of entries that cannot be
 *   read (a broken link, say), which are not folders of the result.
 * @throws UserInputError when `tasksDir` cannot be read, or naming every id in `ids` that is not a
 *   task folder (with the known ones).
 */
export async function findTaskFolders(tasksDir: string, ids?: readonly string[]): Promise<{ folders: string[]; broken: string[] }> {
  let entries: string[];
  try {
    entries = await readdir(tasksDir);
  } catch {
    throw new UserInputError(`${tasksDir}: task folder not found; pass --tasks <dir> pointing at a folder of tasks`);
  }
  const folders: string[] = [];
  const broken: string[] = [];
  for (const e of entries.sort()) {
    if (e === 'repos' || e.startsWith('.')) continue;
    const dir = path.join(tasksDir, e);
    const st = await stat(dir).catch(() => null);
    if (!st) broken.push(dir);
    else if (st.isDirectory()) folders.push(e);
  }
  if (!ids?.length) return { folders, broken };
  const unknown = ids.filter((id) => !folders.includes(id));
  if (unknown.length) throw new UserInputError(`unknown task id(s): ${unknown.join(', ')}; known tasks in ${tasksDir}: ${folders.join(', ') || '(none)'}`);
  return { folders: folders.filter((f) => ids.includes(f)), broken };
}
