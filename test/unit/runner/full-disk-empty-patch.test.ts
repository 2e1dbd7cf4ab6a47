// An agent that gives up (no change) while another attempt's agent holds the temp disk full: its
// attempt is `empty_patch` (the model's failure, in the denominator), never `infra_error` (atkF10 #5:
// `git add` met ENOSPC, the attempt left the denominator and `--retry-errors` re-rolled it). Run for
// real: TMPDIR on a 48 MiB tmpfs in a user and mount namespace of its own, a fake provider on loopback.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../../helpers/cli.ts';
import { startFakeOpenAI, toolCall } from '../../helpers/fake-openai.ts';
import { fakeCoderFiles } from '../../helpers/killed-run.ts';

const usage = { prompt_tokens: 1000, completion_tokens: 100 };
const seen = { a: 0, b: 0, own: 0 };
let phase: 'sibling' | 'own' = 'sibling';
const server = await startFakeOpenAI((req) => {
  const cmd = (command: string) => toolCall('bash', { command }, { usage });
  if (phase === 'own') {
    // js-duration-1 fills the disk from its own TMPDIR (not its workspace) while its trajectory is saved; js-duration-2 submits at once
    if (JSON.stringify(req.body).includes('rounding gives')) return cmd('echo FIXBENCH_SUBMIT');
    return cmd(seen.own++ === 0 ? 'sleep 2; cat /dev/zero > "$TMPDIR/fill" 2>/dev/null; sleep 3; echo filled' : 'echo FIXBENCH_SUBMIT');
  }
  // B (js-duration-2: "rounding gives") waits until A has filled the disk, then submits no change
  if (JSON.stringify(req.body).includes('rounding gives')) return cmd(seen.b++ === 0 ? 'sleep 8' : 'echo FIXBENCH_SUBMIT');
  // A (js-duration-1) fills the disk and holds it full
  return cmd(seen.a++ === 0 ? 'sleep 3; cat /dev/zero > fill 2>/dev/null; sleep 14; echo filled' : 'echo FIXBENCH_SUBMIT');
});
const tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-full-disk-empty-'));
afterAll(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('an empty patch on a disk another attempt filled', () => {
  it('regression: stays empty_patch (it was infra_error: patch extraction met ENOSPC); the filler is agent_error', async () => {
    const { modelsFile, prices, env } = await fakeCoderFiles(tmp, server);
    const script = `set -e; m=$(mktemp -d); mount -t tmpfs -o size=48m tmpfs "$m"; mkdir "$m/tmp"; TMPDIR="$m/tmp" "$0" "$1" run --task js-duration-1,js-duration-2 --no-reference --concurrency 2 --models-file "$3" --prices "$4" --results "$2/results" --reports "$2/rep" --run-id r --budget-usd 1 >/dev/null`;
    await execa('unshare', ['-rm', 'sh', '-c', script, process.execPath, BIN, tmp, modelsFile, prices], { cwd: ROOT, env: { ...process.env, ...env, NO_COLOR: '1' } });
    const records = (await readFile(path.join(tmp, 'results/r/attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { instance_id: string; outcome: string; error: unknown });
    const by = new Map(records.map((r) => [r.instance_id, r]));
    expect(by.get('js-duration-1')?.outcome).toBe('agent_error');
    expect(by.get('js-duration-2')).toMatchObject({ outcome: 'empty_patch', error: null });
  }, 180_000);

  it('regression: an agent whose own TMPDIR filled the disk (results on it too: its trajectory not written) is agent_error, never an infra_error re-roll', async () => {
    phase = 'own';
    const { modelsFile, prices, env } = await fakeCoderFiles(tmp, server);
    const script = `set -e; m=$(mktemp -d); mount -t tmpfs -o size=48m tmpfs "$m"; mkdir "$m/tmp"; TMPDIR="$m/tmp" "$0" "$1" run --task js-duration-1,js-duration-2 --no-reference --concurrency 2 --models-file "$3" --prices "$4" --results "$m/results" --reports "$2/rep" --run-id r >/dev/null; cp "$m/results/r/attempts.jsonl" "$2/own.jsonl"`;
    await execa('unshare', ['-rm', 'sh', '-c', script, process.execPath, BIN, tmp, modelsFile, prices], { cwd: ROOT, env: { ...process.env, ...env, NO_COLOR: '1' } });
    const records = (await readFile(path.join(tmp, 'own.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { instance_id: string; outcome: string; error: { stage: string; message: string } | null });
    const by = new Map(records.map((r) => [r.instance_id, r]));
    expect(by.get('js-duration-2')?.outcome).toBe('empty_patch');
    expect(by.get('js-duration-1')?.outcome).toBe('agent_error');
    expect(by.get('js-duration-1')?.error).toMatchObject({ stage: 'agent', message: expect.stringMatching(/^contender fake-coder filled the temp disk the run shares: trajectory not written: .*ENOSPC/) });
  }, 180_000);
});
