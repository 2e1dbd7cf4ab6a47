// Loads the start-up bundle (dist/bundle/main.cjs, built by scripts/build.mjs `bundleOptions`) the
// way Node loads a CommonJS file, but through `vm.Script` so that V8's code cache
// (dist/bundle/main.cjs.cache, made at build time by scripts/warm-cache.mjs) spares the compile:
// Node 20 has no compile cache for ES modules, and compiling the ~4 MB bundle was most of the CLI's
// start-up CPU. The cache is only ever read here, never written at run time; V8 checks it against
// the source and its own version and flags, and a cache it rejects (another Node, `--cpu-prof`, …)
// costs a plain compile, nothing else.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

/** The bundle and its V8 code cache, relative to dist/. */
export const BUNDLE_FILE = 'bundle/main.cjs';
export const CODE_CACHE_FILE = 'bundle/main.cjs.cache';

/**
 * The parameters of the function the bundle's text is compiled as: Node's CommonJS wrapper's, plus
 * the bundle's `import.meta.url` (esbuild `define`s every `import.meta.url` of the sources as this name).
 */
const PARAMS = ['exports', 'require', 'module', '__filename', '__dirname', '__fixbench_import_meta_url'];

/**
 * The bundle's text as the script V8 compiles: one function over `PARAMS`, in strict mode (the
 * sources are ES modules, which are), its body starting on line 2 so that `lineOffset: -1` keeps
 * the bundle's own line numbers in stack traces.
 */
export const wrapBundle = (code) => `(function (${PARAMS.join(', ')}) {'use strict';\n${code}\n})`;

/**
 * Compiles and runs the bundle. `code`: its text (string or Buffer, as read); `file`: its absolute
 * path (`require` resolution, `__dirname`, `import.meta.url`); `cachedData`: the code cache's
 * bytes, or undefined for a plain compile; `shownAs`: the path stack traces name (default `file`).
 * V8 keeps the script name the cache was made under for the functions it holds, so the build's
 * warm-up, which runs in a temporary folder, passes the path the bundle will have once installed.
 * @returns `{exports, script, rejected}`: the bundle's exports (`main`), the compiled script (the
 * warm-up asks it for a cache), and whether V8 rejected `cachedData` (then compiled without it).
 * @throws what the bundle's top level throws.
 */
export function loadBundle(code, file, cachedData, shownAs = file) {
  const script = new vm.Script(wrapBundle(String(code)), { filename: shownAs, lineOffset: -1, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file), pathToFileURL(file).href);
  return { exports: module.exports, script, rejected: Boolean(cachedData) && script.cachedDataRejected === true };
}
