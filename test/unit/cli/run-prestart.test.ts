import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const asked: string[][] = [];
vi.mock('../../../src/sandbox/spawn-client.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/sandbox/spawn-client.ts')>()),
  prestartSpawnHelpers: (lanes: string[]) => void asked.push([...lanes]),
}));
const { main } = await import('../../../src/cli/main.ts');

// `fixbench run` asks for its spawn helpers first, before it loads and checks its inputs, so their
// start-up runs beside that work instead of on the first attempt's path.
describe('fixbench run starts its spawn helpers ahead of its first command', () => {
  const dirs: string[] = [];
  const scratch = async () => {
    const d = await mkdtemp(join(tmpdir(), 'fixbench-prestart-'));
    dirs.push(d);
    return d;
  };
  beforeEach(() => void asked.splice(0));
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('a run asks for the commands and git helpers before it reads its tasks (a run refused for an unknown task has asked)', async () => {
    const d = await scratch();
    expect(await main(['run', '--no-models', '--task', 'no-such-task-1', '--results', join(d, 'results'), '--reports', join(d, 'reports')])).toBe(2);
    expect(asked).toEqual([['commands', 'git']]);
  });

  it('a dry run, which runs no command, asks for none', async () => {
    const d = await scratch();
    await main(['run', '--dry-run', '--no-models', '--task', 'no-such-task-1', '--results', join(d, 'results'), '--reports', join(d, 'reports')]);
    expect(asked).toEqual([]);
  });
});
