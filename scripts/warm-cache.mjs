#!/usr/bin/env node
// Makes the start-up bundle's V8 code cache at build time (scripts/build.mjs runs it in a child
// process on the freshly built folder, before the build stamp hashes it): compiles the bundle,
// runs a warm-up that goes the way a run's start goes — `run --dry-run --no-models` over every
// bundled task (argument parsing, the models and price files, task loading and validation, the
// schemas), which reads and writes nothing outside a temporary folder — then asks V8 for the cache,
// which now holds the functions the warm-up compiled as well as the top level. Run in a process of
// its own: the warm-up's spawn helpers and timers end with it.
// Usage: node scripts/warm-cache.mjs <built dist folder> [<the folder it becomes>]   (writes <dist>/bundle/main.cjs.cache)
// The second folder (the build renames its temporary folder to dist/) is the one stack traces name.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUNDLE_FILE, CODE_CACHE_FILE, loadBundle } from './bundle-load.mjs';

/** The warm-up's command line (without node and script); `results`: an empty folder of its own. */
const warmUpArgs = (results) => ['run', '--dry-run', '--no-models', '--json', '--results', results];

const dist = path.resolve(process.argv[2] ?? '');
const file = path.join(dist, BUNDLE_FILE);
const { exports, script } = loadBundle(readFileSync(file), file, undefined, path.join(path.resolve(process.argv[3] ?? dist), BUNDLE_FILE));
const scratch = mkdtempSync(path.join(os.tmpdir(), 'fixbench-warm-'));
// The warm-up's output and its exit code are of no use (a package copy without tasks/ fails it, and
// what it compiled until then is still cached); only the bundle failing to load fails the build.
const quiet = () => true;
const [out, err] = [process.stdout.write, process.stderr.write];
process.stdout.write = quiet;
process.stderr.write = quiet;
try {
  await exports.main(warmUpArgs(path.join(scratch, 'results')));
} catch {
  // as above
} finally {
  [process.stdout.write, process.stderr.write] = [out, err];
  rmSync(scratch, { recursive: true, force: true });
}
writeFileSync(path.join(dist, CODE_CACHE_FILE), script.createCachedData());
process.exit(0); // a handle the warm-up left open must not hold the build
