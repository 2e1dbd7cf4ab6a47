// Where fixbench's bundled files live (the package root) and the harness's own identity.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PreflightCache } from '../tasks/preflight-cache.ts';

/** Absolute path of the fixbench package (holds tasks/, models.yaml, prices/). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Harness version from package.json (no git: `--version` and building the CLI need nothing more). */
export function harnessVersion(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Harness version (package.json) and git commit of the package checkout (`<sha>+dirty` with uncommitted changes), if it is one. */
export function harnessIdentity(): { version: string; commit: string | null; build?: string } {
  let commit: string | null = null;
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    commit = git('rev-parse', 'HEAD') || null;
    // A checkout with uncommitted changes to tracked files is not that commit: say so.
    if (commit && git('status', '--porcelain', '--untracked-files=no') !== '') commit += '+dirty';
  } catch {
    commit = null;
  }
  // dist/ is git-ignored, so the commit alone cannot tell which build ran: the compiled CLI's content hash (bin/fixbench.mjs)
  const build = process.env.FIXBENCH_BUILD_HASH;
  return { version: harnessVersion(), commit, ...(build && /^[0-9a-f]{64}$/.test(build) ? { build } : {}) };
}

/** The remembered pre-flight verdicts of this package (`.fixbench-cache/preflight/`, beside the repo mirrors). */
export const preflightCache = (): PreflightCache => new PreflightCache(path.join(PACKAGE_ROOT, '.fixbench-cache', 'preflight'), harnessVersion());
