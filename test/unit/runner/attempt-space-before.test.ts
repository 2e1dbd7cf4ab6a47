// The "before" reading of the disk-fill verdict (disk-fill.ts) for an agent that starts before its
// workspace exists (`w.making`, the bash agent): taken once the workspace is made (checkout and setup
// done), before the agent's first command, so setup's own files never count as the agent's growth.
import { describe, expect, it, vi } from 'vitest';

const log = vi.hoisted(() => ({ events: [] as string[], space: undefined as unknown }));
vi.mock('../../../src/workspace/disk-fill.ts', async (orig) => ({
  ...(await orig<object>()),
  spaceBefore: async () => {
    log.events.push('statfs');
    return { freeBytes: 1, freeFiles: 1, totalFiles: 1, at: 1 };
  },
}));
vi.mock('../../../src/workspace/extract-patch.ts', async (orig) => ({
  ...(await orig<object>()),
  extractPatch: async (_ws: unknown, space: unknown) => {
    log.space = space;
    return { patch: '', binaryFilesDropped: 0 };
  },
}));
vi.mock('../../../src/sandbox/attempt.ts', async (orig) => ({
  ...(await orig<object>()),
  withAttemptIsolation: (_sandbox: unknown, fn: (own: object) => Promise<unknown>) => fn({ sandbox: {}, runDir: '/x', infoDir: '/y' }),
}));
const { workIn } = await import('../../../src/runner/attempt.ts');

describe('workIn with a workspace still being made', () => {
  it('regression: reads the file system after the workspace is made and before the agent runs (it read it before checkout and setup)', async () => {
    let made!: (m: unknown) => void;
    const making = new Promise((r) => (made = r));
    const agent = {
      attempt: async ({ workspaceReady }: { workspaceReady: Promise<void> }) => {
        log.events.push('agent starts');
        await new Promise((r) => setTimeout(r, 20));
        log.events.push('setup done');
        made({ workspace: { dir: '/ws' }, envCache: null });
        await workspaceReady;
        log.events.push('first command');
        return { exit_status: 'completed', calls: [], steps: 0, trajectory: [] };
      },
    };
    const w = { task: {}, built: { agent }, workspace: { dir: '/ws' }, envCache: null, saveTrajectory: undefined, making } as never;
    const env = { opts: { limits: { costUsd: null }, sandbox: {}, signal: undefined }, redact: (s: string) => s } as never;
    const worked = await workIn(w, env);
    expect(worked.fault).toBeNull();
    expect(log.events).toEqual(['agent starts', 'setup done', 'statfs', 'first command']);
    expect(log.space).toMatchObject({ freeBytes: 1 });
  });
});
