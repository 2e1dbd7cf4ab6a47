// SWE-bench's test assets: the files a SWE-bench Multimodal test patch changes that a text diff
// cannot carry (image fixtures: `Binary files … differ` entries). The published task folders ship
// them as `test_assets/<repository path>` and eval.sh copies them over the repository right after
// applying test.patch (`cp -a /swebench/image_assets/test_patch/. /testbed/`). fixbench keeps that
// folder as published (`swe_bench/test_assets/` in the task folder, swe-folder.ts) and writes it
// into the workspace at the same moment, never through a link the code under test left.
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { UserInputError } from '../core/errors.ts';
import { KEPT_DIR } from '../tasks/swe-folder.ts';
import { readRegularBytes } from '../tasks/regular-files.ts';
import { writeNoFollow } from './nofollow-fs.ts';

/** Where a task folder keeps SWE-bench's test assets, relative to the task folder. */
export const TEST_ASSETS_DIR = `${KEPT_DIR}/test_assets`;

/**
 * The files under `<taskDir>/swe_bench/test_assets/`, as `{ rel, bytes }` with `rel` the
 * repository-relative path (`/`-separated), sorted; empty when the folder is absent. Throws
 * `UserInputError` naming the entry for a link or other non-regular entry, or a path into `.git`.
 */
export async function readTestAssets(taskDir: string): Promise<{ rel: string; bytes: Buffer }[]> {
  const root = path.join(taskDir, TEST_ASSETS_DIR);
  const st = await lstat(root).catch(() => null);
  if (!st) return [];
  const out: { rel: string; bytes: Buffer }[] = [];
  const walk = async (rel: string): Promise<void> => {
    const abs = path.join(root, rel);
    const s = await lstat(abs);
    if (s.isDirectory()) {
      for (const e of (await readdir(abs)).sort()) await walk(rel ? `${rel}/${e}` : e);
      return;
    }
    if (rel.split('/').includes('.git')) throw new UserInputError(`${abs}: a test asset inside .git; remove it from ${TEST_ASSETS_DIR}/`);
    const r = await readRegularBytes(abs);
    if (r === null || 'problem' in r) throw new UserInputError(`${r?.problem ?? `${abs}: vanished while it was read`}; ${TEST_ASSETS_DIR}/ must hold regular files only`);
    out.push({ rel, bytes: r.bytes });
  };
  await walk('');
  return out;
}

/**
 * Writes the task's test assets (`readTestAssets`) into the workspace `wsDir` at their paths,
 * replacing whatever is there; folders above them are made real, links removed as links
 * (`writeNoFollow`). Returns one note per file written, for the apply log. Throws as
 * `readTestAssets` does.
 */
export async function writeTestAssets(taskDir: string, wsDir: string): Promise<string[]> {
  const assets = await readTestAssets(taskDir);
  for (const a of assets) await writeNoFollow(wsDir, a.rel, a.bytes, 0o644);
  return assets.map((a) => `test assets: wrote ${a.rel} from ${TEST_ASSETS_DIR}/ (as SWE-bench's eval script copies them after test.patch)`);
}
