#!/usr/bin/env node
// The `fixbench` CLI run from its TypeScript sources through tsx, as bin/fixbench.mjs did before the
// compiled build: only for comparisons with the compiled CLI (bench/compiled.ts and
// test/e2e/compiled-cli.test.ts). Not an entry point for users.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
