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
 * The commit checked out in `dir` (40 hex digits; `<sha>+dirty` when tracked files have uncommitted
 * changes), or null when `dir` is not in a git checkout, has no commit yet, or git fails. One git
 * process (`git status --porcelain=v2 --branch --untracked-files=no`: its `# branch.oid` header is
 * HEAD, any other line a changed tracked file), off the event loop. Never rejects.
 */
export async function checkoutCommit(dir: string): Promise<string | null> {
  const out = await run('git', ['status', '--porcelain=v2', '--branch', '--untracked-files=no'], { cwd: dir }).then((r) => r.stdout, () => null);
  if (out === null) return null;
  const lines = out.split('\n').filter(Boolean);
  const head = lines.find((l) => l.startsWith('# branch.oid '))?.slice('# branch.oid '.length) ?? '';
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(head)) return null; // `(initial)`: no commit yet
  return lines.some((l) => !l.startsWith('# ')) ? `${head}+dirty` : head;
}

/**
 * Harness version (package.json) and git commit of the package checkout (`<sha>+dirty` with
 * uncommitted changes to tracked files), if it is one (`checkoutCommit`); `build`: the compiled
 * CLI's content hash. Its git process never blocks the event loop, so a caller can start it early
 * and await it when the run header is written. Never rejects (no git, or not a checkout: commit null).
 */
export async function harnessIdentity(): Promise<{ version: string; commit: string | null; build?: string }> {
  const commit = await checkoutCommit(PACKAGE_ROOT);
  // dist/ is git-ignored, so the commit alone cannot tell which build ran: the compiled CLI's content hash (bin/fixbench.mjs)
  const build = process.env.FIXBENCH_BUILD_HASH;
  return { version: harnessVersion(), commit, ...(build && /^[0-9a-f]{64}$/.test(build) ? { build } : {}) };
}

/** The remembered pre-flight verdicts of this package (`.fixbench-cache/preflight/`, beside the repo mirrors). */
export const preflightCache = (): PreflightCache => new PreflightCache(path.join(PACKAGE_ROOT, '.fixbench-cache', 'preflight'), harnessVersion());
