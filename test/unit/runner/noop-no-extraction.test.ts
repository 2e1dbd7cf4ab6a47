// noop gives its empty patch (`given_patch: ''`): the runner extracts nothing from its workspace (no
// `git add`, `git diff`, index copy), while gold's patch is still extracted there; noop's attempt is
// graded on the empty patch as before.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { describe, expect, it, vi } from 'vitest';
import type { AttemptRecord } from '../../../src/core/records.ts';
import { oneFileTask } from '../../helpers/one-file-task.ts';

const extracted = vi.hoisted(() => ({ dirs: [] as string[] }));
vi.mock('../../../src/workspace/extract-patch.ts', async (orig) => {
  const real = await orig<typeof import('../../../src/workspace/extract-patch.ts')>();
  return { ...real, extractPatch: async (...a: Parameters<typeof real.extractPatch>) => (extracted.dirs.push(a[0].dir), real.extractPatch(...a)) };
});
const { runOneAttempt } = await import('../../../src/runner/attempt.ts');

const { root, sandbox, task, repoCache } = oneFileTask('fixbench-noop-extract-');

async function attempt(agent: 'gold' | 'noop'): Promise<AttemptRecord> {
  const workRoot = mkdtempSync(join(root, `${agent}-`));
  const env = {
    opts: { runId: 'r', sandbox, repoCache: repoCache(), limits: {}, priceSheet: { file: 'p' }, budgetUsd: null },
    writer: { dir: join(root, 'run'), writeAttemptLogs: async () => {} },
    budget: { leave: () => {} }, workRoot, redact: (s: string) => s, pools: { test: pLimit(2), model: pLimit(64) }, onBudgetRefused: () => {},
  } as never;
  return runOneAttempt({ task: task(), plan: { kind: 'reference', agent }, contender: { id: agent }, attempt: 0, key: `k-${agent}` } as never, env);
}

describe('noop submits without an extraction', () => {
  it('noop: no extractPatch call, the empty patch graded; gold: its workspace patch extracted', async () => {
    extracted.dirs = [];
    const noop = await attempt('noop');
    expect(extracted.dirs).toEqual([]);
    expect(noop.model_patch).toBe('');
    expect(noop.outcome).not.toBe('infra_error');
    expect(noop.outcome).not.toBe('empty_patch'); // graded like any noop: its tests ran (gradeEmptyPatch)

    await attempt('gold');
    expect(extracted.dirs).toHaveLength(1);
  }, 60_000);
});
