// runOneAttempt builds the agent (the SDK import, its clients) while the workspace is being made
// (issue 18, the I/O-bound first turn): neither waits for the other. An agent that cannot be built
// still fails the attempt with its own error, and the workspace made meanwhile is removed.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { describe, expect, it, vi } from 'vitest';
import { oneFileTask } from '../../helpers/one-file-task.ts';

/** What the mocked `attemptAgent` does; each test sets it. */
const build = vi.hoisted(() => ({ fn: async (): Promise<unknown> => { throw new Error('unset'); } }));
vi.mock('../../../src/agents/factory.ts', async (orig) => ({ ...(await orig<object>()), attemptAgent: () => build.fn() }));
const { runOneAttempt } = await import('../../../src/runner/attempt.ts');

const { root, sandbox, task, repoCache } = oneFileTask('fixbench-overlap-');

/** The checked-out files of every workspace under `workRoot` (`<attempt dir>/ws-*\/<repo name>/a.txt`). */
function checkedOut(workRoot: string): string[] {
  if (!existsSync(workRoot)) return [];
  return readdirSync(workRoot).flatMap((a) =>
    (existsSync(join(workRoot, a)) ? readdirSync(join(workRoot, a)) : []).filter((w) => w.startsWith('ws-')).flatMap((w) => {
      const ws = join(workRoot, a, w);
      return (existsSync(ws) ? readdirSync(ws) : []).map((n) => join(ws, n, 'a.txt')).filter((f) => existsSync(f));
    }),
  );
}

function env(workRoot: string) {
  return {
    opts: { runId: 'r', sandbox, repoCache: repoCache(), limits: {}, priceSheet: { file: 'p' }, budgetUsd: null },
    writer: { dir: join(root, 'run') }, budget: { leave: () => {} }, workRoot, redact: (s: string) => s, pools: { test: pLimit(2), model: pLimit(64) }, onBudgetRefused: () => {},
  } as never;
}

// gold: a plan whose agent works in a workspace (noop works in none: attempt-workspace.ts `withoutWorkspace`)
const job = () => ({ task: task(), plan: { kind: 'reference', agent: 'gold' }, contender: { id: 'gold' }, attempt: 1, key: 'k' }) as never;

describe('the agent is built while the workspace is made', () => {
  it('the agent build sees the workspace appear before it returns (sequential code would never: it times out)', async () => {
    const workRoot = mkdtempSync(join(root, 'w1-'));
    let seen = false;
    build.fn = async () => {
      for (let i = 0; i < 500 && !seen; i++) {
        seen = checkedOut(workRoot).length > 0;
        if (!seen) await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(seen ? 'stop here: seen' : 'stop here: the workspace was never made while building');
    };
    await expect(runOneAttempt(job(), env(workRoot))).rejects.toThrow('stop here: seen');
    expect(seen).toBe(true);
  }, 30_000);

  it('an agent that cannot be built fails the attempt with its error, and the workspace is removed', async () => {
    const workRoot = mkdtempSync(join(root, 'w2-'));
    build.fn = async () => {
      await new Promise((r) => setTimeout(r, 50));
      throw new Error('no such model API: grpc');
    };
    await expect(runOneAttempt(job(), env(workRoot))).rejects.toThrow('no such model API: grpc');
    // the workspace's removal is awaited before the error propagates; the attempt folder's is started
    for (let i = 0; i < 200 && checkedOut(workRoot).length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(checkedOut(workRoot)).toEqual([]);
  }, 30_000);
});
