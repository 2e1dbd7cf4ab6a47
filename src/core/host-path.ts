// The PATH of fixbench's host commands (DESIGN.md §11): host git, `patch`, bwrap and the rest are
// started by name, often with their cwd inside a workspace or grading checkout that untrusted code
// wrote. An empty PATH entry (`:/usr/bin`, `a::b`, a trailing `:`) or a relative one (`.`, `bin`)
// is searched relative to the child's cwd, so it would run the agent's own `./git` on the host.
// Only absolute entries are kept.

/** PATH used when none is set, or when none of its entries is absolute. */
export const DEFAULT_HOST_PATH = '/usr/bin:/bin';

/**
 * `value` (a PATH: entries separated by `:`) without its empty and relative entries; the absolute
 * ones are kept as they are, in order, duplicates included. `undefined`, and a PATH with no
 * absolute entry at all, give `DEFAULT_HOST_PATH`: never `''`, which libuv and execvp search as one
 * empty entry, i.e. the child's cwd (atkC).
 */
export function absolutePathOnly(value: string | undefined): string {
  const kept = (value ?? '').split(':').filter((e) => e.startsWith('/')).join(':');
  return kept === '' ? DEFAULT_HOST_PATH : kept;
}

/**
 * Makes `env.PATH` (default: this process's) absolute-only (`absolutePathOnly`), once at CLI
 * start, so every child fixbench starts (and every child's child that inherits it) resolves
 * programs by name only in absolute folders. An unset PATH becomes `DEFAULT_HOST_PATH` (a child
 * without one would get libc's default search). Returns the entries dropped.
 */
export function normaliseHostPath(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = env.PATH;
  if (value === undefined) {
    env.PATH = DEFAULT_HOST_PATH;
    return [];
  }
  const kept = absolutePathOnly(value);
  if (kept === value) return [];
  env.PATH = kept;
  return value.split(':').filter((e) => !e.startsWith('/'));
}

/** This process's PATH for a host command's environment: `absolutePathOnly(process.env.PATH)`. */
export function hostPath(): string {
  return absolutePathOnly(process.env.PATH);
}
