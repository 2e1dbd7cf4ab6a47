// A workspace whose removal fails (atkB F1) never ends the run nor drops the record: the attempt is
// recorded as the harness's fault (infra_error at stage `workspace`), with the agent's patch.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { describe, expect, it, vi } from 'vitest';
import type { AttemptRecord } from '../../../src/core/records.ts';
import { oneFileTask } from '../../helpers/one-file-task.ts';

/** The agent workspace's cleanup removes the tree, then fails as a host error would. */
vi.mock('../../../src/workspace/index.ts', async (orig) => {
  const real = await orig<typeof import('../../../src/workspace/index.ts')>();
  return {
    ...real,
    createWorkspace: async (o: Parameters<typeof real.createWorkspace>[0]) => {
      const ws = await real.createWorkspace(o);
      return { ...ws, cleanup: async () => { await ws.cleanup(); throw new Error('EIO: i/o error, rmdir (simulated)'); } };
    },
  };
});
vi.mock('../../../src/agents/factory.ts', async (orig) => ({
  ...(await orig<object>()),
  attemptAgent: async () => ({
    agent: {
      attempt: async ({ workspace }: { workspace: { dir: string } }) => {
        writeFileSync(join(workspace.dir, 'a.txt'), 'a\nfixed\n');
        return { exit_status: 'submitted', calls: [], steps: 1, trajectory: [] };
      },
    },
  }),
}));
const { runOneAttempt } = await import('../../../src/runner/attempt.ts');

const { root, sandbox, task, repoCache } = oneFileTask('fixbench-removal-error-');

describe('a failed removal of the agent workspace', () => {
  it('is the attempt\'s recorded infra_error (stage workspace, with its patch), never thrown out of runOneAttempt', async () => {
    const workRoot = mkdtempSync(join(root, 'w-'));
    const logged: AttemptRecord[] = [];
    const env = {
      opts: { runId: 'r', sandbox, repoCache: repoCache(), limits: {}, priceSheet: { file: 'p' }, budgetUsd: null },
      writer: { dir: join(root, 'run'), writeAttemptLogs: async (r: AttemptRecord) => void logged.push(r) },
      budget: { leave: () => {} }, workRoot, redact: (s: string) => s, pools: { test: pLimit(2), model: pLimit(64) }, onBudgetRefused: () => {},
    } as never;
    const job = { task: task(), plan: { kind: 'reference', agent: 'gold' }, contender: { id: 'gold' }, attempt: 1, key: 'k' } as never;
    const rec = await runOneAttempt(job, env);
    expect(rec.outcome).toBe('infra_error');
    expect(rec.error).toMatchObject({ stage: 'workspace', kind: 'harness_fault' });
    expect(rec.error?.message).toContain('removing the agent\'s workspace: EIO');
    expect(rec.model_patch).toContain('+fixed');
    expect(logged).toHaveLength(1);
  }, 30_000);
});
