// `fixbench compare` output files: an unwritable --markdown is a clear exit 2 (no stack trace); an
// unwritable $GITHUB_STEP_SUMMARY is a warning that hides neither the comparison nor its gate (exit 3).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { RunWriter } from '../../src/store/store.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from '../unit/analysis/fixtures.ts';

let tmp: string;
let results: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-compare-out-'));
  results = path.join(tmp, 'results');
  for (const [id, resolved, suite, started] of [['base', 4, 'h', '01'], ['head', 1, 'h', '02'], ['other', 1, 'o', '03'], ['shard', 0, 'h', '04']] as const) {
    const tasks = suite === 'h' ? ['t1', 't2', 't3', 't4'] : ['u1', 'u2', 'u3', 'u4'];
    const shard = id === 'shard' ? { shard: { index: 1, count: 2 } } : {};
    const w = await RunWriter.create(path.join(results, id), makeHeader({ run_id: id, started_at: `2026-04-${started}T02:00:00.000Z`, suite: { hash: suite, instance_ids: tasks }, contenders: [modelContender('m1')], ...shard }));
    if (id === 'shard') continue;
    for (const [i, t] of tasks.entries()) await w.appendAttempt(makeAttempt('m1', t, i < resolved ? 'resolved' : 'unresolved', 0.01, { run_id: id }));
  }
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('compare output files', () => {
  it('names contenders in one run only, and a cost gate it cannot check as not evaluable', async () => {
    const dir = path.join(tmp, 'two');
    for (const [id, models, usd] of [['b2', ['m1', 'gone'], 0], ['h2', ['m1', 'new'], 0.00056]] as const) {
      const w = await RunWriter.create(path.join(dir, id), makeHeader({ run_id: id, suite: { hash: 'h', instance_ids: ['t1'] }, contenders: models.map((m) => modelContender(m)) }));
      for (const m of models) await w.appendAttempt(makeAttempt(m, 't1', 'resolved', usd, { run_id: id }));
    }
    const md = path.join(tmp, 'two.md');
    const r = await runCli(['compare', 'b2', 'h2', '--results', dir, '--max-cost-increase', '10', '--max-drop', '5', '--markdown', md], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('not compared (in one run only): base gone; head new');
    expect(r.stdout).toMatch(/gates: none of 2 configured gate\(s\) failed; not evaluable: m1: --max-cost-increase/);
    expect(r.stdout).not.toContain('configured gate(s) hold');
    const text = await readFile(md, 'utf8');
    expect(text).toContain('$0.00056');
    expect(text.endsWith('._\n')).toBe(true); // a text file: one final newline, no blank line after the last
  });

  it('calls a cost gate with no model contender in both runs not evaluable, not holding, and exits 0', async () => {
    const dir = path.join(tmp, 'refs');
    for (const [id, models] of [['b3', ['gold', 'noop']], ['h3', ['gold', 'noop', 'fake-coder']]] as const) {
      const contenders = models.map((m) => (m === 'fake-coder' ? modelContender(m) : referenceContender(m)));
      const w = await RunWriter.create(path.join(dir, id), makeHeader({ run_id: id, suite: { hash: 'h', instance_ids: ['t1'] }, contenders }));
      for (const m of models) await w.appendAttempt(makeAttempt(m, 't1', m === 'noop' ? 'unresolved' : 'resolved', m === 'fake-coder' ? 0.01 : 0, { run_id: id }));
    }
    const r = await runCli(['compare', 'b3', 'h3', '--results', dir, '--max-cost-increase', '10', '--max-drop', '5'], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/gates: none of 2 configured gate\(s\) failed; not evaluable: --max-cost-increase \(no model contender in both runs\)/);
    expect(r.stdout).not.toContain('configured gate(s) hold');
  });

  it('names --significant-drop not evaluable for a contender with no pair (provider down in head), prints p n/a, and lists it in --json', async () => {
    const dir = path.join(tmp, 'down');
    for (const id of ['night-1', 'night-2']) {
      const w = await RunWriter.create(path.join(dir, id), makeHeader({ run_id: id, started_at: `2026-04-0${id.at(-1)}T02:00:00.000Z`, suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [referenceContender('gold'), modelContender('fake-coder')] }));
      for (const t of ['t1', 't2']) {
        await w.appendAttempt(makeAttempt('gold', t, 'resolved', 0, { run_id: id }));
        await w.appendAttempt(makeAttempt('fake-coder', t, id === 'night-2' ? 'infra_error' : 'resolved', id === 'night-2' ? null : 0.0009, { run_id: id }));
      }
    }
    const r = await runCli(['compare', 'previous', 'latest', '--results', dir, '--significant-drop', '0.05'], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(r.exitCode, r.stderr).toBe(0); // not evaluable is not a failure
    expect(r.stdout).toMatch(/\nfake-coder\s+0\s+n\/a\s+n\/a\s+n\/a\s+n\/a\s/); // pairs 0, base, head, Δ pp, McNemar p: never 1.00
    expect(r.stdout.replace(/\n {2}/g, ' ')).toContain('gates: none of 1 configured gate(s) failed; not evaluable: fake-coder: --significant-drop (no pair: 2 infra_error in head)'); // the line wraps at 120 columns
    expect(r.stdout).not.toContain('hold');
    const j = await runCli(['compare', 'previous', 'latest', '--results', dir, '--significant-drop', '0.05', '--max-drop', '5', '--json'], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(j.exitCode, j.stderr).toBe(0);
    const out = JSON.parse(j.stdout) as { failures: string[]; not_evaluable: unknown[]; contenders: Array<{ id: string; pValue: number | null }> };
    expect(out.failures).toEqual([]);
    expect(out.not_evaluable).toEqual([
      { gate: '--max-drop', contender: 'fake-coder', why: 'no pair: 2 infra_error in head' },
      { gate: '--significant-drop', contender: 'fake-coder', why: 'no pair: 2 infra_error in head' },
    ]);
    expect(out.contenders.map((x) => [x.id, x.pValue])).toEqual([['gold', 1], ['fake-coder', null]]);
    // opted in, a gate that could not be checked fails as a failed gate does
    const strict = await runCli(['compare', 'previous', 'latest', '--results', dir, '--significant-drop', '0.05', '--require-evaluable'], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(strict.exitCode).toBe(3);
    expect(strict.stderr.replace(/\n {2}/g, ' ')).toContain('--require-evaluable: 1 check(s) could not be made: fake-coder: --significant-drop (no pair: 2 infra_error in head)');
    // …and said so where the gates are read: the gates line, --json's failures, the Markdown (newcomer21 #1: they read "hold")
    expect(strict.stdout.replace(/\n {2}/g, ' ')).toContain('gates: FAILED (1); --require-evaluable: not checked: fake-coder: --significant-drop (no pair: 2 infra_error in head)');
    // the flag alone would check nothing: refused before any work (newcomer22 #1)
    const alone = await runCli(['compare', 'previous', 'latest', '--results', dir, '--require-evaluable'], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(alone.exitCode).toBe(2);
    expect(alone.stderr).toContain('--require-evaluable makes the gates strict, and no gate is configured, so nothing would be checked: add --max-drop <pp>');
    const md = path.join(tmp, 'strict.md');
    const strictJson = await runCli(['compare', 'previous', 'latest', '--results', dir, '--significant-drop', '0.05', '--require-evaluable', '--json', '--markdown', md], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(strictJson.exitCode).toBe(3);
    expect((JSON.parse(strictJson.stdout) as { failures: string[] }).failures).toEqual(['--require-evaluable: not checked: fake-coder: --significant-drop (no pair: 2 infra_error in head)']);
    const text = await readFile(md, 'utf8');
    expect(text).toContain('**Gate failed** (1)');
    expect(text).not.toContain('hold');
  });

  it('--require-evaluable holds no contender in one run only to a gate (not compared), and exits 0 when every gate was checked', async () => {
    const dir = path.join(tmp, 'added');
    for (const [id, models] of [['b4', ['m1', 'gone']], ['h4', ['m1', 'new']]] as const) {
      const w = await RunWriter.create(path.join(dir, id), makeHeader({ run_id: id, suite: { hash: 'h', instance_ids: ['t1'] }, contenders: models.map((m) => modelContender(m)) }));
      for (const m of models) await w.appendAttempt(makeAttempt(m, 't1', 'resolved', 0.01, { run_id: id }));
    }
    const r = await runCli(['compare', 'b4', 'h4', '--results', dir, '--max-drop', '5', '--max-cost-increase', '10', '--require-evaluable'], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('not compared (in one run only): base gone; head new');
    expect(r.stdout).toContain('gates: all 2 configured gate(s) hold');
    expect(r.stderr).not.toContain('--require-evaluable');
  });

  it('--require-evaluable fails a night checked over less than both whole suites: pairs left out for infra errors, or a head of other tasks (atkE21 E)', async () => {
    const dir = path.join(tmp, 'partial');
    const tasks = ['t1', 't2', 't3'];
    for (const [id, outcomes, suite] of [['p1', ['resolved', 'resolved', 'resolved'], tasks], ['p2', ['resolved', 'infra_error', 'infra_error'], tasks], ['p3', ['resolved'], ['t1']]] as const) {
      const w = await RunWriter.create(path.join(dir, id), makeHeader({ run_id: id, suite: { hash: id === 'p3' ? 'other' : 'h', instance_ids: [...suite] }, contenders: [modelContender('m1')] }));
      for (const [i, t] of suite.entries()) await w.appendAttempt(makeAttempt('m1', t, outcomes[i]!, outcomes[i] === 'infra_error' ? null : 0.01, { run_id: id }));
    }
    const gates = ['--max-drop', '0', '--significant-drop', '0.05'];
    const loose = await runCli(['compare', 'p1', 'p2', '--results', dir, ...gates], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(loose.exitCode, loose.stderr).toBe(0); // the one pair held: without the flag that is a pass
    const infra = await runCli(['compare', 'p1', 'p2', '--results', dir, ...gates, '--require-evaluable'], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(infra.exitCode).toBe(3);
    expect(infra.stderr.replace(/\n {2}/g, ' ')).toContain('m1: 2 pair(s) left out for infra_error');
    const other = await runCli(['compare', 'p1', 'p3', '--results', dir, ...gates, '--require-evaluable'], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(other.exitCode).toBe(3);
    expect(other.stderr.replace(/\n {2}/g, ' ')).toContain('suites differ: 1 task(s) in both');
    // a head that recorded fewer of the suite's attempts (a merge with a shard missing: atkF21 E) is not checked over the whole suite either
    const w4 = await RunWriter.create(path.join(dir, 'p4'), makeHeader({ run_id: 'p4', suite: { hash: 'h', instance_ids: tasks }, contenders: [modelContender('m1')] }));
    await w4.appendAttempt(makeAttempt('m1', 't1', 'resolved', 0.01, { run_id: 'p4' }));
    const half = await runCli(['compare', 'p1', 'p4', '--results', dir, ...gates, '--require-evaluable'], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(half.exitCode).toBe(3);
    expect(half.stderr.replace(/\n {2}/g, ' ')).toContain('m1: 2 attempt(s) recorded in one run only');
    // two partial merges missing the same shard pair whole, and are still not the whole suite (atkG21 D)
    for (const id of ['m1', 'm2']) {
      const w = await RunWriter.create(path.join(dir, id), makeHeader({ run_id: id, suite: { hash: 'h', instance_ids: tasks }, contenders: [modelContender('m1')], missing_shards: [{ index: 2, count: 2 }] }));
      await w.appendAttempt(makeAttempt('m1', 't1', 'resolved', 0.01, { run_id: id }));
    }
    const merged = await runCli(['compare', 'm1', 'm2', '--results', dir, ...gates, '--require-evaluable'], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(merged.exitCode).toBe(3);
    expect(merged.stderr.replace(/\n {2}/g, ' ')).toContain('base m1 is finished (partial merge: shard 2/2 missing)');
    // …nor do two shards of the same index, unmerged (atkH21 D)
    for (const id of ['s1', 's2']) {
      const w = await RunWriter.create(path.join(dir, id), makeHeader({ run_id: id, suite: { hash: 'h', instance_ids: tasks }, contenders: [modelContender('m1')], shard: { index: 1, count: 2 } }));
      await w.appendAttempt(makeAttempt('m1', 't1', 'resolved', 0.01, { run_id: id }));
    }
    const shards = await runCli(['compare', path.join(dir, 's1'), path.join(dir, 's2'), '--results', dir, ...gates, '--require-evaluable'], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(shards.exitCode, shards.stderr).toBe(3);
    expect(shards.stderr.replace(/\n {2}/g, ' ')).toContain('base s1 is finished (shard 1/2)');
    // no gate configured: the flag alone would check nothing, so it is refused (exit 2, newcomer22 #1)
    expect((await runCli(['compare', 'p1', 'p2', '--results', dir, '--require-evaluable'], { env: { GITHUB_STEP_SUMMARY: undefined } })).exitCode).toBe(2);
  });

  it('warns that a run which did not finish pairs only what it recorded, and says how to complete it', async () => {
    const dir = path.join(tmp, 'cut');
    const w = await RunWriter.create(path.join(dir, 'night-2'), makeHeader({ run_id: 'night-2', status: 'interrupted', suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [modelContender('m1')] }));
    await w.appendAttempt(makeAttempt('m1', 't1', 'resolved', 0.01, { run_id: 'night-2' }));
    const b = await RunWriter.create(path.join(dir, 'night-1'), makeHeader({ run_id: 'night-1', suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [modelContender('m1')] }));
    for (const t of ['t1', 't2']) await b.appendAttempt(makeAttempt('m1', t, 'resolved', 0.01, { run_id: 'night-1' }));
    const md = path.join(tmp, 'cut.md');
    const r = await runCli(['compare', 'night-1', 'night-2', '--results', dir, '--markdown', md], { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: head night-2 is interrupted \(1 attempt\(s\) recorded\): only the attempts it recorded are compared; complete it\s+with `(npx fixbench|node \S+fixbench\.mjs) run --resume night-2 --results \S+cut` before trusting the comparison/);
    expect(await readFile(md, 'utf8')).toContain('> **Not finished:** head night-2 is interrupted');
  });

  it('refuses a --markdown path that is a folder with exit 2, naming the flag', async () => {
    const r = await runCli(['compare', 'base', 'head', '--results', results, '--markdown', tmp]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`--markdown ${tmp}: cannot write the file (EISDIR)`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('warns about an unwritable $GITHUB_STEP_SUMMARY and still prints the comparison and fails the gate', async () => {
    const r = await runCli(['compare', 'base', 'head', '--results', results, '--max-drop', '5'], { env: { GITHUB_STEP_SUMMARY: tmp } });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`warning: $GITHUB_STEP_SUMMARY ${tmp}: cannot append the comparison (EISDIR)`);
    expect(r.stdout).toContain('base base → head head');
    expect(r.stderr).toContain('gate failed: m1: resolved rate fell 75.0 pp');
  });

  it('refuses a --significant-drop level outside (0, 1)', async () => {
    const r = await runCli(['compare', 'base', 'head', '--results', results, '--significant-drop', '2']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('between 0 and 1');
  });

  it('refuses two runs with no task in common (a gate would hold vacuously)', async () => {
    const r = await runCli(['compare', 'base', 'other', '--results', results, '--max-drop', '5']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('compare: base (suite h) and other (suite o) have no task in common');
    expect(r.stdout).toBe('');
  });

  it('never picks a shard run as "latest" (its rates divide by the whole suite)', async () => {
    const r = await runCli(['compare', 'base', 'latest', '--results', results, '--json']);
    expect(r.exitCode).toBe(2); // latest is "other" (newest non-shard run), which shares no task with base
    expect(r.stderr).toContain('base (suite h) and other (suite o) have no task in common');
  });
});
