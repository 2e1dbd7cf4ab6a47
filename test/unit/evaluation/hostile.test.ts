// Hostile and awkward inputs to grading, table-driven: every folder of test/fixtures/hostile/ is
// one case (see its README.md), run through the real `evaluate()` against a tiny generated JS
// repository (node:test + JUnit unless the case says otherwise) with the local sandbox.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TestReport, type TaskSpec } from '../../../src/config/task.ts';
import { Outcome } from '../../../src/core/outcome.ts';
import { evaluate } from '../../../src/evaluation/evaluate.ts';
import type { EvaluationResult } from '../../../src/evaluation/types.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { RepoCache } from '../../../src/workspace/repo-cache.ts';
import { gitRepo, patchFor, type FileTree, type GitRepo } from '../../helpers/git-repo.ts';

const HOSTILE = fileURLToPath(new URL('../../fixtures/hostile/', import.meta.url));
/** vitest's own CLI entry, for the case that runs a real vitest (`{vitest}` in a test_cmd). */
const VITEST_BIN = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

const Split = z.object({ success: z.array(z.string()), failure: z.array(z.string()) }).strict();
const TestStatus = z.enum(['PASSED', 'FAILED', 'SKIPPED', 'ERROR']);

/** `expected.json`: the outcome and the key fields of the result. Regexes are JavaScript sources. */
const Expected = z
  .object({
    /** What goes wrong if this case fails: the fault it pins. */
    fault: z.string().min(10),
    outcome: Outcome,
    apply_strategy: z.string().nullable().optional(),
    binary_hunks_dropped: z.number().int().optional(),
    test_files_edited: z.array(z.string()).optional(),
    visible_check: z.boolean().optional(),
    /** A regex `error` must match, or null for no error. */
    error: z.string().nullable().optional(),
    /** A regex `apply_log` must match. */
    apply_log: z.string().optional(),
    /** `tests_status` exactly (null: the tests never ran). */
    tests_status: z.object({ FAIL_TO_PASS: Split, PASS_TO_PASS: Split }).strict().nullable().optional(),
    /** Ids that must be among the parsed results, with their status. */
    parsed: z.record(z.string(), TestStatus).optional(),
    /** How the canary tests came out (null: none ran). */
    canaries: z.object({ fail: z.string(), pass: z.string() }).strict().nullable().optional(),
  })
  .strict();
type Expected = z.infer<typeof Expected>;

/** `task.json`: task fields that differ from `_repo/task.json`. `{case}` and `{vitest}` in test_cmd are replaced. */
const TaskFields = z
  .object({
    test_cmd: z.string(),
    test_report: TestReport,
    FAIL_TO_PASS: z.array(z.string()),
    PASS_TO_PASS: z.array(z.string()),
    timeout_s: z.number(),
    /** False: evaluate without canary tests (a case whose command prints a hand-written report). */
    canaries: z.boolean(),
  })
  .partial()
  .strict();

/** Every file under `dir`, by path relative to it, as bytes (CRLF and missing final newlines kept). */
function readTree(dir: string): FileTree {
  const tree: FileTree = {};
  if (!existsSync(dir)) return tree;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const abs = join(d, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else tree[relative(dir, abs)] = readFileSync(abs);
    }
  };
  walk(dir);
  return tree;
}

const readJson = (path: string): unknown => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {});
const shellQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;


const CASES = readdirSync(HOSTILE, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .map((d) => d.name)
  .sort();

describe('hostile inputs to evaluate()', () => {
  const sandbox = new LocalSandbox();
  let root: string;
  let cache: RepoCache;
  const repos: GitRepo[] = [];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'fixbench-hostile-'));
    cache = new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') });
  });
  afterAll(async () => {
    await sandbox.cleanup();
    for (const r of repos) r.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  /** Builds the case's repository and task, and evaluates its model patch. */
  async function runCase(name: string): Promise<EvaluationResult> {
    const dir = join(HOSTILE, name);
    const base = { ...readTree(join(HOSTILE, '_repo/base')), ...readTree(join(dir, 'repo/base')) };
    const hidden = { ...readTree(join(HOSTILE, '_repo/hidden')), ...readTree(join(dir, 'repo/hidden')) };
    const { canaries, ...fields } = { ...TaskFields.omit({ canaries: true }).required().parse(readJson(join(HOSTILE, '_repo/task.json'))), ...TaskFields.parse(readJson(join(dir, 'task.json'))) };
    // The upstream history holds the hidden tests too, as a real repository's would.
    const repo = gitRepo(base, [hidden]);
    repos.push(repo);
    const task: TaskSpec = {
      instance_id: `hostile-${name}`,
      repo: repo.dir,
      base_commit: repo.commits[0]!,
      setup: '',
      ...fields,
      test_cmd: fields.test_cmd.replaceAll('{case}', shellQuote(dir)).replaceAll('{vitest}', `node ${shellQuote(VITEST_BIN)}`),
      tags: [],
      dir: join(root, 'tasks', name),
      problem_statement: 'add() subtracts',
      patch: '',
      test_patch: patchFor(repo, hidden),
    };
    const modelPatch = readFileSync(join(dir, 'model.patch'), 'utf8');
    return evaluate({ task, modelPatch, sandbox, repoCache: cache, workDir: join(root, 'work'), canaries: canaries ?? true });
  }

  it('has cases, each with a model.patch and an expected.json', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
    for (const name of CASES) {
      expect(existsSync(join(HOSTILE, name, 'model.patch')), `${name}/model.patch`).toBe(true);
      expect(() => Expected.parse(readJson(join(HOSTILE, name, 'expected.json'))), `${name}/expected.json`).not.toThrow();
    }
  });

  for (const name of CASES) {
    const expected: Expected = Expected.parse(readJson(join(HOSTILE, name, 'expected.json')));
    it(`${name}: ${expected.fault}`, async () => {
      const res = await runCase(name);
      const context = `${name}: ${JSON.stringify({ ...res, test_output: res.test_output.slice(-2000) }, null, 2)}`;
      expect(res.outcome, context).toBe(expected.outcome);
      if (expected.apply_strategy !== undefined) expect(res.apply_strategy, context).toBe(expected.apply_strategy);
      if (expected.binary_hunks_dropped !== undefined) expect(res.binary_hunks_dropped, context).toBe(expected.binary_hunks_dropped);
      if (expected.test_files_edited !== undefined) expect(res.test_files_edited, context).toEqual(expected.test_files_edited);
      if (expected.visible_check !== undefined) expect(res.visible_check, context).toBe(expected.visible_check);
      if (expected.error === null) expect(res.error, context).toBeNull();
      else if (expected.error !== undefined) expect(res.error ?? '', context).toMatch(new RegExp(expected.error));
      if (expected.apply_log !== undefined) expect(res.apply_log ?? '', context).toMatch(new RegExp(expected.apply_log));
      if (expected.tests_status !== undefined) expect(res.tests_status, context).toEqual(expected.tests_status);
      if (expected.parsed !== undefined) expect(res.parsed, context).toMatchObject(expected.parsed);
      if (expected.canaries !== undefined) expect(res.canaries ?? null, context).toEqual(expected.canaries);
    });
  }

  it('removes every workspace it made', () => {
    const work = join(root, 'work');
    expect(existsSync(work) ? readdirSync(work) : []).toEqual([]);
  });
});
