// `fixbench eval --predictions`: a SWE-bench predictions file from any agent is graded into the
// same results and report; gold predictions built from the bundled tasks resolve 100%.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord, RunHeader } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { FIX_FILES, tinyRepo, writeTinyTask } from '../helpers/tiny-task.ts';

let tmp: string;
let repo: GitRepo;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-eval-e2e-'));
  repo = tinyRepo();
});
afterAll(async () => {
  repo.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

const readAttempts = async (dir: string) =>
  (await readFile(path.join(dir, 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('fixbench eval --predictions', () => {
  it('grades gold predictions built from the bundled tasks: 100% resolved', async () => {
    const preds = path.join(tmp, 'gold.jsonl');
    const exp = await runCli(['tasks', 'export', '--as', 'gold-predictions', '--out', preds]);
    expect(exp.exitCode, exp.stderr).toBe(0);
    // The node:test tasks (no npm install); the whole suite is measured by hand (see tasks/README.md).
    const ids = ['js-duration-1', 'js-duration-2', 'js-duration-3'];
    const r = await runCli(['eval', '--predictions', preds, '--task', ids.join(','), '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', 'gold-preds', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { contenders: { model: string; id: string; resolved: number; tasks: number }[] };
    expect(summary.contenders).toEqual([{ model: 'gold', id: 'gold-predictions', resolved: 3, tasks: 3, graded: 3, infra_errors: 0, protected_files_edited: 0 }]);
    const attempts = await readAttempts(path.join(tmp, 'results', 'gold-preds'));
    expect(attempts.map((a) => [a.instance_id, a.agent, a.outcome]).sort()).toEqual(ids.map((id) => [id, 'predictions', 'resolved']));
    expect(existsSync(path.join(tmp, 'reports', 'gold-preds', 'index.html'))).toBe(true);
    // the summary names the contender the records name, and the progress lines say a predictions file has no token count
    expect(r.stderr).toMatch(/^  gold-predictions \(model_name_or_path "gold"\): resolved 3\/3 \(100\.0%\), 3 graded$/m);
    expect(r.stderr).toMatch(/^\[1\/3\] gold-predictions js-duration-\d#0: resolved; tokens and cost not known \(a predictions file\) /m);
    expect(r.stderr).not.toMatch(/ tok /);
  });

  it('grades each model of a predictions file; an empty, null or missing patch is empty_patch and never run', async () => {
    const tasks = path.join(tmp, 'tasks');
    for (const id of ['t1', 't2', 't3']) writeTinyTask(tasks, repo, id);
    const gold = patchFor(repo, FIX_FILES);
    const preds = path.join(tmp, 'preds.jsonl');
    await writeFile(
      preds,
      jsonl([
        { instance_id: 't1', model_name_or_path: 'agent-a', model_patch: gold },
        { instance_id: 't2', model_name_or_path: 'agent-a', model_patch: null },
        { instance_id: 't3', model_name_or_path: 'agent-a', model_patch: 'I could not fix it.' },
        { instance_id: 't1', model_name_or_path: 'org/agent-b', model_patch: '' },
      ]),
    );
    const results = path.join(tmp, 'results');
    const r = await runCli(['eval', '--predictions', preds, '--tasks', tasks, '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'mixed', '--sandbox', 'local']);
    expect(r.exitCode, r.stderr).toBe(0);
    const header = RunHeader.parse(JSON.parse(await readFile(path.join(results, 'mixed', 'run.json'), 'utf8')));
    expect(header.contenders.map((c) => [c.id, c.name, c.agent])).toEqual([['agent-a', 'agent-a', 'predictions'], ['org_agent-b', 'org/agent-b', 'predictions']]);
    const attempts = await readAttempts(path.join(results, 'mixed'));
    const by = Object.fromEntries(attempts.map((a) => [`${a.contender}/${a.instance_id}`, a]));
    expect(by['agent-a/t1']!.outcome).toBe('resolved');
    expect(by['agent-a/t2']).toMatchObject({ outcome: 'empty_patch', test_ms: 0, tests_status: null });
    expect(by['agent-a/t3']!.outcome).toBe('patch_failed');
    for (const id of ['t1', 't2', 't3']) expect(by[`org_agent-b/${id}`]).toMatchObject({ outcome: 'empty_patch', test_ms: 0 });
    expect(attempts).toHaveLength(6);
    expect(r.stderr).toMatch(/org_agent-b \(model_name_or_path "org\/agent-b"\): 1 prediction\(s\); 2 task\(s\) without one count as empty_patch/);
  });

  it('refuses predictions for unknown tasks and repeated ones, naming the lines', async () => {
    const tasks = path.join(tmp, 'tasks');
    const preds = path.join(tmp, 'bad.jsonl');
    await writeFile(
      preds,
      jsonl([
        { instance_id: 'nope', model_name_or_path: 'm', model_patch: '' },
        { instance_id: 't1', model_name_or_path: 'm', model_patch: '' },
        { instance_id: 't1', model_name_or_path: 'm', model_patch: null },
      ]) + '{"instance_id": "t2"}\n',
    );
    const r = await runCli(['eval', '--predictions', preds, '--tasks', tasks, '--results', path.join(tmp, 'r2')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl:4: model_name_or_path: missing required field/);
    const fixed = path.join(tmp, 'bad2.jsonl');
    await writeFile(fixed, (await readFile(preds, 'utf8')).split('\n').slice(0, 3).join('\n') + '\n');
    const r2 = await runCli(['eval', '--predictions', fixed, '--tasks', tasks, '--results', path.join(tmp, 'r2')]);
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr).toMatch(/bad2\.jsonl:1: instance_id "nope" is not a task of the suite/);
    expect(r2.stderr).toMatch(/bad2\.jsonl:3: a second prediction of m for t1 \(first on line 2\)/);
    expect(existsSync(path.join(tmp, 'r2'))).toBe(false);
  });
});
