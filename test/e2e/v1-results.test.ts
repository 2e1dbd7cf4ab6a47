// A store format version 1 results folder (test/fixtures/results-v1/v1-run, written by the version-1
// code) still reports, re-prices, compares, lists in history, merges and resumes with this fixbench;
// and an external agent's (command agent's) trajectory is read like the built-in agent's.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';
import { inShard } from '../../src/store/shard.ts';
import { repricedReportName } from '../../src/report/paths.ts';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'results-v1', 'v1-run');
let tmp: string;
let results: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-v1-'));
  results = path.join(tmp, 'results');
  await cp(FIXTURE, path.join(results, 'v1-run'), { recursive: true });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Every attempt page of a report folder, as text. */
async function attemptPages(reportDir: string): Promise<string[]> {
  const files = (await readdir(reportDir, { recursive: true })).filter((f) => f.endsWith('.html') && f !== 'index.html');
  return Promise.all(files.map((f) => readFile(path.join(reportDir, f), 'utf8')));
}

const lines = async (file: string) => (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));

describe('a version-1 results folder', () => {
  it('reports; the external agent\'s attempt page shows its trajectory, as the built-in agent\'s does', async () => {
    const reports = path.join(tmp, 'reports');
    const r = await runCli(['report', 'v1-run', '--results', results, '--reports', reports]);
    expect(r.exitCode, r.stderr).toBe(0);
    const pages = await attemptPages(path.join(reports, 'v1-run'));
    const scripted = pages.find((p) => p.includes('fake-coder@scripted · js-duration-1'))!;
    expect(scripted).toBeDefined();
    expect(scripted).not.toContain('could not be read');
    expect(scripted).toContain('External agent scripted');
    // two metered calls, each a step with its usage: 1.5k in (500 cached), 120 out
    expect(scripted.match(/1\.50k in \(500 cached\) · 120 out/g)).toHaveLength(2);
    const bash = pages.find((p) => p.includes('fake-coder · js-duration-1'))!;
    expect(bash).not.toContain('could not be read');
    expect(bash).toContain('FIXBENCH_SUBMIT');
  }, 60_000);

  it('re-prices with a long-context tier: both agents\' calls are priced from their trajectories', async () => {
    // every call has a 1500-token prompt (1000 uncached + 500 cache reads) and 120 output tokens: above the
    // 1000-token tier, so a call costs (1000·4 + 500·1 + 120·16) / 1e6 = 0.00642 and an attempt of 2 calls 0.01284.
    const sheet = path.join(tmp, '2026-05-01.yaml');
    await writeFile(sheet, 'as_of: "2026-05-01"\nsource: tiered test sheet\nmodels:\n  fake-coder:\n    input: "2.00"\n    output: "8.00"\n    cache_read: "0.50"\n    tiers:\n      - { above_prompt_tokens: 1000, input: "4.00", output: "16.00", cache_read: "1.00" }\n');
    const reports = path.join(tmp, 'reports-tiered');
    const r = await runCli(['report', 'v1-run', '--results', results, '--reports', reports, '--prices', sheet]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/per-call tokens are not available|cost unknown/);
    const pages = await attemptPages(path.join(reports, repricedReportName('v1-run', '2026-05-01', await readFile(sheet))));
    for (const who of ['fake-coder@scripted', 'fake-coder']) {
      const page = pages.find((p) => p.includes(`${who} · js-duration-1`))!;
      expect(page, who).toMatch(/USD at list price[\s\S]{0,200}\$0\.0128/);
    }
  }, 60_000);

  it('re-pricing with the sheet the run was priced with says so (a note), and still writes the report', async () => {
    const sheet = path.join(tmp, 'same-2026-04-01.yaml');
    await writeFile(sheet, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00" }\n');
    const r = await runCli(['report', 'v1-run', '--results', results, '--reports', path.join(tmp, 'reports-same'), '--prices', sheet]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: run v1-run was priced with this sheet already (/fixture/2026-04-01.yaml, as of 2026-04-01)');
    expect(r.stdout).toContain(repricedReportName('v1-run', '2026-04-01', await readFile(sheet)));
  }, 60_000);

  it('compares with itself and lists in history', async () => {
    await cp(FIXTURE, path.join(results, 'v1-copy'), { recursive: true });
    const header = JSON.parse(await readFile(path.join(results, 'v1-copy', 'run.json'), 'utf8'));
    await writeFile(path.join(results, 'v1-copy', 'run.json'), JSON.stringify({ ...header, run_id: 'v1-copy', started_at: '2026-12-06T00:00:00.000Z' }));
    const c = await runCli(['compare', 'v1-run', 'v1-copy', '--results', results, '--json']);
    expect(c.exitCode, c.stderr).toBe(0);
    const cmp = JSON.parse(c.stdout) as { contenders: Array<{ id: string; regressions: string[]; fixes: string[] }> };
    expect(cmp.contenders.map((x) => x.id).sort()).toEqual(['fake-coder', 'fake-coder@scripted', 'gold', 'noop']);
    for (const x of cmp.contenders) expect([x.regressions, x.fixes]).toEqual([[], []]);
    const h = await runCli(['history', '--results', results, '--json']);
    expect(h.exitCode, h.stderr).toBe(0);
    const runs = JSON.parse(h.stdout) as Array<{ run_id: string; group: string }>;
    expect(runs.map((x) => x.run_id)).toEqual(expect.arrayContaining(['v1-run', 'v1-copy']));
    await rm(path.join(results, 'v1-copy'), { recursive: true });
  }, 60_000);

  it('merges two version-1 shards into a version-2 run holding every attempt once', async () => {
    const shards = path.join(tmp, 'shards');
    const header = JSON.parse(await readFile(path.join(FIXTURE, 'run.json'), 'utf8'));
    const attempts = await lines(path.join(FIXTURE, 'attempts.jsonl'));
    for (const index of [1, 2]) {
      const dir = path.join(shards, `s${index}`);
      const mine = attempts.filter((a) => inShard(a.key, { index, count: 2 }));
      for (const a of mine) {
        for (const sub of [path.join('logs', a.model, a.instance_id, String(a.attempt)), path.join('trajectories', a.model, a.instance_id, `${a.attempt}.json`)]) {
          await cp(path.join(FIXTURE, sub), path.join(dir, sub), { recursive: true }).catch((e: NodeJS.ErrnoException) => {
            if (e.code !== 'ENOENT') throw e; // reference agents have no trajectory
          });
        }
      }
      await writeFile(path.join(dir, 'run.json'), JSON.stringify({ ...header, run_id: `s${index}`, shard: { index, count: 2 } }));
      await writeFile(path.join(dir, 'attempts.jsonl'), mine.map((a) => JSON.stringify({ ...a, run_id: `s${index}` }) + '\n').join(''));
    }
    const m = await runCli(['merge', path.join(shards, 'merged'), path.join(shards, 's1'), path.join(shards, 's2'), '--json']);
    expect(m.exitCode, m.stderr).toBe(0);
    const merged = await lines(path.join(shards, 'merged', 'attempts.jsonl'));
    expect(merged.map((a) => a.key).sort()).toEqual(attempts.map((a) => a.key).sort());
    expect(merged.every((a) => a.format_version === 2 && typeof a.contender === 'string' && !('model' in a))).toBe(true);
    const mergedHeader = JSON.parse(await readFile(path.join(shards, 'merged', 'run.json'), 'utf8'));
    expect(mergedHeader).toMatchObject({ format_version: 2, upgraded_from: 1, merged_from: ['s1', 's2'] });
    // the merged run's trajectories are those of the shards, and still read
    const r = await runCli(['report', 'merged', '--results', shards, '--reports', path.join(tmp, 'reports-merged')]);
    expect(r.exitCode, r.stderr).toBe(0);
  }, 60_000);

  it('resumes: the attempt it lacks runs, the version-1 records stay, and the folder reads as version 2', async () => {
    // The reference agents of the version-1 run, with noop's record removed (as if killed before it).
    const dir = path.join(tmp, 'resume', 'v1-ref');
    await cp(FIXTURE, dir, { recursive: true });
    const header = JSON.parse(await readFile(path.join(FIXTURE, 'run.json'), 'utf8'));
    const sheet = path.join(tmp, '2026-04-01.yaml');
    await writeFile(sheet, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00", cache_read: "0.50" }\n');
    const contenders = header.contenders.filter((c: { model: string | null }) => c.model === null);
    await writeFile(path.join(dir, 'run.json'), JSON.stringify({ ...header, run_id: 'v1-ref', status: 'interrupted', contenders, price_sheet: { ...header.price_sheet, file: sheet } }));
    const gold = (await lines(path.join(FIXTURE, 'attempts.jsonl'))).filter((a) => a.model === 'gold');
    await writeFile(path.join(dir, 'attempts.jsonl'), gold.map((a) => JSON.stringify({ ...a, run_id: 'v1-ref' }) + '\n').join(''));
    const r = await runCli(['run', '--resume', 'v1-ref', '--results', path.join(tmp, 'resume'), '--reports', path.join(tmp, 'reports-resume'), '--sandbox', 'local', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const recs = await lines(path.join(dir, 'attempts.jsonl'));
    expect(recs.map((a) => [a.format_version, a.model ?? a.contender, a.outcome])).toEqual([[1, 'gold', 'resolved'], [2, 'noop', 'unresolved']]);
    expect(JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8'))).toMatchObject({ format_version: 2, upgraded_from: 1, status: 'finished' });
  }, 120_000);
});
