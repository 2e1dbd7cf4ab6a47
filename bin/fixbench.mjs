#!/usr/bin/env node
// Entry point of the `fixbench` command: runs the compiled JavaScript in dist/ (built from src/ by
// `npm run build`, which `npm ci` / `npm install` run through the `prepare` script): its start-up
// bundle dist/bundle/main.cjs (scripts/build.mjs `bundleOptions`), compiled with the V8 code cache
// the build made for it (scripts/bundle-load.mjs). No TypeScript compiler at run time, and never a
// silent fallback to one: a missing build is an error.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCheck } from '../scripts/build-stale.mjs';
import { BUNDLE_FILE, CODE_CACHE_FILE, loadBundle, tierUpLater } from '../scripts/bundle-load.mjs';
import { closeInheritedFds } from '../scripts/inherited-fds.mjs';

// Before anything starts a process: no descriptor this process inherited reaches a sandboxed command.
closeInheritedFds();

// `fixbench … | head`: once the reader has gone, further output is dropped instead of an unhandled
// EPIPE stack trace; the command itself carries on (a run still finishes and writes its results).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
  });
}
const pkg = new URL('..', import.meta.url).pathname;
const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
// Commands that record results (run, eval, merge) need a build whose dist/ hashes can be checked.
const records = ['run', 'eval', 'merge'].includes(command ?? '');
// The bundle and its code cache are kept as the check hashed them: what runs is what was checked.
// So are the prompt and report templates and the YAML cache the bundle reads later (src/core/built-files.ts): a rebuild
// during a run cannot mix two builds' templates under the one build hash run.json names.
const check = buildCheck({ strict: records, keep: [BUNDLE_FILE, CODE_CACHE_FILE, 'agents/templates/', 'report/templates/', 'yaml-cache.json'] });
if (check.state === 'missing') {
  process.stderr.write(
    `fixbench: the compiled CLI is missing (${pkg}dist/).\n` +
      `Build it with \`npm run build\` in ${pkg} (\`npm ci\` does it too), then run the command again.\n`,
  );
  process.exit(2);
}
// A modified dist/ is not the code of this checkout: refused, whatever the command.
if (check.state === 'modified') {
  process.stderr.write(`fixbench: the compiled CLI was modified after it was built (${check.reason}); rebuild it with \`npm run build\` in ${pkg}.\n`);
  process.exit(2);
}
// A checkout whose sources were edited after the build runs the build, not the edits: commands that
// produce results (run, eval, merge) refuse; the others warn.
if (check.state === 'stale') {
  if (records) {
    process.stderr.write(`fixbench: the compiled CLI is older than its sources (${check.reason}): \`${command}\` would record results of code other than this checkout's. Run \`npm run build\` in ${pkg}, then the command again.\n`);
    process.exit(2);
  }
  process.stderr.write(`fixbench: warning: the compiled CLI is older than its sources (${check.reason}); run \`npm run build\` in ${pkg} to use them.\n`);
}
// the build's content hash, for run.json's harness identity (src/cli/paths.ts harnessIdentity)
if (check.buildHash) process.env.FIXBENCH_BUILD_HASH = check.buildHash;
else delete process.env.FIXBENCH_BUILD_HASH;
const dist = (f) => fileURLToPath(new URL(`../dist/${f}`, import.meta.url));
// (read here only when the check hashed nothing: a stamp of an older format, for a command that records nothing)
const bytes = (f) => check.kept?.get(f) ?? readFileSync(dist(f));
let cache;
try {
  cache = bytes(CODE_CACHE_FILE);
} catch {
  cache = undefined; // a build without its cache (older format): a plain compile
}
let code;
try {
  code = bytes(BUNDLE_FILE);
} catch (e) {
  if (e?.code !== 'ENOENT') throw e;
  // a build of an older layout (its bundle was dist/bundle/main.js), current by its own stamp or only stale
  process.stderr.write(`fixbench: the compiled CLI in ${pkg}dist/ has no ${BUNDLE_FILE} (a build of an older fixbench); rebuild it with \`npm run build\` in ${pkg}.\n`);
  process.exit(2);
}
if (check.kept) globalThis[Symbol.for('fixbench.builtFiles')] = { dir: fileURLToPath(new URL('../dist/', import.meta.url)), files: check.kept, hash: check.buildHash };
const { main: run } = loadBundle(code, dist(BUNDLE_FILE), cache).exports;
// A grading run optimises only its hot functions (after the load: the code cache was checked against the default flags).
tierUpLater(command);
process.exitCode = await run(process.argv.slice(2));
