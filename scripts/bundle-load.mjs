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
import v8 from 'node:v8';
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

/**
 * V8's interrupt budget (bytes of bytecode a function runs between two checks of whether to optimise
 * it) for the commands that grade: 4 × V8 11.3's default (66 KiB, Node 20; Node 22's V8 12 has 132 KiB).
 * A `fixbench run` is short-lived and goes through thousands of lukewarm functions of the bundle
 * once per attempt (schemas, parsers, globs, the canaries' planning): with the default budget V8
 * spends ~0.7 s of a background core per 18-attempt run optimising them with TurboFan (bench/RESULTS.md,
 * ovh11), CPU that attempts running side by side need. With 4× only the hot ones get there (a loop
 * of a large report or resume still does, a little later); the main thread's CPU stays the same.
 */
export const GRADING_INTERRUPT_BUDGET = 4 * 66 * 1024;

/** The commands `tierUpLater` is for: those that grade attempts (many short-lived functions, per attempt). */
export const TIER_UP_LATER_COMMANDS = ['run', 'eval'];

/**
 * Raises V8's interrupt budget to {@link GRADING_INTERRUPT_BUDGET} when `command` is one of
 * {@link TIER_UP_LATER_COMMANDS}; returns whether it did. Call it after `loadBundle`: the code
 * cache is checked against V8's flags when the bundle is compiled, and it was made with the
 * defaults. The flag only decides when a function is optimised, never what it computes.
 */
export function tierUpLater(command) {
  if (!TIER_UP_LATER_COMMANDS.includes(command ?? '')) return false;
  v8.setFlagsFromString(`--interrupt-budget=${GRADING_INTERRUPT_BUDGET}`);
  return true;
}
