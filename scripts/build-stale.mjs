// Whether the compiled CLI (dist/) is older than its sources: used by the build (`--if-stale`),
// by bin/fixbench.mjs (to warn about a stale build) and by the tests' global set-up (to rebuild).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SRC = path.join(ROOT, 'src');
export const DIST = path.join(ROOT, 'dist');
/** Written last into dist/: its mtime is the build's time; absent means no (complete) build. */
export const BUILD_STAMP = '.build-stamp';
/** Files besides src/ whose change changes the build. */
const BUILD_INPUTS = ['scripts/build.mjs', 'scripts/build-stale.mjs', 'package.json'].map((f) => path.join(ROOT, f));

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

/**
 * Why dist/ must be (re)built, or null when it is current: no build yet, or a file under src/
 * (added, changed, deleted), the build script or package.json modified after the build's stamp.
 * @returns a reason naming the newest changed path, relative to the package root; or null.
 */
export function buildStale() {
  const stamp = path.join(DIST, BUILD_STAMP);
  if (!existsSync(stamp)) return 'no build yet';
  const built = statSync(stamp).mtimeMs;
  const n = newest(SRC, { mtimeMs: 0, file: '' });
  for (const f of BUILD_INPUTS) if (existsSync(f) && statSync(f).mtimeMs > n.mtimeMs) Object.assign(n, { mtimeMs: statSync(f).mtimeMs, file: f });
  return n.mtimeMs > built ? `${path.relative(ROOT, n.file) || '.'} changed since the last build` : null;
}
