#!/usr/bin/env node
// Entry point of the `fixbench` command: runs the compiled JavaScript in dist/ (built from src/ by
// `npm run build`, which `npm ci` / `npm install` run through the `prepare` script). No TypeScript
// compiler at run time, and never a silent fallback to one: a missing build is an error.
import { buildStale } from '../scripts/build-stale.mjs';

// `fixbench … | head`: once the reader has gone, further output is dropped instead of an unhandled
// EPIPE stack trace; the command itself carries on (a run still finishes and writes its results).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
  });
}
const pkg = new URL('..', import.meta.url).pathname;
const stale = buildStale();
if (stale === 'no build yet') {
  process.stderr.write(
    `fixbench: the compiled CLI is missing (${pkg}dist/).\n` +
      `Build it with \`npm run build\` in ${pkg} (\`npm ci\` does it too), then run the command again.\n`,
  );
  process.exit(2);
}
// A checkout whose sources were edited after the build runs the build, not the edits: say so.
if (stale) process.stderr.write(`fixbench: warning: the compiled CLI is older than its sources (${stale}); run \`npm run build\` in ${pkg} to use them.\n`);
const { main: run } = await import(new URL('../dist/cli/main.js', import.meta.url).href);
process.exitCode = await run(process.argv.slice(2));
