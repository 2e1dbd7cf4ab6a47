// `report --created-after`: the run restricted to its tasks created after a date, and the banner.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createdAfterNote, restrictToCreatedAfter } from '../../../src/report/created-after.ts';
import { readCreatedAt } from '../../../src/cli/report-window.ts';
import { renderReport } from '../../../src/report/build.ts';
import { UserInputError } from '../../../src/core/errors.ts';
import { makeAttempt, makeHeader, referenceContender } from '../analysis/fixtures.ts';

const header = makeHeader({ contenders: [referenceContender('gold'), referenceContender('noop')] });
const attempts = header.suite.instance_ids.flatMap((t) => [makeAttempt('gold', t, 'resolved', 0, { agent: 'gold' }), makeAttempt('noop', t, 'empty_patch', 0, { agent: 'noop' })]);
// t1 old, t2 new (a date-time), t3 without created_at, t4 not in the tasks folder
const created = new Map<string, string | undefined | null>([['t1', '2025-01-10'], ['t2', '2026-02-01T09:00:00Z'], ['t3', undefined], ['t4', null]]);

describe('restrictToCreatedAfter', () => {
  it('keeps only the tasks created after the date, with their attempts, and counts what it left out', () => {
    const r = restrictToCreatedAfter(header, attempts, created, '2026-01-01', '/tasks');
    expect(r.header.suite.instance_ids).toEqual(['t2']);
    expect(r.header.suite.hash).toBe(header.suite.hash);
    expect(r.attempts.map((a) => `${a.contender}:${a.instance_id}`)).toEqual(['gold:t2', 'noop:t2']);
    expect(r.window).toEqual({ date: '2026-01-01', kept: 1, total: 4, undated: 1, missing: 1 });
    expect(createdAfterNote(r.window)).toBe('tasks created after 2026-01-01: 1 of 4 (left out: 1 without created_at; 1 not in the tasks folder)');
    expect(createdAfterNote({ date: '2025-01-01', kept: 2, total: 2, undated: 0, missing: 0 })).toBe('tasks created after 2025-01-01: 2 of 2');
  });
  it('reads a day as its end: a task created on the day is not after it', () => {
    expect(restrictToCreatedAfter(header, attempts, created, '2025-01-09', '/tasks').header.suite.instance_ids).toEqual(['t1', 't2']);
    expect(restrictToCreatedAfter(header, attempts, created, '2026-02-01T08:59:59Z', '/tasks').header.suite.instance_ids).toEqual(['t2']);
    expect(restrictToCreatedAfter(header, attempts, created, '2025-01-10', '/tasks').header.suite.instance_ids).toEqual(['t2']);
  });
  it('refuses a bad date, an empty window and a tasks folder without the run\'s tasks, naming the flag', () => {
    const refusal = (date: string, map = created): string => {
      try {
        restrictToCreatedAfter(header, attempts, map, date, '/tasks');
      } catch (e) {
        expect(e).toBeInstanceOf(UserInputError);
        return (e as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refusal('yesterday')).toMatch(/^--created-after yesterday: give an ISO date/);
    expect(refusal('2026-13-45')).toMatch(/^--created-after 2026-13-45: give an ISO date/);
    expect(refusal('2030-01-01')).toMatch(/^--created-after 2030-01-01: no task was created after that date/);
    const none = new Map(header.suite.instance_ids.map((t) => [t, null]));
    expect(refusal('2020-01-01', none)).toMatch(/^--created-after 2020-01-01: none of the run's 4 task\(s\) is in \/tasks.*--tasks/);
    expect(refusal('soon', none)).toMatch(/^--created-after soon: give an ISO date/);
  });
  it('reads created_at from the task folders: none, or null for a task not there', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-created-at-'));
    const yaml = (id: string, extra: string) => `instance_id: ${id}\nrepo: r\nbase_commit: a000000000000000000000000000000000000000\nsetup: ''\ntest_cmd: npm test\ntest_report: tap\nFAIL_TO_PASS: [a]\nPASS_TO_PASS: []\n${extra}`;
    for (const [id, extra] of [['a', 'created_at: "2026-02-01T09:00:00Z"\n'], ['b', '']]) {
      mkdirSync(path.join(dir, id!));
      writeFileSync(path.join(dir, id!, 'task.yaml'), yaml(id!, extra!));
    }
    try {
      expect([...(await readCreatedAt(dir, ['a', 'b', 'c'])).entries()]).toEqual([['a', '2026-02-01T09:00:00Z'], ['b', undefined], ['c', null]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('the page states the filter in a banner and its title', async () => {
    const r = restrictToCreatedAfter(header, attempts, created, '2026-01-01', '/tasks');
    const html = await renderReport(r.header, r.attempts, { filterNote: createdAfterNote(r.window), attemptPages: false });
    expect(html).toMatch(/<title>[^<]*\(tasks created after 2026-01-01: 1 of 4/);
    expect(html).toMatch(/id="created-after">Restricted: tasks created after 2026-01-01: 1 of 4/);
    expect(await renderReport(header, attempts, { attemptPages: false })).not.toMatch(/created-after/);
  });
});
