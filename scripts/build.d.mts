// Types of scripts/build.mjs (the CLI build), for the TypeScript that imports it (the tests' global set-up).
/**
 * Builds dist/ from src/. `ifStale`: only when dist/ is missing or older than its sources.
 * @returns whether a build ran. Throws esbuild's error (naming the file and line) when a source does not parse.
 */
export function build(opts?: { ifStale?: boolean; quiet?: boolean }): Promise<boolean>;
/** Folder of dist/ holding the start-up bundle bin/fixbench.mjs runs (main.cjs) and its V8 code cache. */
export const BUNDLE_DIR: string;
/** Packages left out of the bundle (loaded from node_modules when used). */
export const BUNDLE_EXTERNAL: string[];
/** `import.meta.url` of the source `file` (absolute, under src/) as written into the bundle: its dist/ twin's URL relative to the bundle. */
export function importMetaUrlOf(file: string): string;
/** The package's YAML files whose parsed data the build caches (dist/yaml-cache.json): absolute paths. */
export function packageYamlFiles(): string[];
/** esbuild's options for the start-up bundle written to `outfile`. */
export function bundleOptions(outfile: string): import('esbuild').BuildOptions & { metafile: true };
/** `code` with every character above U+007F as its `\uXXXX` escape (UTF-16 units): the bundle made ASCII. */
export function asciiOnly(code: string): string;
