// Digests of what an attempt page is made from, for incremental builds (src/report/attempt-pages.ts):
// the page's records as the report holds them (after re-pricing), its trajectory files' identity on
// disk (size, mtime, ctime, inode: never their contents), the page's context, and — once per
// build — the code and templates that turn them into HTML. Digesting inputs instead of the
// rendered view keeps an incremental build from building views of unchanged pages and keeps a full
// build's cost near that of no digest at all (bench/RESULTS.md, issue 16).
//
// SHA-1 (node:crypto): an integrity check against stale pages, not a security boundary. Whoever can
// write the report folder can write its pages; an agent's `model_patch` is one input among
// fixbench-chosen bytes before it (timings, costs), and a collision would at worst keep an older,
// still escaped, page. SHA-1 hashed the 31 MB of inputs of the 20 × 500 × 3 bench in about 110 ms
// against 160–190 ms for SHA-256.
import { createHash, type Hash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { AttemptRecord } from '../store/records.ts';
import { trajectoryPath, type AttemptRef } from '../store/trajectory.ts';
import { attemptPageTemplateVersion } from './render.ts';

/**
 * How a page's trajectory will be read, as a string that changes whenever what is read could:
 * `none` (agent without model calls), `not_read` (no run folder), `missing` (no trajectory folder
 * for the contender), or the file's `size:mtimeNs:ctimeNs:inode` (`absent` when it does not exist,
 * `error:<code>` when it cannot be examined). Call it before reading the file: a file replaced in
 * between is then read in its new state and seen as changed at the next build.
 */
export type TrajectoryStamp = string;

/** The {@link TrajectoryStamp} of `ref`'s trajectory file in `runDir`; never throws. */
export async function trajectoryStamp(runDir: string, ref: AttemptRef): Promise<TrajectoryStamp> {
  try {
    const s = await stat(trajectoryPath(runDir, ref), { bigint: true });
    return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'absent' : `error:${code ?? 'unknown'}`;
  }
}

/**
 * Digest (base64url SHA-1) of one attempt page's inputs: `records` (every field, as one JSON text:
 * cheaper than one per record), `stamps` (one per record, same order) and `context` (whatever else
 * the page shows, e.g. its back link and the attempts per task).
 */
export function pageInputDigest(records: readonly AttemptRecord[], stamps: readonly TrajectoryStamp[], context: string): string {
  const h = createHash('sha1');
  part(h, context);
  part(h, JSON.stringify(stamps));
  part(h, JSON.stringify(records));
  return h.digest('base64url');
}

/** Feeds `s` to `h` prefixed by its length, so no two sequences of parts hash the same bytes. */
function part(h: Hash, s: string): void {
  h.update(`${s.length}:`).update(s);
}

/**
 * Folders whose code turns records and trajectories into an attempt page (views, formats, schemas,
 * the store's reader), and `bundle`: the compiled start-up bundle bin runs (dist/bundle, its source
 * maps left out), which holds that code again; absent under tsx (named unreadable in the digest).
 */
const CODE_DIRS = ['report', 'core', 'store', 'bundle'] as const;

/**
 * The content hash of the compiled build this module runs from, when bin/fixbench.mjs checked it in
 * this process: `$FIXBENCH_BUILD_HASH` (which bin sets to the hash it verified against dist/'s files,
 * and deletes otherwise) equal to the `dist_hash` of the `.build-stamp` beside this module's
 * folder. Null under tsx (`src/`), for a process bin did not start, or for any mismatch.
 */
export function verifiedBuildHash(env: NodeJS.ProcessEnv = process.env, moduleUrl: string = import.meta.url): string | null {
  const claimed = env.FIXBENCH_BUILD_HASH;
  if (!claimed || !/^[0-9a-f]{64}$/.test(claimed) || !moduleUrl.endsWith('.js')) return null;
  try {
    const stamp = JSON.parse(readFileSync(new URL('../.build-stamp', moduleUrl), 'utf8')) as { dist_hash?: unknown };
    return stamp.dist_hash === claimed ? claimed : null;
  } catch {
    return null;
  }
}

let codeVersion: string | null = null;
/**
 * A digest of everything besides its inputs that shapes an attempt page: the templates and
 * stylesheet ({@link attemptPageTemplateVersion}) and the code. Compiled and checked by bin
 * ({@link verifiedBuildHash}): the build's content hash, which covers every file of dist/ (so every
 * file of `report/`, `core/` and `store/`, and the templates) and costs no read. Otherwise every
 * file of the running build's `report/`, `core/`, `store/` and `bundle/` folders (`src/` under tsx,
 * `dist/` compiled; `.map` files left out), read once per process (about 90 files, 0.5 MB, plus the
 * bundle's ~6 MB with its code cache when compiled). Any change there rewrites every page
 * at the next build. Unreadable folders are named in the digest instead (a packaging without
 * sources then relies on the templates' digest).
 */
export function attemptPageCodeVersion(): string {
  if (!codeVersion) {
    const build = verifiedBuildHash();
    codeVersion = build
      ? createHash('sha1').update(`templates ${attemptPageTemplateVersion()}\n`).update(`build ${build}\n`).digest('base64url')
      : codeFilesDigest(new URL('../', import.meta.url));
  }
  return codeVersion;
}

/**
 * The digest `attemptPageCodeVersion` falls back to: the templates' digest, then every file of the
 * CODE_DIRS folders under `root` (a folder URL ending in `/`: `src/` or `dist/`), `.map` files left
 * out, each as its path and bytes; a folder that cannot be read is named instead. Never throws.
 */
export function codeFilesDigest(root: URL): string {
  const h = createHash('sha1').update(`templates ${attemptPageTemplateVersion()}\n`);
  for (const dir of CODE_DIRS) {
    const base = new URL(`${dir}/`, root);
    let files: string[];
    try {
      files = (readdirSync(base, { recursive: true }) as string[]).sort();
    } catch {
      h.update(`${dir}: unreadable\n`);
      continue;
    }
    for (const f of files) {
      if (f.endsWith('.map')) continue; // source maps: not code that runs
      let bytes: Buffer;
      try {
        bytes = readFileSync(new URL(f, base));
      } catch {
        continue; // a folder
      }
      part(h, `${dir}/${f}`);
      h.update(`${bytes.length}:`).update(bytes);
    }
  }
  return h.digest('base64url');
}
