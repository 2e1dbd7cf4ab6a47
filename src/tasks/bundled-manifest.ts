// The manifest of the tasks shipped with fixbench (`tasks/bundled-manifest.json`): instance_id →
// content hash of the task folder. `--sandbox auto` trusts a task only when it is in the bundled
// tasks/ folder AND its folder still hashes to the manifest's value (src/cli/trust.ts), so a task a
// user adds there (`tasks create`/`mine`/`fetch` write into tasks/ by default) or edits is untrusted.
// Maintainers refresh the manifest after changing a bundled task with `npm run tasks:manifest`.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** File name of the manifest inside the bundled tasks folder. */
export const MANIFEST_FILE = 'bundled-manifest.json';
/** The command that rewrites the manifest from the bundled tasks (shown in every refusal that names it). */
export const MANIFEST_REFRESH = 'npm run tasks:manifest';

/** `tasks/bundled-manifest.json`: `tasks` maps instance_id → `sha256:<64 hex>` of {@link taskFolderHash}. */
export const BundledManifest = z
  .object({
    format_version: z.literal(1),
    tasks: z.record(z.string(), z.string().regex(/^sha256:[0-9a-f]{64}$/)),
  })
  .strict();
export type BundledManifest = z.infer<typeof BundledManifest>;

/** Every file under `dir` (links followed), as `/`-separated paths relative to `dir`, sorted. */
function filesUnder(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = statSync(path.join(dir, r));
    if (st.isDirectory()) out.push(...filesUnder(dir, r));
    else out.push(r);
  }
  return out;
}

/**
 * Content hash of a task folder: sha256 over each file's relative path and the sha256 of its bytes,
 * in path order (`sha256:<hex>`). Renaming, adding, removing or editing any file changes it; file
 * modes and times do not.
 * @throws the fs error when the folder (or a file in it, a broken link say) cannot be read.
 */
export function taskFolderHash(dir: string): string {
  const h = createHash('sha256');
  for (const rel of filesUnder(dir)) {
    h.update(`${rel}\0${createHash('sha256').update(readFileSync(path.join(dir, rel))).digest('hex')}\n`);
  }
  return `sha256:${h.digest('hex')}`;
}

/** The task folder names under `tasksDir` as task loading sees them (sub-folders but `repos/` and dot-entries), sorted. */
export function taskFolderNames(tasksDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(tasksDir).sort();
  } catch {
    return [];
  }
  return names.filter((n) => {
    if (n === 'repos' || n.startsWith('.')) return false;
    try {
      return statSync(path.join(tasksDir, n)).isDirectory();
    } catch {
      return false;
    }
  });
}

/** The manifest that would describe `tasksDir` now: every task folder and its hash. */
export function buildManifest(tasksDir: string): BundledManifest {
  const tasks: Record<string, string> = {};
  for (const id of taskFolderNames(tasksDir)) tasks[id] = taskFolderHash(path.join(tasksDir, id));
  return { format_version: 1, tasks };
}

/** The manifest stored in `tasksDir`, or null when it is missing or not a valid manifest (then nothing is trusted). */
export function readManifest(tasksDir: string): BundledManifest | null {
  try {
    const parsed = BundledManifest.safeParse(JSON.parse(readFileSync(path.join(tasksDir, MANIFEST_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The ids among `ids` (default: every task folder of `tasksDir`) that the manifest of `tasksDir`
 * does not vouch for: not listed, or whose folder hash differs (or cannot be read). Empty when all match.
 */
export function unlistedTasks(tasksDir: string, ids?: readonly string[]): string[] {
  const manifest = readManifest(tasksDir);
  const chosen = ids?.length ? [...ids] : taskFolderNames(tasksDir);
  return chosen.filter((id) => {
    const want = manifest?.tasks[id];
    if (!want) return true;
    try {
      return taskFolderHash(path.join(tasksDir, id)) !== want;
    } catch {
      return true;
    }
  });
}
