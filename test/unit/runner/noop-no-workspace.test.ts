// noop works in no workspace (runner/attempt-workspace.ts `withoutWorkspace`): its attempt makes no
// checkout and extracts nothing, and is graded on the empty patch as before (its tests run on the
// grading's own fresh checkout); gold still gets its workspace and its patch is extracted there.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { describe, expect, it, vi } from 'vitest';
import type { AttemptRecord } from '../../../src/core/records.ts';
import { oneFileTask } from '../../helpers/one-file-task.ts';

const seen = vi.hoisted(() => ({ workspaces: 0, extracted: 0 }));
vi.mock('../../../src/workspace/index.ts', async (orig) => {
  const real = await orig<typeof import('../../../src/workspace/index.ts')>();
  return {
    ...real,
    createWorkspace: async (...a: Parameters<typeof real.createWorkspace>) => (seen.workspaces++, real.createWorkspace(...a)),
    planWorkspace: async (...a: Parameters<typeof real.planWorkspace>) => (seen.workspaces++, real.planWorkspace(...a)),
  };
});
vi.mock('../../../src/workspace/extract-patch.ts', async (orig) => {
  const real = await orig<typeof import('../../../src/workspace/extract-patch.ts')>();
  return { ...real, extractPatch: async (...a: Parameters<typeof real.extractPatch>) => (seen.extracted++, real.extractPatch(...a)) };
});
const { runOneAttempt } = await import('../../../src/runner/attempt.ts');
const { withoutWorkspace } = await import('../../../src/runner/attempt-workspace.ts');

const { root, sandbox, task, repoCache } = oneFileTask('fixbench-noop-ws-');

async function attempt(agent: 'gold' | 'noop'): Promise<AttemptRecord> {
  const workRoot = mkdtempSync(join(root, `${agent}-`));
  const env = {
    opts: { runId: 'r', sandbox, repoCache: repoCache(), limits: {}, priceSheet: { file: 'p' }, budgetUsd: null },
    writer: { dir: join(root, 'run'), writeAttemptLogs: async () => {} },
    budget: { leave: () => {} }, workRoot, redact: (s: string) => s, pools: { test: pLimit(2), model: pLimit(64) }, onBudgetRefused: () => {},
  } as never;
  return runOneAttempt({ task: task(), plan: { kind: 'reference', agent }, contender: { id: agent }, attempt: 0, key: `k-${agent}` } as never, env);
}

describe('noop works in no workspace', () => {
  it('noop: no workspace made, nothing extracted, the empty patch graded; gold: its workspace made and extracted', async () => {
    seen.workspaces = 0;
    seen.extracted = 0;
    const noop = await attempt('noop');
    expect(seen).toEqual({ workspaces: 0, extracted: 0 });
    expect(noop.model_patch).toBe('');
    expect(noop.exit_status).toBe('submitted');
    expect(noop.outcome).not.toBe('infra_error');
    expect(noop.outcome).not.toBe('empty_patch'); // graded like any noop: its tests ran (gradeEmptyPatch)

    await attempt('gold');
    expect(seen).toEqual({ workspaces: 1, extracted: 1 });
  }, 60_000);

  it('only noop goes without: gold, predictions, a model and an agent CLI keep their workspace', () => {
    expect(withoutWorkspace({ kind: 'reference', agent: 'noop' } as never)).not.toBeNull();
    expect(withoutWorkspace({ kind: 'reference', agent: 'gold' } as never)).toBeNull();
    expect(withoutWorkspace({ kind: 'predictions' } as never)).toBeNull();
    expect(withoutWorkspace({ kind: 'model' } as never)).toBeNull();
    expect(withoutWorkspace({ kind: 'model', agent: { name: 'aider' } } as never)).toBeNull();
  });
});
