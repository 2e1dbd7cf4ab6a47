#!/usr/bin/env node
// Kept for old habits: validates the bundled tasks with `fixbench tasks validate` (which replaced
// this script's own checks), passing the arguments on.
//
//   node tasks/repos/validate.mjs [--runs N] [instance_id ...]
//
// To (re)compute FAIL_TO_PASS / PASS_TO_PASS, use `fixbench tasks create` (see tasks/README.md).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const tasksDir = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
if (args.includes('--write')) {
  console.error('validate.mjs: --write is gone; compute the lists with `fixbench tasks create` (see tasks/README.md)');
  process.exit(2);
}
const bin = join(dirname(tasksDir), 'bin', 'fixbench.mjs');
const r = spawnSync(process.execPath, [bin, 'tasks', 'validate', '--tasks', tasksDir, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
