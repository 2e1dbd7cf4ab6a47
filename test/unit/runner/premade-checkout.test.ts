// The grading's checkout made ahead (issue 18): `workIn` calls `afterAgent` once the agent's run has
// ended and before the patch is extracted (so the checkout overlaps the extraction, never the agent);
// `evaluate` grades in the checkout it is given, and a failed one is the harness's fault.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../../src/config/task.ts';
import { evaluate, startCheckout } from '../../../src/evaluation/evaluate.ts';
import { workIn, type AttemptEnv } from '../../../src/runner/attempt.ts';
import type { AttemptAgent } from '../../../src/agents/factory.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { RepoCache } from '../../../src/workspace/repo-cache.ts';
import { createWorkspace } from '../../../src/workspace/checkout.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';

const root = mkdtempSync(join(tmpdir(), 'fixbench-premade-'));
const sandbox = new LocalSandbox();
let repo: GitRepo;
let task: TaskSpec;
let cache: RepoCache;
beforeAll(() => {
  repo = gitRepo({ 'a.txt': 'a\n' });
  // The test command reports one passing test only when the checkout holds marker.txt.
  task = {
    instance_id: 'tiny-1', repo: repo.dir, base_commit: repo.commits[0]!, setup: '',
    test_cmd: 'test -f marker.txt && printf "TAP version 13\\nok 1 - t\\n1..1\\n"', test_report: 'tap',
    FAIL_TO_PASS: ['t'], PASS_TO_PASS: [], timeout_s: 60, tags: [], dir: join(root, 'tasks', 'tiny-1'), problem_statement: 'p', patch: '', test_patch: '',
  } as TaskSpec;
  cache = new RepoCache({ cacheDir: join(root, 'cache'), tasksDir: join(root, 'tasks') });
});
afterAll(async () => {
  await sandbox.cleanup();
  repo?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

describe('the grading checkout made ahead', () => {
  it('evaluate grades in the checkout it is given (control: without it, a fresh one)', async () => {
    const workDir = mkdtempSync(join(root, 'w-'));
    const given = startCheckout(task, cache, workDir).then((ws) => (writeFileSync(join(ws.dir, 'marker.txt'), 'x'), ws));
    const opts = { task, modelPatch: '', gradeEmptyPatch: true, sandbox, repoCache: cache, workDir, canaries: false };
    const withGiven = await evaluate({ ...opts, checkout: given });
    expect(withGiven.outcome).toBe('resolved');
    const fresh = await evaluate(opts);
    expect(fresh.outcome).toBe('unresolved'); // no marker: the test command fails, no verdict
  }, 60_000);

  it('a checkout that failed is infra_error with its message, and nothing runs', async () => {
    const workDir = mkdtempSync(join(root, 'f-'));
    const failed = Promise.reject(new Error('copy failed: disk full'));
    failed.catch(() => undefined);
    const r = await evaluate({ task, modelPatch: '', gradeEmptyPatch: true, sandbox, repoCache: cache, workDir, canaries: false, checkout: failed });
    expect(r.outcome).toBe('infra_error');
    expect(r.error).toContain('copy failed: disk full');
    expect(r.test_output).toBe('');
  }, 60_000);

  it('workIn calls afterAgent after the agent and before the extraction', async () => {
    const workspace = await createWorkspace({ repoCache: cache, repo: task.repo, baseCommit: task.base_commit, parentDir: mkdtempSync(join(root, 'a-')) });
    const order: string[] = [];
    const built = {
      agent: {
        name: 'fake',
        attempt: async () => {
          order.push('agent');
          writeFileSync(join(workspace.dir, 'a.txt'), 'b\n');
          return { exit_status: 'submitted', calls: [], steps: 0, trajectory: [] };
        },
      },
    } as unknown as AttemptAgent;
    const env = { opts: { sandbox, repoCache: cache, limits: {} }, redact: (s: string) => s } as unknown as AttemptEnv;
    const worked = await workIn({
      task, built, workspace, envCache: null, saveTrajectory: undefined,
      // the extraction has not run yet: the agent's edit is in the tree, no patch taken
      afterAgent: () => order.push('afterAgent'),
    }, env);
    order.push('extracted');
    expect(order).toEqual(['agent', 'afterAgent', 'extracted']);
    expect(worked.patch.text).toContain('+b');
    await workspace.cleanup();
  }, 60_000);
});
