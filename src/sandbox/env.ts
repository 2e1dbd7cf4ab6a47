// The environment a sandboxed command sees: a minimal, fixed set of variables, never the parent's
// (DESIGN.md §11: API keys never enter the sandbox).

/** Where the scrubbed environment's directories and PATH come from. */
export interface SandboxEnvBase {
  /** PATH for the command (not a secret; usually the parent's PATH). */
  path: string;
  /** HOME for the command: a temp home, never the user's. */
  home: string;
  /** TMPDIR for the command. */
  tmpDir: string;
}

/**
 * Builds the complete environment of a sandboxed command: PATH, HOME, TMPDIR, LANG/LC_ALL=C.UTF-8,
 * TERM=dumb, NO_COLOR=1, FORCE_COLOR=0, CI=1, then `extra` (the caller's explicit variables, which
 * win). Nothing is inherited from `process.env`, so no `*_API_KEY`/`*_TOKEN` can leak in.
 */
export function sandboxEnv(base: SandboxEnvBase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: base.path,
    HOME: base.home,
    TMPDIR: base.tmpDir,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    CI: '1',
    ...extra,
  };
}
