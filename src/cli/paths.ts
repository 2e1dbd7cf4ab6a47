// Where fixbench's bundled files live (the package root) and the harness's own identity.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PreflightCache } from '../tasks/preflight-cache.ts';

const run = promisify(execFile);

/** Absolute path of the fixbench package (holds tasks/, models.yaml, prices/). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Harness version from package.json (no git: `--version` and building the CLI need nothing more). */
export function harnessVersion(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Harness version (package.json) and git commit of the package checkout (`<sha>+dirty` with
 * uncommitted changes), if it is one; `build`: the compiled CLI's content hash. Its two git
 * processes run at once and never block the event loop, so a caller can start it early and await
 * it when the run header is written. Never rejects (no git, or not a checkout: commit null).
 */
export async function harnessIdentity(): Promise<{ version: string; commit: string | null; build?: string }> {
  const git = (...args: string[]) => run('git', args, { cwd: PACKAGE_ROOT }).then((r) => r.stdout.trim());
  // A checkout with uncommitted changes to tracked files is not that commit: say so.
  const [head, status] = await Promise.all([git('rev-parse', 'HEAD').catch(() => ''), git('status', '--porcelain', '--untracked-files=no').catch(() => null)]);
  const commit = !head ? null : status === null ? null : status !== '' ? `${head}+dirty` : head;
  // dist/ is git-ignored, so the commit alone cannot tell which build ran: the compiled CLI's content hash (bin/fixbench.mjs)
  const build = process.env.FIXBENCH_BUILD_HASH;
  return { version: harnessVersion(), commit, ...(build && /^[0-9a-f]{64}$/.test(build) ? { build } : {}) };
}

/** The remembered pre-flight verdicts of this package (`.fixbench-cache/preflight/`, beside the repo mirrors). */
export const preflightCache = (): PreflightCache => new PreflightCache(path.join(PACKAGE_ROOT, '.fixbench-cache', 'preflight'), harnessVersion());
