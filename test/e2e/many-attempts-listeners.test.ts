// Many model attempts in flight at once (--concurrency above EventTarget's warning threshold of 10,
// all waiting on the run's one interrupt signal) print no MaxListenersExceededWarning: a nightly's
// log is not cluttered with a Node warning that looks like a leak.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { fakeCoderFiles } from '../helpers/killed-run.ts';

let tmp: string;
let server: FakeOpenAI;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-listeners-'));
  // every attempt: one slow call (all 12 first calls in flight together while the workspaces are made), then submit
  server = await startFakeOpenAI(() => ({ ...toolCall('bash', { command: 'echo FIXBENCH_SUBMIT' }, { usage: { prompt_tokens: 100, completion_tokens: 10 } }), delayMs: 1500 }));
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('a run with more than 10 attempts in flight', () => {
  it('prints no MaxListenersExceededWarning', async () => {
    const { modelsFile, prices, env } = await fakeCoderFiles(tmp, server);
    const r = await runCli(
      ['run', '--task', 'js-duration-1', '--no-reference', '--models-file', modelsFile, '--prices', prices, '--attempts', '12', '--concurrency', '12',
        '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', 'l1'],
      { env },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(server.requests.length).toBeGreaterThanOrEqual(12);
    expect(r.stderr).not.toMatch(/MaxListenersExceeded/);
  }, 300_000);
});
