// Test helper: a small repository that commits symbolic links into a protected folder, to a link,
// back up to its own root, out of the tree (relative and absolute) and to a test file — the
// layout a task's repository may hold and a patch may try to write through (trust7). Built in the
// test from inline files, never a real project's code.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { TaskSpec } from '../../src/config/task.ts';
import { evaluate, type EvaluateOptions } from '../../src/evaluation/evaluate.ts';
import type { LocalSandbox } from '../../src/sandbox/local.ts';
import { RepoCache } from '../../src/workspace/repo-cache.ts';
import { gitRepo, type GitRepo } from './git-repo.ts';

export const SUM_TEST = "const { test } = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/add.js');\ntest('adds', () => assert.equal(add(2, 3), 5));\n";
export const ADD_BROKEN = 'exports.add = (a, b) => a - b;\n';
export const ADD_FIXED = 'exports.add = (a, b) => a + b;\n';

export interface LinkedRepo {
  repo: GitRepo;
  /** A folder outside the repository that two links point to (absolute and relative), holding keep.txt. */
  host: string;
  /** Every file of `host` with its text, to compare after an attack. */
  hostFiles(): Record<string, string>;
  cleanup(): void;
}

/**
 * The repository (one commit) holds `src/add.js`, `test/sum.test.js` and the links
 * `lib/t -> ../test`, `lib/tt -> t` (a link to a link), `docs/x -> ..` (the root), `out -> <host>`
 * (absolute, outside), `up -> ../…/host` (relative, outside), and `lib/cfg.js -> ../test/sum.test.js` (a link to a test file).
 */
export function linkedRepo(): LinkedRepo {
  const parent = mkdtempSync(join(tmpdir(), 'fixbench-linked-'));
  const host = join(parent, 'host');
  mkdirSync(host);
  writeFileSync(join(host, 'keep.txt'), 'host data\n');
  const repo = gitRepo({ '.gitignore': 'node_modules/\n', 'src/add.js': ADD_BROKEN, 'test/sum.test.js': SUM_TEST, 'lib/keep.js': 'x\n', 'docs/readme.md': 'docs\n' });
  const link = (target: string, at: string): void => symlinkSync(target, join(repo.dir, at));
  link('../test', 'lib/t');
  link('t', 'lib/tt');
  link('..', 'docs/x');
  link(host, 'out');
  link(relative(repo.dir, host), 'up');
  link('../test/sum.test.js', 'lib/cfg.js');
  repo.git('add', '--all');
  repo.git('commit', '--quiet', '--amend', '--no-edit');
  repo.commits[0] = repo.git('rev-parse', 'HEAD').trim();
  return {
    repo,
    host,
    hostFiles: () => Object.fromEntries(['keep.txt', 'new.js'].flatMap((f) => {
      try {
        return [[f, readFileSync(join(host, f), 'utf8')]];
      } catch {
        return [];
      }
    })),
    cleanup: () => {
      repo.cleanup();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

/** The fix of the linked repository's task: `src/add.js` made to add. */
export const FIX = `diff --git a/src/add.js b/src/add.js\n--- a/src/add.js\n+++ b/src/add.js\n@@ -1 +1 @@\n-${ADD_BROKEN}+${ADD_FIXED}`;

/**
 * The task `linked-1` on `fx` (node --test with a JUnit report; FAIL_TO_PASS `adds`), its folder
 * under `root`/tasks, and an `evaluate` of a model patch against it (cache and work folders under `root`).
 */
export function linkedTask(fx: LinkedRepo, root: string, sandbox: LocalSandbox, more: Partial<EvaluateOptions> = {}): { task: TaskSpec; run: (modelPatch: string) => ReturnType<typeof evaluate> } {
  const task: TaskSpec = {
    instance_id: 'linked-1', repo: fx.repo.dir, base_commit: fx.repo.commits[0]!, setup: '',
    test_cmd: 'node --test --test-reporter=junit --test-reporter-destination=report.xml test/', test_report: 'junit:report.xml',
    FAIL_TO_PASS: ['adds'], PASS_TO_PASS: [], timeout_s: 60, tags: [], dir: join(root, 'tasks', 'linked-1'),
    problem_statement: 'add subtracts', patch: FIX, test_patch: '',
  };
  const repoCache = new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') });
  return { task, run: (modelPatch) => evaluate({ task, modelPatch, sandbox, repoCache, workDir: join(root, 'work'), ...more }) };
}
