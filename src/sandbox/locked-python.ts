// Python's bytecode caches for a locked test run (DESIGN.md §11). A locked test file's bytes cannot
// change (src/sandbox/locked-binds.ts), but its folder stays writable, so code under test could
// plant `__pycache__/<name>.<tag>-pytest-<ver>.pyc` (pytest's assertion-rewrite cache, matching the
// source's mtime and size) or a plain `.pyc`: Python would run the planted code and never read the
// locked source. PYTHONDONTWRITEBYTECODE alone only stops writing (a cached pyc is still read);
// PYTHONPYCACHEPREFIX moves every cache lookup (CPython's and pytest's) to a folder of its own, here
// an empty tmpfs remounted read-only, so no cache next to a source is ever read or written.

/** In-container path of the empty read-only folder Python's caches are looked up in (never written). */
export const LOCKED_PYCACHE_DIR = '/run/fixbench-pycache';

/**
 * bwrap arguments that make {@link LOCKED_PYCACHE_DIR} an empty read-only mount (a tmpfs remounted
 * read-only: nothing in the container can create a file there). Placed after the system binds.
 */
export function lockedPycacheArgs(): string[] {
  return ['--tmpfs', LOCKED_PYCACHE_DIR, '--remount-ro', LOCKED_PYCACHE_DIR];
}

/**
 * The variables a locked test run gets on top of its own (they win over the task's: a task cannot
 * turn the cache back on): `PYTHONDONTWRITEBYTECODE=1`, `PYTHONPYCACHEPREFIX=<LOCKED_PYCACHE_DIR>`.
 */
export function lockedPythonEnv(): Record<string, string> {
  return { PYTHONDONTWRITEBYTECODE: '1', PYTHONPYCACHEPREFIX: LOCKED_PYCACHE_DIR };
}
