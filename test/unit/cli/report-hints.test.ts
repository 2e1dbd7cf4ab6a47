// The commands `fixbench report` suggests carry the folders the user named (newcomer12 #5): a user who
// ran with `--results /x` is not told a command that reads ./results.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../../../src/cli/report.ts';
import { givenFlags } from '../../../src/cli/hints.ts';
import { noPreviousMessage } from '../../../src/history/runs.ts';
import { makeAttempt, makeHeader, modelContender } from '../analysis/fixtures.ts';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-report-hints-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(tmp, { recursive: true, force: true });
});

/** A stored run `r1` of one model under `<tmp>/my results`, priced with the old bundled March sheet. */
async function storedRun(): Promise<string> {
  const results = path.join(tmp, 'my results');
  await mkdir(path.join(results, 'r1'), { recursive: true });
  const header = makeHeader({ run_id: 'r1', suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('m1')] });
  await writeFile(path.join(results, 'r1', 'run.json'), JSON.stringify(header));
  await writeFile(path.join(results, 'r1', 'attempts.jsonl'), JSON.stringify(makeAttempt('m1', 't1', 'resolved', 5, { run_id: 'r1' })) + '\n');
  return results;
}

function captured(): { err: () => string } {
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  return { err: () => err.mock.calls.map((c) => String(c[0])).join('') };
}

describe('givenFlags', () => {
  it('carries only the flags given on the command line, quoted for a shell, in the order asked', () => {
    const o = { results: '/x/my res', reports: '/y', tasks: 'tasks', given: ['reports', 'results'] };
    expect(givenFlags(o, ['results', 'reports', 'tasks'])).toBe(" --results '/x/my res' --reports /y");
    expect(givenFlags({ results: 'results', given: [] }, ['results'])).toBe('');
  });
});

describe('report: the commands it suggests carry --results and --reports', () => {
  it("the stale sheet's re-price command names the user's --results and --reports", async () => {
    const results = await storedRun();
    const reports = path.join(tmp, 'reps');
    const out = captured();
    expect(await reportCommand('r1', { results, reports, given: ['results', 'reports'] })).toBe(0);
    expect(out.err()).toContain(`report r1 --prices <newer sheet> --results '${results}' --reports ${reports}\``);
  });

  it('the "priced with this sheet already" note names them too', async () => {
    const results = await storedRun();
    const reports = path.join(tmp, 'reps');
    const out = captured();
    const sheet = path.join(tmp, 'same.yaml');
    await writeFile(sheet, 'as_of: "2026-03-31"\nsource: provider price pages\nmodels:\n  m1: { input: "1.00", output: "2.00" }\n');
    expect(await reportCommand('r1', { results, reports, prices: sheet, given: ['results', 'reports', 'prices'] })).toBe(0);
    expect(out.err()).toContain(` report r1 --results '${results}' --reports ${reports}\`); pass another sheet`);
  });

  it('a run under an empty --results: the `run` it suggests writes there', async () => {
    const results = path.join(tmp, 'empty');
    await mkdir(results);
    captured();
    await expect(reportCommand('nope', { results, reports: path.join(tmp, 'reps'), given: ['results'] })).rejects.toThrow(` run --results ${results}\`, or pass`);
  });

  it('without --results given, the commands stay as they were', async () => {
    const results = await storedRun();
    const out = captured();
    expect(await reportCommand('r1', { results, reports: path.join(tmp, 'reps'), given: [] })).toBe(0);
    expect(out.err()).toMatch(/report r1 --prices <newer sheet>`/);
  });
});

describe('compare previous: the commands it suggests carry --results', () => {
  it('history and compare name the --results given', () => {
    const entry = (id: string, started: string) => ({ dir: `/r/${id}`, header: makeHeader({ run_id: id, started_at: started, suite: { hash: 'h', instance_ids: ['t1'] } }), group: `h/${id}` });
    const msg = noPreviousMessage(entry('r2', '2026-04-02T00:00:00Z'), [entry('r1', '2026-04-01T00:00:00Z')], '/r', 'fixbench', ' --results /r');
    expect(msg).toContain('`fixbench compare <run> r2 --results /r`');
  });
});

describe('report --prices <old sheet>: a sheet picked on purpose (newcomer12 #9)', () => {
  it('gets a note that its costs are shown as asked, not a staleness warning', async () => {
    const results = await storedRun();
    const out = captured();
    const sheet = path.join(tmp, 'april.yaml');
    await writeFile(sheet, 'as_of: "2026-04-01"\nsource: test\nmodels:\n  m1: { input: "1.00", output: "2.00" }\n');
    expect(await reportCommand('r1', { results, reports: path.join(tmp, 'reps'), prices: sheet, given: ['results', 'prices'] })).toBe(0);
    expect(out.err()).not.toMatch(/^warning: prices dated/m);
    expect(out.err()).toMatch(new RegExp(`^note: the costs shown are those of ${sheet.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(as of 2026-04-01, \\d+ days ago\\), as asked`, 'm'));
  });

  it("a report without --prices still warns that the run's own sheet is old", async () => {
    const results = await storedRun();
    const out = captured();
    expect(await reportCommand('r1', { results, reports: path.join(tmp, 'reps'), given: [] })).toBe(0);
    expect(out.err()).toMatch(/^warning: prices dated 2026-03-31 are \d+ days old/m);
  });
});
