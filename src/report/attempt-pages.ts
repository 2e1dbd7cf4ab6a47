// Attempt pages, written incrementally (issue 18.4): each page's inputs are digested
// (src/report/page-digest.ts: records, trajectory files' identity, context), and a page's view is
// built, rendered and written only when that digest or the code and templates that make pages
// changed since the last build of the same folder. The digests live in `attempts/pages.json` (written last, atomically); a
// missing, unreadable or foreign manifest means every page is written. An incremental build leaves
// the folder byte-identical to a full one (test/unit/report/incremental.test.ts).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { OwnedTree } from '../core/owned-tree.ts';
import { ATTEMPTS_DIR, ATTEMPT_CSS_PATH, attemptPagePath } from './paths.ts';
import { attemptPageCodeVersion } from './page-digest.ts';
import { ATTEMPT_CSS, renderAttemptHtml } from './render.ts';
import { PageWriter } from './page-writer.ts';
import type { AttemptPageView } from './trajectory.ts';

/** The manifest of a report folder's attempt pages: which template wrote them and each page's digest and size. */
const PagesManifest = z.object({
  format_version: z.literal(1),
  /** Digest of the code, templates and stylesheet that make attempt pages ({@link attemptPageCodeVersion}; before issue 16's fix, of the templates only: a mismatch, so every page is written again). */
  template: z.string(),
  /** Page path relative to `attempts/` (`<contender index>/<task index>.html`) → digest of its inputs ({@link PageJob.prepare}) and its size in bytes. */
  pages: z.record(z.string(), z.object({ digest: z.string(), bytes: z.number().int().nonnegative() })),
});
type PagesManifest = z.infer<typeof PagesManifest>;

const MANIFEST = `${ATTEMPTS_DIR}/pages.json`;
/** A page path the manifest may name: only these are ever deleted (a hand-edited manifest cannot name another file). */
const PAGE_PATH = /^\d+\/\d+\.html$/;

/** One attempt page to have: its matrix cell and the page's inputs (`prepare`, called once). */
export interface PageJob {
  contenderIndex: number;
  taskIndex: number;
  /**
   * Gathers the page's inputs: `digest` changes whenever the page's view could
   * (src/report/page-digest.ts `pageInputDigest`); `view` builds the view model from the same
   * inputs and is called only when the page is written.
   */
  prepare: () => Promise<{ digest: string; view: () => AttemptPageView | Promise<AttemptPageView> }>;
}

/** What {@link writeAttemptPages} did: pages written, pages left as they were, stale pages removed. */
export interface PagesWritten {
  written: number;
  unchanged: number;
  removed: number;
}

/**
 * Brings `outDir/attempts/` to exactly the pages of `jobs` (plus the stylesheet and the manifest):
 * a page whose input digest, code version and size on disk match the previous build's manifest is kept,
 * every other one is rendered and written; pages of the previous build no longer in `jobs` are
 * removed. `limit` bounds the files in flight. Every file is written and removed through `tree`
 * (the report's root: src/core/owned-tree.ts), never through a link.
 * @throws UserInputError when `attempts/` or a folder above it, or an `attempts/<n>/` written to, is a link.
 */
export async function writeAttemptPages(tree: OwnedTree, outDir: string, jobs: Iterable<PageJob> | AsyncIterable<PageJob>, limit: <T>(f: () => Promise<T>) => Promise<T>): Promise<PagesWritten> {
  const template = attemptPageCodeVersion();
  const before = await readManifest(outDir);
  const reuse = before?.template === template; // other code or templates: every page is written again
  const after: PagesManifest = { format_version: 1, template, pages: {} };
  // attempts/ and each attempts/<n>/ are real folders, made if missing; never a link (atkI13 #5)
  await tree.folder(join(outDir, ATTEMPTS_DIR));
  const css = join(outDir, ATTEMPT_CSS_PATH);
  if ((await readFile(css, 'utf8').catch(() => null)) !== ATTEMPT_CSS) await tree.write(css, ATTEMPT_CSS);
  const counts: PagesWritten = { written: 0, unchanged: 0, removed: 0 };
  const work: Array<Promise<void>> = [];
  const writer = new PageWriter(tree); // pages are written by a worker thread, in batches (src/report/page-writer.ts)
  try {
    for await (const job of jobs) {
      work.push(limit(async () => {
        const rel = attemptPagePath(job.contenderIndex, job.taskIndex);
        const key = rel.slice(ATTEMPTS_DIR.length + 1);
        const page = await job.prepare();
        const digest = page.digest;
        const old = before?.pages[key];
        if (reuse && old && old.digest === digest && (await sizeOf(join(outDir, rel))) === old.bytes) {
          after.pages[key] = old;
          counts.unchanged++;
          return;
        }
        const html = renderAttemptHtml(await page.view());
        await writer.write(join(outDir, rel), html);
        after.pages[key] = { digest, bytes: Buffer.byteLength(html) };
        counts.written++;
      }));
    }
    await Promise.all(work);
  } finally {
    await writer.close(); // every page on disk (or the first write's error) before the manifest names them
  }
  for (const key of Object.keys(before?.pages ?? {})) {
    if (after.pages[key] || !PAGE_PATH.test(key)) continue;
    // behind a link, or gone: nothing of ours to remove there
    if (await tree.remove(join(outDir, ATTEMPTS_DIR, key))) counts.removed++;
  }
  // keys sorted: the manifest is the same bytes whatever order the pages were written in
  const sorted: PagesManifest = { ...after, pages: Object.fromEntries(Object.entries(after.pages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
  await tree.write(join(outDir, MANIFEST), JSON.stringify(sorted) + '\n');
  return counts;
}

/**
 * Removes a report folder's attempt pages — only those its manifest names, each a regular file in a
 * real contender folder (never through a link) — then its stylesheet and manifest, then each folder
 * of `outDir/attempts/` left empty (`report --site` removing the report of a run gone from the
 * results folder: src/report/site-owned.ts). Files it did not write stay, and so do their folders.
 * All through `tree` (src/core/owned-tree.ts): nothing behind a link is removed.
 * @returns true when `attempts/` is gone (or never was); false when something else is left in it, or it is a link.
 */
export async function removeAttemptPages(tree: OwnedTree, outDir: string): Promise<boolean> {
  const dir = join(outDir, ATTEMPTS_DIR);
  if (!(await tree.isOwnedFolder(dir))) return tree.removeFolder(dir); // gone (true) or a link (false): its manifest is not read
  const folders = new Set<string>();
  for (const key of Object.keys((await readManifest(outDir))?.pages ?? {})) {
    if (!PAGE_PATH.test(key)) continue;
    folders.add(join(dir, key.split('/')[0]!));
    await tree.remove(join(dir, key));
  }
  for (const f of [join(outDir, ATTEMPT_CSS_PATH), join(outDir, MANIFEST)]) await tree.remove(f);
  for (const f of folders) await tree.removeFolder(f);
  return tree.removeFolder(dir);
}

/** The previous build's manifest; null when there is none or it is not one (every page is then written). */
async function readManifest(outDir: string): Promise<PagesManifest | null> {
  try {
    const m = PagesManifest.safeParse(JSON.parse(await readFile(join(outDir, MANIFEST), 'utf8')));
    return m.success ? m.data : null;
  } catch {
    return null; // none yet, or unreadable: a full build
  }
}

const sizeOf = (file: string): Promise<number> => stat(file).then((s) => (s.isFile() ? s.size : -1), () => -1);
