// A model cannot make its own attempt an infra error (and so earn a free re-roll outside the
// denominator under --retry-errors) by taking its workspace's owner bits away (attackF): through
// the real pipeline (`fixbench run --sandbox bwrap`, the built-in agent), `chmod 000 .` and a locked
// folder below are followed by more commands, the patch extraction and the removal.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall } from '../helpers/fake-openai.ts';
import { bwrapUsable } from '../unit/sandbox/bwrap-usable.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-locked-e2e-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe.runIf(bwrapUsable)('a workspace its agent locked', () => {
  it('regression: chmod 000 on the workspace and a folder in it is the attempt\'s outcome, never an infra error', async () => {
    const usage = { prompt_tokens: 100, completion_tokens: 10 };
    const server = await startFakeOpenAI([
      toolCall('bash', { command: 'echo "// edited" >> index.js; mkdir -p locked && chmod 000 locked && chmod 000 .' }, { usage }),
      toolCall('bash', { command: 'echo still here' }, { usage }),
      toolCall('bash', { command: 'chmod 000 . && echo FIXBENCH_SUBMIT' }, { usage }),
    ]);
    try {
      const models = path.join(tmp, 'models.yaml');
      await writeFile(models, `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${server.baseURL}\n    api_key_env: FAKE_PROVIDER_API_KEY\n    model: fake/coder-1\n    vendor: Fake Labs\n    region: US\n`);
      const prices = path.join(tmp, '2026-04-01.yaml');
      await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00" }\n');
      const results = path.join(tmp, 'results');
      const r = await runCli(['run', '--task', 'js-duration-1', '--no-reference', '--sandbox', 'bwrap', '--models-file', models, '--prices', prices, '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'r'], { env: { FAKE_PROVIDER_API_KEY: 'sk-test-secret-value-0123456789' } });
      expect(r.exitCode, r.stderr).toBe(0);
      const rec = JSON.parse((await readFile(path.join(results, 'r', 'attempts.jsonl'), 'utf8')).trim().split('\n')[0]!) as { outcome: string; exit_status: string; error: unknown; model_patch: string };
      expect(rec.outcome, JSON.stringify(rec.error)).not.toBe('infra_error');
      expect(rec.exit_status).toBe('submitted');
      expect(rec.model_patch).toContain('+// edited');
    } finally {
      await server.close();
    }
  });
});
