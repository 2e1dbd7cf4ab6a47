// Test helper: a tiny node:test repository with a bug (`add` subtracts), its fix, hidden tests,
// and task folders built from them (TAP ids such as `add > adds two numbers`).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { gitRepo, patchFor, type FileTree, type GitRepo } from './git-repo.ts';

const HEAD = "const { describe, test } = require('node:test');\nconst assert = require('node:assert');\n";

export const BASE_FILES: FileTree = {
  'src/add.js': 'exports.add = (a, b) => a - b;\n',
  'test/base.test.js': `${HEAD}describe('base', () => {\n  test('truth', () => assert.ok(true));\n});\n`,
};
export const FIX_FILES: FileTree = { 'src/add.js': 'exports.add = (a, b) => a + b;\n' };
export const HIDDEN_TESTS: FileTree = {
  'test/add.test.js':
    `${HEAD}const { add } = require('../src/add.js');\n` +
    "describe('add', () => {\n  test('adds two numbers', () => assert.equal(add(2, 3), 5));\n  test('is a function', () => assert.equal(typeof add, 'function'));\n});\n",
};
/** The lists of the hidden tests, written by hand. */
export const F2P = ['add > adds two numbers'];
export const P2P = ['add > is a function', 'base > truth'];
export const TEST_CMD = 'node --test --test-reporter=tap';

export function tinyRepo(): GitRepo {
  return gitRepo(BASE_FILES);
}

/** Writes `<tasksDir>/<id>/` for `repo` (at its first commit); fields and files override the sound defaults. */
export function writeTinyTask(
  tasksDir: string,
  repo: GitRepo,
  id: string,
  o: { yaml?: Record<string, unknown>; gold?: string; test?: string } = {},
): void {
  const dir = path.join(tasksDir, id);
  mkdirSync(dir, { recursive: true });
  const yaml = {
    instance_id: id,
    repo: repo.dir,
    base_commit: repo.commits[0],
    setup: '',
    test_cmd: TEST_CMD,
    test_report: 'tap',
    FAIL_TO_PASS: F2P,
    PASS_TO_PASS: P2P,
    timeout_s: 60,
    ...o.yaml,
  };
  writeFileSync(path.join(dir, 'task.yaml'), stringify(yaml));
  writeFileSync(path.join(dir, 'problem_statement.md'), 'add(2, 3) gives -1; it should give 5.\n');
  writeFileSync(path.join(dir, 'gold.patch'), o.gold ?? patchFor(repo, FIX_FILES));
  writeFileSync(path.join(dir, 'test.patch'), o.test ?? patchFor(repo, HIDDEN_TESTS));
}
