// `fixbench history` names the command that finishes a run a killed process left `running`: typed
// as printed (from another folder), it completes the run: `--resume` reads the models file, price
// sheet, tasks and limits from run.json, so the command needs only the run id and --results.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { fakeCoderFiles, runUntilKilled } from '../helpers/killed-run.ts';

let tmp: string;
let server: FakeOpenAI;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-history-resume-'));
  server = await startFakeOpenAI(() => toolCall('bash', { command: 'sleep 0.3; echo FIXBENCH_SUBMIT' }, { usage: { prompt_tokens: 1000, completion_tokens: 100 } }));
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

const lines = async (dir: string): Promise<number> => (await readFile(path.join(dir, 'attempts.jsonl'), 'utf8').catch(() => '')).split('\n').filter((l) => l.startsWith('{') && l.endsWith('}')).length;

describe('history\'s resume command for a killed run', () => {
  it('works as printed, from another folder: a run started with --models-file and --prices is completed by it (run.json names both)', async () => {
    const { modelsFile, prices, env } = await fakeCoderFiles(tmp, server);
    const results = path.join(tmp, 'results');
    await runUntilKilled(['run', '--task', 'js-duration-1,js-duration-2', '--no-reference', '--models-file', modelsFile, '--prices', prices, '--attempts', '2',
      '--concurrency', '1', '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'k', '--budget-usd', 'none'], env, server, 2);
    expect(await lines(path.join(results, 'k'))).toBeLessThan(4);

    // started as `node bin/fixbench.mjs` (not through npm): the command says so
    const h = await runCli(['history', '--results', results], { env: { ...env, npm_command: undefined, npm_lifecycle_event: undefined } });
    expect(h.exitCode, h.stderr).toBe(0);
    const row = h.stdout.split('\n').find((l) => l.startsWith('k '))!;
    const cmd = /running \(no live process\): (.*?)\s{2,}/.exec(`${row}  `)?.[1];
    expect(cmd, row).toMatch(/^node \S+fixbench\.mjs run --resume k /);
    const r = await execa(cmd!, { shell: true, cwd: tmp, env: { ...process.env, ...env, NO_COLOR: '1' }, reject: false });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(await lines(path.join(results, 'k'))).toBe(4);
  }, 300_000);
});
