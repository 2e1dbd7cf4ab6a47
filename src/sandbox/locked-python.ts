// Python's bytecode caches for a locked test run (DESIGN.md §11). A locked test file's bytes cannot
// change (src/sandbox/locked-binds.ts), but its folder stays writable, so code under test could
// plant `__pycache__/<name>.<tag>-pytest-<ver>.pyc` (pytest's assertion-rewrite cache, matching the
// source's mtime and size) or a plain `.pyc`: Python would run the planted code and never read the
// locked source. PYTHONDONTWRITEBYTECODE alone only stops writing (a cached pyc is still read);
// PYTHONPYCACHEPREFIX moves every cache lookup (CPython's and pytest's) to a folder of its own, here
// an empty tmpfs made for this run, so no cache next to a source is ever read or written. The tmpfs
// is writable: an honest test that byte-compiles a file (py_compile, pip, setuptools) writes its
// cache there (a read-only one failed them with EROFS, atkL11 5). Code that could plant a cache in
// it during the run runs inside the test process, where it could equally repoint
// `sys.pycache_prefix` or rewrite the asserts in memory: the in-process limit (README "What this
// cannot catch"), which canaries, not file locks, answer.

/** In-container path of the empty, per-run folder Python's caches are looked up in. */
export const LOCKED_PYCACHE_DIR = '/run/fixbench-pycache';

/** bwrap arguments that make {@link LOCKED_PYCACHE_DIR} a fresh empty tmpfs. Placed after the system binds. */
export function lockedPycacheArgs(): string[] {
  return ['--tmpfs', LOCKED_PYCACHE_DIR];
}

/**
 * The variables a locked test run gets on top of its own (they win over the task's: a task cannot
 * turn the cache back on): `PYTHONDONTWRITEBYTECODE=1`, `PYTHONPYCACHEPREFIX=<LOCKED_PYCACHE_DIR>`.
 */
export function lockedPythonEnv(): Record<string, string> {
  return { PYTHONDONTWRITEBYTECODE: '1', PYTHONPYCACHEPREFIX: LOCKED_PYCACHE_DIR };
}
