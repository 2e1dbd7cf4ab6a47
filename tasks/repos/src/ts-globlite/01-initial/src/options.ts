/** Options shared by every matching function. */
export interface GlobOptions {
  /**
   * Let wildcards (`*`, `?`, `**`) match names that start with a dot, such as
   * `.env` or `.git/`. Default: false; a dot written in the pattern always matches.
   */
  dot?: boolean;
  /** Match case-insensitively. Default: false. */
  nocase?: boolean;
}
