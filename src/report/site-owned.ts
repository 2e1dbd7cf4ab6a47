// What `report --site` wrote in its output folder (`.fixbench-site.json`), so a later build removes
// the reports of runs no longer under the results folder — and never a file fixbench did not write
// (newcomer12 #11). A run's report folder is removed only when the site recorded writing it and its
// index.html is still the one it wrote; then only the files of a report's layout go (index.html, the
// attempt pages its pages.json names, the stylesheet, pages.json), never through a link, and each
// folder only once empty: anything else placed there stays, and so does its folder.
import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { OwnedTree } from '../core/owned-tree.ts';
import { RunId } from '../core/records.ts';
import { removeAttemptPages } from './attempt-pages.ts';

/** The site folder's record of the run reports it wrote. */
const SiteManifest = z.object({
  format_version: z.literal(1),
  /**
   * Run id → SHA-1 (hex) of the `<run_id>/index.html` a site build wrote (an integrity check, not a
   * security boundary) and the results folder (absolute) it was built from: a build over another
   * results folder sharing this site folder never removes it.
   */
  runs: z.record(RunId, z.object({ index_sha1: z.string().regex(/^[0-9a-f]{40}$/), results: z.string() })),
});
export type SiteManifest = z.infer<typeof SiteManifest>;

/** The manifest's file name in the site folder. */
export const SITE_MANIFEST = '.fixbench-site.json';

/** What {@link removeGoneRuns} did: run ids whose reports it removed, and those it left with why. */
export interface GoneRuns {
  removed: string[];
  kept: Array<{ id: string; reason: string }>;
}

/** SHA-1 (hex) of a file's bytes; null when it is not a regular file (a link, a folder, absent). */
async function fileSha1(file: string): Promise<string | null> {
  const st = await lstat(file).catch(() => null);
  if (!st?.isFile()) return null;
  return createHash('sha1').update(await readFile(file)).digest('hex');
}

/** The site folder's manifest; an empty one when there is none or it is not one (then nothing is removed). */
export async function readSiteManifest(outDir: string): Promise<SiteManifest> {
  try {
    const m = SiteManifest.safeParse(JSON.parse(await readFile(join(outDir, SITE_MANIFEST), 'utf8')));
    if (m.success) return m.data;
  } catch {
    // none yet, or unreadable
  }
  return { format_version: 1, runs: {} };
}

/** The manifest entry of a report just written at `<outDir>/<runId>/index.html` from the results folder `results` (absolute). */
export async function recordWritten(outDir: string, runId: string, results: string): Promise<SiteManifest['runs'][string] | null> {
  const sha = await fileSha1(join(outDir, runId, 'index.html'));
  return sha ? { index_sha1: sha, results } : null;
}

/** Writes the manifest (runs sorted by id) through `tree` (the site folder's: src/core/owned-tree.ts), atomically. */
export async function writeSiteManifest(tree: OwnedTree, runs: SiteManifest['runs']): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(runs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  await tree.write(join(tree.root, SITE_MANIFEST), JSON.stringify({ format_version: 1, runs: sorted }) + '\n');
}

/**
 * Removes the report folder `<outDir>/<id>` of each of `gone` (run ids of `before`, the previous
 * build's manifest, whose run folder is no longer in the results folder). A folder is left, with the
 * reason, when it is not a real folder (a link), or its index.html is not the one the site wrote
 * (replaced or removed since); a folder that still holds files fixbench did not write keeps them
 * and is itself left (removed: its report's own files are). Never throws for a file that cannot be
 * removed: that run is kept with the error. Every removal goes through `tree` (rooted at `<outDir>`,
 * the site folder: src/core/owned-tree.ts), so nothing behind a link is removed.
 */
export async function removeGoneRuns(tree: OwnedTree, before: SiteManifest, gone: readonly string[]): Promise<GoneRuns> {
  const out: GoneRuns = { removed: [], kept: [] };
  const outDir = tree.root;
  for (const id of gone) {
    const entry = before.runs[id];
    if (!entry || !RunId.safeParse(id).success) continue;
    const dir = join(outDir, id);
    const st = await lstat(dir).catch(() => null);
    if (!st) continue; // already gone
    if (!st.isDirectory()) {
      out.kept.push({ id, reason: `${dir} is not a folder fixbench wrote (a link or a file); left as it is` });
      continue;
    }
    if ((await fileSha1(join(dir, 'index.html'))) !== entry.index_sha1) {
      out.kept.push({ id, reason: `${join(dir, 'index.html')} is not the report report --site wrote (changed or removed since); left as it is` });
      continue;
    }
    const others = `its report's files were removed; ${dir} holds other files fixbench did not write, so it is left`;
    try {
      await tree.remove(join(dir, 'index.html'));
      if (!(await removeAttemptPages(tree, dir)) || !(await tree.removeFolder(dir))) {
        out.kept.push({ id, reason: others });
        continue;
      }
      out.removed.push(id);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      out.kept.push({ id, reason: code === 'ENOTEMPTY' || code === 'EEXIST' ? others : `${dir}: ${(e as Error).message}` });
    }
  }
  return out;
}
