// Files of dist/ the process reads after start-up (prompt and report templates), served from the
// bytes bin/fixbench.mjs hashed when it checked the build (scripts/build-stale.mjs `buildCheck`,
// `keep`), not from a second read of dist/: a rebuild while a run goes on (which replaces dist/)
// cannot give later attempts of the same run another build's prompts while run.json names the
// build the start-up check hashed (atkS10 #4). Without bin (tests, tsx) the files are read from disk.
// Code loaded from dist/ later (the scan worker) is started only while dist/ holds the same build.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What bin/fixbench.mjs leaves on `globalThis` under this symbol before it loads the bundle. */
export const BUILT_FILES_KEY = Symbol.for('fixbench.builtFiles');

/**
 * `dir`: the absolute dist/ folder; `files`: dist-relative `/`-separated path → bytes as hashed
 * (null: not hashed); `hash`: the build's content hash the check verified (null: none).
 */
export interface BuiltFiles {
  dir: string;
  files: ReadonlyMap<string, Buffer | null>;
  hash?: string | null;
}

function registry(): BuiltFiles | null {
  const r = (globalThis as Record<symbol, unknown>)[BUILT_FILES_KEY] as BuiltFiles | undefined;
  return r && typeof r.dir === 'string' && r.files instanceof Map ? r : null;
}

/** `abs` relative to the registry's dist/, or null when outside it (or no registry). */
function relOf(r: BuiltFiles | null, abs: string): string | null {
  if (!r) return null;
  const rel = path.relative(r.dir, abs);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? null : rel.split(path.sep).join('/');
}

/** The bytes of the file `abs`: as the start-up check hashed them when it kept them, else read now. @throws as readFileSync */
export function readBuilt(abs: string): Buffer {
  const r = registry();
  const rel = relOf(r, abs);
  const kept = rel === null ? undefined : r!.files.get(rel);
  return kept ?? readFileSync(abs);
}

/**
 * The names of the files directly in folder `abs`: those the start-up check kept when it kept any
 * there (sorted), else `readdirSync` now. @throws as readdirSync
 */
export function listBuilt(abs: string): string[] {
  const r = registry();
  const rel = relOf(r, abs);
  if (rel !== null) {
    const names = [...r!.files].filter(([f, b]) => b !== null && path.posix.dirname(f) === rel).map(([f]) => path.posix.basename(f));
    if (names.length) return names.sort();
  }
  return readdirSync(abs);
}

/**
 * Whether dist/ still holds the build the start-up check verified (its `.build-stamp` names the
 * same content hash): what loads code from dist/ after start-up (the scan worker) asks first. True
 * without a registry or a verified hash (tests, tsx, an older stamp); false when the stamp is gone,
 * unreadable or names another build.
 */
export function sameBuildAsStartup(): boolean {
  const r = registry();
  if (!r?.hash) return true;
  try {
    return (JSON.parse(readFileSync(path.join(r.dir, '.build-stamp'), 'utf8')) as { dist_hash?: unknown }).dist_hash === r.hash;
  } catch {
    return false;
  }
}
