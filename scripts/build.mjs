#!/usr/bin/env node
// Builds the CLI: every src/**/*.ts file → dist/**/*.js (same layout, relative `.ts` imports
// rewritten to `.js`), every other file under src/ (templates) copied beside them, and the
// start-up bundle dist/bundle/main.cjs (`bundleOptions`) and its V8 code cache that bin/fixbench.mjs runs:
// plain JavaScript with no TypeScript compiler at run time.
// Types are not checked here (`npm run typecheck` / `npm test` do that); esbuild only strips them.
// The build goes to a fresh folder that replaces dist/ in one rename, so a CLI started while a
// build runs sees either the old build or the new one, never a half-written mix.
// Usage: node scripts/build.mjs [--if-stale]   (--if-stale: do nothing when dist/ is current)
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUNDLE_FILE } from './bundle-load.mjs';
import { buildStale, BUILD_STAMP, DIST, distHash, ROOT, sourceStampFields, sourceStray, SRC } from './build-stale.mjs';

// esbuild comes with tsx (a dependency): resolved from tsx's own folder so hoisting does not matter.
const require = createRequire(import.meta.url);
const esbuild = createRequire(require.resolve('tsx/package.json'))('esbuild');

/** Every file under `dir`, as paths relative to it. */
function walk(dir, rel = '') {
  const out = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...walk(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** The package's YAML files a command loads: models.yaml, prices/, every tasks/<id>/task.yaml, data/ (absolute paths, sorted). */
export function packageYamlFiles() {
  const yaml = (dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f)) : []);
  const tasks = path.join(ROOT, 'tasks');
  const taskFiles = existsSync(tasks) ? readdirSync(tasks).sort().map((d) => path.join(tasks, d, 'task.yaml')).filter((f) => existsSync(f)) : [];
  return [path.join(ROOT, 'models.yaml'), ...yaml(path.join(ROOT, 'prices')), ...taskFiles, ...yaml(path.join(ROOT, 'data'))].filter((f) => existsSync(f));
}

/** esbuild plugin: keep every relative import external (one output file per source file), `.ts` → `.js`. */
const relativeImportsExternal = {
  name: 'relative-imports-external',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      return { path: args.path.replace(/\.([cm]?)ts$/, '.$1js'), external: true };
    });
  },
};

/** Folder of dist/ holding the bundle that bin/fixbench.mjs runs (`<BUNDLE_DIR>/main.cjs`). */
export const BUNDLE_DIR = 'bundle';

/**
 * Packages left out of the bundle, loaded from node_modules when used: large, and each imported only
 * by a path that needs it (the chart, the model clients, the browser driver), so they cost a run
 * without them nothing either way.
 */
export const BUNDLE_EXTERNAL = ['vega', 'vega-lite', 'openai', '@anthropic-ai/sdk', 'playwright-core'];

/** The name every `import.meta.url` of the bundle reads (scripts/bundle-load.mjs passes the bundle's URL). */
const IMPORT_META_URL = '__fixbench_import_meta_url';

/**
 * `import.meta.url` in the source `file` (absolute, under src/) as the URL its one-file-per-module
 * twin in dist/ has, written relative to the bundle (one folder below dist/):
 * `new URL("../report/render.js", import.meta.url).href`. So a module finding its templates or the
 * package root beside itself finds the same files from the bundle as from dist/<module>.js.
 */
export function importMetaUrlOf(file) {
  const rel = path.relative(SRC, file).split(path.sep).join('/').replace(/\.([cm]?)ts$/, '.$1js');
  return `new URL(${JSON.stringify(`../${rel}`)}, import.meta.url).href`;
}

/** esbuild plugin: every `import.meta.url` of our sources rewritten by `importMetaUrlOf`. */
const importMetaUrlAsBuilt = {
  name: 'import-meta-url-as-built',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      if (!args.path.startsWith(SRC + path.sep)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      return { contents: text.replaceAll('import.meta.url', importMetaUrlOf(args.path)), loader: 'ts' };
    });
  },
};

/**
 * The start-up bundle: src/cli/main.ts and everything it imports, node_modules included (but
 * `BUNDLE_EXTERNAL`), as one CommonJS-format file `outfile` that scripts/bundle-load.mjs compiles
 * with V8's code cache (Node 20 has none for ES modules). A module the sources import dynamically
 * (each command, the report, …) is in it too but runs only when imported, as from its own chunk
 * before; V8 compiles a function only when it first runs (or from the cache). `import.meta.url` is
 * the bundle's URL (`IMPORT_META_URL`, the loader passes it). Loading one file instead of ~500 small
 * ones halved the CLI's start-up CPU (bench/RESULTS.md, fixed18); the code cache takes most of the rest.
 */
export function bundleOptions(outfile) {
  return {
    entryPoints: [path.join(SRC, 'cli', 'main.ts')],
    outfile,
    bundle: true,
    external: BUNDLE_EXTERNAL,
    plugins: [importMetaUrlAsBuilt],
    define: { 'import.meta.url': IMPORT_META_URL },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    sourcesContent: false,
    keepNames: true,
    logLevel: 'warning',
    logOverride: { 'empty-import-meta': 'error' },
    metafile: true,
  };
}

/**
 * `code` with every character above U+007F written as its `\uXXXX` escape (UTF-16 code units), so
 * that the bundle is ASCII: Node then reads it as a one-byte string, which V8 compiles (from the
 * code cache too) about twice as fast as the two-byte string a single non-ASCII character makes
 * of the whole 4 MB (bench/RESULTS.md, perf14). esbuild already writes such escapes in strings,
 * regular expressions, templates and names (its default `charset: 'ascii'`), so what is left are
 * comments, where an escape is only text; lines (and stack traces' line numbers) are unchanged.
 */
export const asciiOnly = (code) => code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Why the bundle esbuild wrote cannot run as scripts/bundle-load.mjs runs it, or null: a dynamic
 * `import()` left in it (a `vm.Script` without a loader for it would throw at the call, in the
 * middle of a run). (An `import.meta` other than `.url`, which CommonJS leaves empty, fails the
 * build already: `logOverride` makes esbuild's warning an error.)
 */
export function bundleProblem(metafile) {
  for (const [out, o] of Object.entries(metafile.outputs)) {
    const dynamic = (o.imports ?? []).filter((i) => i.kind === 'dynamic-import');
    if (dynamic.length) return `${out} keeps a dynamic import() of ${dynamic.map((i) => i.path).join(', ')}`;
  }
  return null;
}

export async function build({ ifStale = false, quiet = false } = {}) {
  const stray = sourceStray();
  if (stray) throw new Error(`build refused: ${stray}`);
  const reason = buildStale();
  if (ifStale && reason === null) return false;
  const t0 = performance.now();
  const started = new Date(); // the stamp's mtime: a source edited during the build is newer than it
  const sources = sourceStampFields();
  const files = walk(SRC);
  const tmp = `${DIST}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await esbuild.build({
    entryPoints: files.filter((f) => /\.[cm]?ts$/.test(f) && !f.endsWith('.d.ts')).map((f) => path.join(SRC, f)),
    outdir: tmp,
    outbase: SRC,
    bundle: true,
    packages: 'external',
    plugins: [relativeImportsExternal],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    sourcesContent: false,
    keepNames: true, // class and function names as in the sources (error names, stack traces)
    logLevel: 'warning',
  });
  const bundled = await esbuild.build(bundleOptions(path.join(tmp, BUNDLE_FILE)));
  const problem = bundleProblem(bundled.metafile);
  if (problem) throw new Error(`build: ${problem}`);
  const bundleFile = path.join(tmp, BUNDLE_FILE);
  writeFileSync(bundleFile, asciiOnly(readFileSync(bundleFile, 'utf8')));
  for (const f of files.filter((f) => !/\.[cm]?ts$/.test(f))) {
    mkdirSync(path.dirname(path.join(tmp, f)), { recursive: true });
    cpSync(path.join(SRC, f), path.join(tmp, f));
  }
  // The report's handlebars templates, compiled now instead of at the end of every run
  // (src/report/templates-precompiled.ts owns the format; render.ts checks each entry's source).
  const templates = path.join(tmp, 'report', 'templates');
  const { precompileTemplates, PRECOMPILED_FILE } = await import(pathToFileURL(path.join(tmp, 'report', 'templates-precompiled.js')).href);
  writeFileSync(path.join(templates, PRECOMPILED_FILE), precompileTemplates(templates));
  // So are the bash agent's prompt templates, with its own options (src/agents/bash-templates.ts uses them).
  const { BASH_TEMPLATE_OPTIONS } = await import(pathToFileURL(path.join(tmp, 'agents', 'bash-templates.js')).href);
  const agentTemplates = path.join(tmp, 'agents', 'templates');
  writeFileSync(path.join(agentTemplates, PRECOMPILED_FILE), precompileTemplates(agentTemplates, BASH_TEMPLATE_OPTIONS));
  // The package's own YAML files parsed now, keyed by their text's hash (src/config/yaml-cache.ts owns
  // the format; a file edited after the build misses and is parsed at load).
  const { buildYamlCache, YAML_CACHE_FILE } = await import(pathToFileURL(path.join(tmp, 'config', 'yaml-cache.js')).href);
  writeFileSync(path.join(tmp, YAML_CACHE_FILE), `${JSON.stringify(buildYamlCache(packageYamlFiles().map((f) => readFileSync(f, 'utf8'))))}\n`);
  // The bundle's V8 code cache, made by a warm-up of the bundle just built (scripts/warm-cache.mjs),
  // before the stamp: the stamp's dist hash covers it like every other file of dist/.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'warm-cache.mjs'), tmp, DIST], { stdio: ['ignore', 'ignore', 'inherit'] });
  // the stamp: the sources' content hash (read before the build: a source edited during it makes the
  // build stale) and the built files' hash (bin/fixbench.mjs refuses a dist/ that no longer matches)
  writeFileSync(path.join(tmp, BUILD_STAMP), `${JSON.stringify({ built_at: started.toISOString(), ...sources, dist_hash: distHash(tmp) })}\n`);
  utimesSync(path.join(tmp, BUILD_STAMP), started, started);
  // dist/ is replaced by a rename; the old one (if any) is moved aside first, then removed.
  // Two builds at once (two test runs in one checkout): each retries; both builds are of the same sources.
  const old = `${DIST}.old-${process.pid}`;
  for (let i = 0; ; i++) {
    try {
      if (existsSync(DIST)) renameSync(DIST, old);
      renameSync(tmp, DIST);
      break;
    } catch (e) {
      if (i >= 20 || !['ENOENT', 'ENOTEMPTY', 'EEXIST'].includes(e.code)) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  rmSync(old, { recursive: true, force: true });
  if (!quiet) process.stderr.write(`fixbench: built ${path.relative(ROOT, DIST)}/ from src/ (${reason ?? 'forced'}) in ${Math.round(performance.now() - t0)} ms\n`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await build({ ifStale: process.argv.includes('--if-stale') });
  } catch (e) {
    if (!String(e?.message).startsWith('build refused: ')) throw e;
    process.stderr.write(`fixbench: ${e.message}\n`);
    process.exit(2);
  }
}
