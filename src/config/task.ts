// zod schema of `tasks/<instance_id>/task.yaml` (DESIGN.md §2) and the in-memory TaskSpec.
import { z } from 'zod';
import { normalizeTestId } from '../core/test-id.ts';
import { SweBenchTaskFields, sweBenchListProblems } from './task-swe.ts';

/** SWE-bench Verified difficulty buckets. */
export const Difficulty = z.enum(['<15 min', '15 min - 1 hour', '1-4 hours', '>4 hours']);

/**
 * How per-test results are read. Best: the test runner (`vitest`, `jest`, `mocha`, `tape`,
 * `node-test`, `uvu`, `ava`, `node-tap`, `jasmine`, `karma`), or `auto` to detect it from `test_cmd` (and the
 * package.json script it runs): `test_cmd` is then the plain command a developer types and
 * fixbench adds the runner's report itself (docs/runner-adapters.md). From a file the test command
 * writes, its path relative to the repository root: `junit:<path>` (JUnit XML),
 * `vitest-json:<path>` / `jest-json:<path>` (the Jest JSON result format), `mocha-json:<path>`
 * (mocha's JSON reporter). From stdout: `tap`. Or `exit-code` (one pseudo-test).
 */
export const TestReport = z
  .string()
  .regex(
    /^((junit|vitest-json|jest-json|mocha-json):\S+|tap|exit-code|auto|vitest|jest|mocha|tape|node-test|uvu|ava|node-tap|jasmine|karma)$/,
    'must be a runner (auto, vitest, jest, mocha, tape, node-test, uvu, ava, node-tap, jasmine, karma), "junit:<path>", "vitest-json:<path>", "jest-json:<path>", "mocha-json:<path>", "tap" or "exit-code"',
  )
  .superRefine((s, ctx) => {
    const m = /^(junit|vitest-json|jest-json|mocha-json):(.*)$/.exec(s);
    if (!m) return;
    const p = m[2]!;
    if (p.startsWith('/') || p.split(/[\\/]/).includes('..')) {
      ctx.addIssue({ code: 'custom', message: `the ${m[1]} report path must be relative to the repository root and stay inside it (no leading "/", no "..")` });
    }
  });

/**
 * A full test id: `file > describe > ... > title` (no durations, no ANSI codes), read in its
 * printable form (`normalizeTestId`: a raw tab becomes `\t`, as every report parser writes it),
 * so a hand-written id with a control character still matches the results (lint flags it).
 */
export const TestId = z.string().min(1).regex(/^[^\u001b]+$/, 'must not contain ANSI escape codes').transform(normalizeTestId);

export const TaskYaml = z
  .object({
    instance_id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only'),
    repo: z.string().min(1),
    base_commit: z.string().regex(/^[0-9a-f]{40}$/, 'must be a full commit sha: 40 lowercase hex characters (git rev-parse <commit>)'),
    setup: z.string().default(''),
    test_cmd: z.string().min(1),
    test_report: TestReport,
    FAIL_TO_PASS: z.array(TestId).min(1, 'list at least one test the fix makes pass'),
    PASS_TO_PASS: z.array(TestId).default([]),
    timeout_s: z.number().min(1, 'must be at least 1 (seconds)').max(3600, 'must be at most 3600 (seconds)').default(300),
    difficulty: Difficulty.optional(),
    language: z.string().optional(),
    tags: z.array(z.string()).default([]),
    created_at: z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'must be an ISO date such as 2026-03-31 or an ISO date-time' }).optional(),
    /**
     * Fields of an imported SWE-bench instance that task.yaml has no place for (`repo` as
     * `owner/name`, `hints_text`, `version`, `environment_setup_commit`, …), kept so that
     * `tasks export` gives them back unchanged.
     */
    swe_bench: z.record(z.string(), z.unknown()).optional(),
    /**
     * Globs (picomatch, repository-relative) of the repository's test files; absent = the defaults
     * (`DEFAULT_TEST_FILES`: test folders, `*.test.*`, `*.spec.*`, …). Every file they match is
     * protected: the model's edits to it are dropped before grading (DESIGN.md §6 step 2).
     */
    test_files: z.array(z.string().min(1)).min(1, 'list at least one glob, or leave test_files out for the defaults').optional(),
    /**
     * Widens or narrows the protected files (test files, runner configurations, lock files,
     * installed and ignored paths): `add` protects more globs; `allow` lets a fix change files the
     * rule protects (a fix that must change a dependency or a runner setting). test.patch's files
     * stay protected whatever `allow` says.
     */
    protected_files: z
      .object({ add: z.array(z.string().min(1)).default([]), allow: z.array(z.string().min(1)).default([]) })
      .strict()
      .optional(),
    ...SweBenchTaskFields,
  })
  .strict()
  .superRefine((t, ctx) => {
    const f2p = new Set(t.FAIL_TO_PASS);
    t.PASS_TO_PASS.forEach((id, i) => {
      if (f2p.has(id)) ctx.addIssue({ code: 'custom', path: ['PASS_TO_PASS', i], message: `"${id}" is also in FAIL_TO_PASS; a test belongs to one list` });
    });
    for (const key of ['FAIL_TO_PASS', 'PASS_TO_PASS'] as const) {
      const seen = new Set<string>();
      t[key].forEach((id, i) => {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [key, i], message: `"${id}" is listed twice` });
        seen.add(id);
      });
    }
    sweBenchListProblems(t, ctx);
    if (t.test_report === 'exit-code' && (t.FAIL_TO_PASS.length !== 1 || t.FAIL_TO_PASS[0] !== t.test_cmd || t.PASS_TO_PASS.length)) {
      ctx.addIssue({
        code: 'custom',
        path: ['FAIL_TO_PASS'],
        message: 'with test_report "exit-code" the only test is the command itself: FAIL_TO_PASS must be [test_cmd] and PASS_TO_PASS empty',
      });
    }
  });
export type TaskYaml = z.infer<typeof TaskYaml>;

/** A loaded task: `task.yaml` fields plus the texts of its sibling files and where it lives. */
export interface TaskSpec extends TaskYaml {
  /** Absolute path of the task folder. */
  dir: string;
  problem_statement: string;
  /** Reference fix (source files only), unified diff. */
  patch: string;
  /** Hidden tests, unified diff. */
  test_patch: string;
}
