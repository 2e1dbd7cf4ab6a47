#!/usr/bin/env node
// Entry point of the `fixbench` command: loads the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';

// `fixbench … | head`: once the reader has gone, further output is dropped instead of an unhandled
// EPIPE stack trace; the command itself carries on (a run still finishes and writes its results).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
  });
}
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
