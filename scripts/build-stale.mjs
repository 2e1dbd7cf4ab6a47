// Whether the compiled CLI (dist/) is current: built from the sources as they are (content hash of
// src/ and the build inputs, checked only when a file's stat — size, mtime, ctime, inode — or the
// list of files differs from the stamp's record) and unmodified since (content hash of dist/'s
// files, checked at every start). Used by the build (`--if-stale`), by bin/fixbench.mjs (to
// refuse a modified build, and a stale one for run/eval/merge) and by the tests' global set-up.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SRC = path.join(ROOT, 'src');
export const DIST = path.join(ROOT, 'dist');
/** Written last into dist/: its mtime is the build's time; absent means no (complete) build. */
export const BUILD_STAMP = '.build-stamp';
/**
 * Files besides src/ whose change changes the build: the build scripts (the code cache's warm-up and
 * loader among them), package.json, tsconfig.json
 * (esbuild reads it: e.g. `useDefineForClassFields` changes the output), and the versions of the
 * npm packages the start-up bundle holds a frozen copy of — the lock file and npm's record of what
 * is installed (node_modules/.package-lock.json, rewritten by every install).
 */
export const BUILD_INPUTS = ['scripts/build.mjs', 'scripts/build-stale.mjs', 'scripts/bundle-load.mjs', 'scripts/warm-cache.mjs', 'package.json', 'tsconfig.json', 'package-lock.json', 'node_modules/.package-lock.json'].map((f) => path.join(ROOT, f));

/**
 * A change to a file whose ctime lies this close (ms) before the stamp's stat record may share its
 * timestamp with the recorded state (coarse file-system clocks): such a file is hashed.
 */
const RACY_MS = 2000;

/** The newest (by mtime, ms) of `dir`, every folder and every file under it. */
function newest(dir, best) {
  const m = statSync(dir).mtimeMs; // a file deleted or renamed changes its folder's mtime
  if (m > best.mtimeMs) Object.assign(best, { mtimeMs: m, file: dir });
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest(p, best);
    else if (e.isFile()) {
      const f = statSync(p).mtimeMs;
      if (f > best.mtimeMs) Object.assign(best, { mtimeMs: f, file: p });
    }
  }
  return best;
}

/** Every file under `dir`, as sorted paths relative to it. */
export function filesUnder(dir, rel = '', out = []) {
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) filesUnder(dir, r, out);
    else if (e.isFile()) out.push(r);
  }
  return rel === '' ? out.sort() : out;
}

/**
 * The first entry under `dir` (sorted walk, relative path) that is neither a regular file nor a
 * folder — a symbolic link, a socket, a FIFO, a device — or null when there is none. The build
 * writes only files and folders, and `filesUnder` (so the dist hash) does not see such an entry:
 * a `dist/node_modules` link would shadow the build's imports unnoticed.
 */
export function strayEntry(dir, rel = '') {
  const entries = readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) {
      const inner = strayEntry(dir, r);
      if (inner) return inner;
    } else if (!e.isFile()) return r;
  }
  return null;
}

/**
 * One walk of `dir` for both of the above: `files`, as `filesUnder` lists them, and `stray`, the
 * entry `strayEntry` names (the first in its sorted walk), or null. The start-up check walks each
 * tree once instead of twice.
 */
export function scanTree(dir) {
  const files = [];
  let stray = null;
  const walk = (rel) => {
    const entries = readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) files.push(r);
      else stray ??= r;
    }
  };
  walk('');
  return { files: files.sort(), stray };
}

const sourceStrayReason = (stray) => `src/${stray} is a symbolic link or special file: the build reads only regular files and folders under src/ (put the file itself there)`;

/**
 * Why the sources cannot be built as they are, or null: an entry under src/ that is not a regular
 * file or folder (`strayEntry`: a symbolic link, a FIFO, ...). esbuild would read a link's target,
 * which neither the stat record nor the source hash sees (atkA), so such a tree is refused.
 */
export function sourceStray() {
  const stray = strayEntry(SRC);
  return stray ? sourceStrayReason(stray) : null;
}

/**
 * sha256 (hex) over `files` (relative to `dir`): each path and its bytes, in sorted order. The bytes
 * read of a file named in `keep` (a Map of relative path → Buffer, filled here) are kept, so that
 * a caller runs the very bytes it hashed.
 */
function hashFiles(dir, files, keep) {
  const h = createHash('sha256');
  for (const f of files) {
    const bytes = readFileSync(path.join(dir, f));
    if (keep?.has(f)) keep.set(f, bytes);
    h.update(`${f}\0`);
    h.update(bytes);
    h.update('\0');
  }
  return h.digest('hex');
}

/** Content hash of what a build is made from: every file under src/ plus the build inputs. */
export function sourceHash() {
  const h = createHash('sha256');
  h.update(hashFiles(SRC, filesUnder(SRC)));
  for (const f of BUILD_INPUTS) h.update(existsSync(f) ? readFileSync(f) : '(absent)');
  return h.digest('hex');
}

/** The files of a built folder's listing (`filesUnder`) that its hash covers: every file but the stamp and the source maps (which never run). */
const hashedDistFiles = (files) => files.filter((f) => f !== BUILD_STAMP && !f.endsWith('.map'));

/** Content hash of a built folder: every file but the stamp and the source maps (which never run). */
export const distHash = (dir = DIST) => hashFiles(dir, hashedDistFiles(filesUnder(dir)));

/**
 * The stat of every file under src/ and of every build input: `{[path relative to the package]:
 * "size:mtimeMs:ctimeMs:ino"}` ("absent" for a missing input). An edit that keeps its old mtime
 * (`cp -p`, `touch -r`, `tar x`, `rsync -a --inplace`) still moves the ctime, which no user tool
 * can set back.
 */
export function sourceStats(srcFiles = filesUnder(SRC)) {
  const out = {};
  const one = (rel) => {
    const st = statSync(path.join(ROOT, rel), { throwIfNoEntry: false });
    out[rel] = st ? `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}` : 'absent';
  };
  for (const f of srcFiles) one(`src/${f}`);
  for (const f of BUILD_INPUTS) one(path.relative(ROOT, f));
  return out;
}

/**
 * The stamp's fields about the sources, taken before the build reads them (a source edited during
 * the build then differs from them): `{src_stats, stats_at, src_hash}` (`sourceStats`, the time of
 * that record in ms, `sourceHash`).
 */
export function sourceStampFields() {
  const stats_at = Date.now();
  const src_stats = sourceStats();
  return { src_stats, stats_at, src_hash: sourceHash() };
}

/**
 * The stamp's fields: `{built_at, src_hash, dist_hash, src_stats?, stats_at?}`; null for a stamp of
 * an older build (a bare time). A stamp without `src_stats` (before they were recorded) has its
 * sources hashed at every check.
 */
function readStamp() {
  try {
    const s = JSON.parse(readFileSync(path.join(DIST, BUILD_STAMP), 'utf8'));
    return typeof s?.src_hash === 'string' && typeof s?.dist_hash === 'string' ? s : null;
  } catch {
    return null;
  }
}

/** The newest source or build input by mtime, when newer than the stamp: `{mtimeMs, file}`; else null. */
function newerThanStamp() {
  const built = statSync(path.join(DIST, BUILD_STAMP)).mtimeMs;
  const n = newest(SRC, { mtimeMs: 0, file: '' });
  for (const f of BUILD_INPUTS) if (existsSync(f) && statSync(f).mtimeMs > n.mtimeMs) Object.assign(n, { mtimeMs: statSync(f).mtimeMs, file: f });
  return n.mtimeMs > built ? n : null;
}

/**
 * Of the paths whose stat differs from the stamp's record `was` (added, removed, or size/mtime/
 * ctime/inode changed) or whose ctime is within RACY_MS of the record's time `at`, the one changed
 * last (newest of mtime and ctime; a removed one counts as now); null when there is none.
 */
function lastMoved(was, at, srcFiles) {
  const now = sourceStats(srcFiles);
  let last = null;
  for (const p of new Set([...Object.keys(was), ...Object.keys(now)])) {
    const [, mtime, ctime] = (now[p] ?? 'absent').split(':').map(Number);
    const when = now[p] === undefined || now[p] === 'absent' ? Infinity : Math.max(mtime, ctime);
    if ((was[p] !== now[p] || !(ctime < at - RACY_MS)) && (last === null || when > last.when)) last = { path: p, when };
  }
  return last?.path ?? null;
}

/**
 * Why dist/ must be (re)built, or null when it is current: no build yet, a link or special file
 * under src/ (`sourceStray`: never current, the build refuses it), or a file under src/
 * (added, changed, deleted) or a build input (`BUILD_INPUTS`: the build scripts, package.json,
 * tsconfig.json, the lock file, the installed packages' versions) changed after the build. Content
 * decides: a file whose stat moved but whose bytes (and every other source's) are as built is
 * current. A stamp without a stat record has the sources hashed every time; a stamp of an older
 * build (no hashes) is judged by mtimes alone.
 * @returns a reason naming the path changed last, relative to the package root; or null.
 */
export function buildStale() {
  if (!existsSync(path.join(DIST, BUILD_STAMP))) return 'no build yet';
  const src = scanTree(SRC);
  if (src.stray) return sourceStrayReason(src.stray);
  const stamp = readStamp();
  if (!stamp) {
    const n = newerThanStamp();
    return n ? `${path.relative(ROOT, n.file) || '.'} changed since the last build` : null;
  }
  const recorded = stamp.src_stats && typeof stamp.src_stats === 'object' && typeof stamp.stats_at === 'number';
  const last = recorded ? lastMoved(stamp.src_stats, stamp.stats_at, src.files) : undefined;
  if (last === null || sourceHash() === stamp.src_hash) return null;
  return `${last ?? 'a source or build input'} changed since the last build`;
}

/**
 * What bin/fixbench.mjs checks at start: `{state, reason, buildHash}` — state `missing` (no build),
 * `modified` (a file of dist/ differs from what the build wrote: added, changed or removed; or an
 * entry of dist/ is neither a regular file nor a folder, `strayEntry`),
 * `stale` (`buildStale`), or `ok`; `buildHash` the build's dist hash (null for a missing or
 * older-format build). Cost: one walk of dist/ and one of src/ (`scanTree`), one hash of dist/'s
 * files (~5.5 MB with the bundle) and one stat per source, plus one hash of src/ only when a stat
 * differs from the stamp's record.
 * `strict` (commands that record results: run, eval, merge): a stamp without its content hashes (an
 * older format, or not JSON) is `modified`, since dist/ cannot be checked against it (it was
 * otherwise read by mtimes only, and rewriting the stamp skipped the check). The stamp certifies
 * accidents (an edit, a partial copy), not an attacker who can write dist/ (it could rewrite the
 * stamp's hashes as well).
 * `keep`: files of dist/ (relative paths) whose bytes the check returns as it hashed them, in
 * `kept` (a Map of path → Buffer; a path not hashed — no such file, or a stamp without hashes —
 * maps to null): bin runs the bundle from these bytes, not from a second read. A path ending in `/`
 * keeps every file under that folder.
 */
export function buildCheck({ strict = false, keep = [] } = {}) {
  if (!existsSync(path.join(DIST, BUILD_STAMP))) return { state: 'missing', reason: 'no build yet', buildHash: null };
  const stamp = readStamp();
  if (!stamp && strict) return { state: 'modified', reason: `dist/${BUILD_STAMP} holds no content hashes (an older build, or rewritten), so dist/ cannot be checked`, buildHash: null };
  const dist = scanTree(DIST);
  if (dist.stray) return { state: 'modified', reason: `dist/${dist.stray} is not a regular file or folder (a link or special file), which the build never writes`, buildHash: stamp?.dist_hash ?? null };
  const kept = new Map([...keep.filter((f) => !f.endsWith('/')), ...dist.files.filter((f) => keep.some((k) => k.endsWith('/') && f.startsWith(k)))].map((f) => [f, null]));
  if (stamp && hashFiles(DIST, hashedDistFiles(dist.files), kept) !== stamp.dist_hash) return { state: 'modified', reason: 'a file of dist/ differs from what the build wrote', buildHash: stamp.dist_hash };
  const stale = buildStale();
  return { state: stale ? 'stale' : 'ok', reason: stale, buildHash: stamp?.dist_hash ?? null, kept };
}
