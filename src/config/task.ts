// zod schema of `tasks/<instance_id>/task.yaml` (DESIGN.md §2) and the in-memory TaskSpec.
import { z } from 'zod';

/** SWE-bench Verified difficulty buckets. */
export const Difficulty = z.enum(['<15 min', '15 min - 1 hour', '1-4 hours', '>4 hours']);

/**
 * How per-test results are read: `junit:<path>` (JUnit XML file written by the test command,
 * relative to the repository root), `tap` (TAP on stdout) or `exit-code` (one pseudo-test).
 */
export const TestReport = z
  .string()
  .regex(/^(junit:.+|tap|exit-code)$/, 'must be "junit:<path>", "tap" or "exit-code"');

/** A full test id: `file > describe > ... > title` (no durations, no ANSI codes). */
export const TestId = z.string().min(1).regex(/^[^\u001b]+$/, 'must not contain ANSI escape codes');

export const TaskYaml = z
  .object({
    instance_id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only'),
    repo: z.string().min(1),
    base_commit: z.string().regex(/^[0-9a-f]{40}$/, 'must be a full 40-character commit sha'),
    setup: z.string().default(''),
    test_cmd: z.string().min(1),
    test_report: TestReport,
    FAIL_TO_PASS: z.array(TestId).min(1, 'list at least one test the fix makes pass'),
    PASS_TO_PASS: z.array(TestId).default([]),
    timeout_s: z.number().positive().max(3600).default(300),
    difficulty: Difficulty.optional(),
    language: z.string().optional(),
    tags: z.array(z.string()).default([]),
    created_at: z.string().optional(),
  })
  .strict();
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
