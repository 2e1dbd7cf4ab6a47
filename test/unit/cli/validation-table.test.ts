// `tasks validate`'s table: a valid task shows no reason count ("-"), an invalid one its count and reasons.
import { describe, expect, it } from 'vitest';
import { validationTable } from '../../../src/cli/tasks-check.ts';
import type { ValidationReport } from '../../../src/tasks/validate.ts';

describe('validationTable', () => {
  it('prints "-" in reasons for a valid task and the count for an invalid one', () => {
    const report = {
      runs: 1, wall_ms: 1200,
      tasks: [
        { instance_id: 'good-1', valid: true, reasons: [], flaky: [], runs: [], wall_ms: 600 },
        { instance_id: 'bad-1', valid: false, reasons: ['gold.patch: does not apply', 'FAIL_TO_PASS x passes before'], flaky: [], runs: [], wall_ms: 600 },
      ],
    } as unknown as ValidationReport;
    const lines = validationTable(report).split('\n');
    const good = lines.find((l) => l.includes('good-1'))!;
    const bad = lines.find((l) => l.includes('bad-1') && l.includes('INVALID'))!;
    expect(good.trim()).toMatch(/ -$/);
    expect(good).not.toMatch(/ 0$/);
    expect(bad.trim()).toMatch(/ 2$/);
    expect(validationTable(report)).toMatch(/bad-1:\n {2}- gold\.patch: does not apply/);
  });
});
