// Schema problems name the field and the fix; an unknown field close to a known one (or to a
// required one missing beside it) is said to be that one misspelled (newcomer23 #5).
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { formatIssues, knownKeys, validate } from '../../../src/config/load.ts';
import { TaskYaml } from '../../../src/config/task.ts';

const Schema = z.object({ FAIL_TO_PASS: z.array(z.string()), timeout_s: z.number().optional(), nested: z.object({ url: z.string() }).strict().optional() }).strict();
const issuesOf = (data: unknown): z.core.$ZodIssue[] => Schema.safeParse(data).error!.issues;

describe('formatIssues', () => {
  it('a misspelled required field: the unknown key names the missing one', () => {
    const lines = formatIssues(issuesOf({ FAIL_TO_PASSS: [] }), 'yaml', knownKeys(Schema));
    expect(lines).toContain('(top level): Unrecognized key: "FAIL_TO_PASSS"; did you mean "FAIL_TO_PASS"? rename it (field names are case-sensitive)');
  });
  it('a misspelled optional field (nothing missing beside it): named from the schema\'s fields, case aside', () => {
    expect(formatIssues(issuesOf({ FAIL_TO_PASS: [], Timeout_S: 3 }), 'yaml', knownKeys(Schema))).toEqual(['(top level): Unrecognized key: "Timeout_S"; did you mean "timeout_s"? rename it (field names are case-sensitive)']);
  });
  it('a nested key is matched against the fields missing beside it; a key like no field gets the plain advice', () => {
    expect(formatIssues(issuesOf({ FAIL_TO_PASS: [], nested: { ulr: 'x' } }), 'yaml', knownKeys(Schema))).toEqual([
      'nested.url: missing required field (Invalid input: expected string, received undefined)',
      'nested: Unrecognized key: "ulr"; did you mean "url"? rename it (field names are case-sensitive)',
    ]);
    expect(formatIssues(issuesOf({ FAIL_TO_PASS: [], difficulty_level: 'easy' }), 'yaml', knownKeys(Schema))).toEqual(['(top level): Unrecognized key: "difficulty_level"; remove or rename it (field names are case-sensitive)']);
  });
  it('validate names the file and says it for task.yaml\'s own schema', () => {
    expect(knownKeys(TaskYaml)).toContain('FAIL_TO_PASS');
    expect(() => validate(TaskYaml, { instance_id: 'a', repo: 'r', base_commit: 'f'.repeat(40), test_cmd: 'x', FAIL_TO_PASS: ['a'], PASS_TO_PASS: [], PASS_TO_PAS: [] }, 'tasks/a/task.yaml', 'fix it')).toThrow(/tasks\/a\/task\.yaml is invalid:[\s\S]*"PASS_TO_PAS"; did you mean "PASS_TO_PASS"\?/);
  });
});
