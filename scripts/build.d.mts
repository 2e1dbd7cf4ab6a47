// Types of scripts/build.mjs (the CLI build), for the TypeScript that imports it (the tests' global set-up).
/**
 * Builds dist/ from src/. `ifStale`: only when dist/ is missing or older than its sources.
 * @returns whether a build ran. Throws esbuild's error (naming the file and line) when a source does not parse.
 */
export function build(opts?: { ifStale?: boolean; quiet?: boolean }): Promise<boolean>;
