// fixbench started with `.` or an empty entry in its PATH (atkB F2): the agent writes an executable
// `./git` into its workspace and submits. Host git runs with its cwd in that workspace (the patch
// extraction), so a relative PATH entry would run the agent's file on the host, unsandboxed, and
// its output would become the patch. The CLI keeps only absolute PATH entries (src/core/host-path.ts):
// the marker never appears and the real git extracts the patch.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall } from '../helpers/fake-openai.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-relpath-e2e-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('fixbench with a relative or empty PATH entry', () => {
  it.each([['.:$PATH', '.:'], [':$PATH', ':']])('PATH=%s: the workspace\'s own git never runs on the host; the real git extracts the patch', async (_name, prefix) => {
    const dir = await mkdtemp(path.join(tmp, 'run-'));
    const marker = path.join(dir, 'PWNED');
    const usage = { prompt_tokens: 100, completion_tokens: 10 };
    const server = await startFakeOpenAI([
      toolCall('bash', { command: `echo "// edited" >> index.js; printf '#!/bin/sh\\necho "$@" >> ${marker}\\n' > git; chmod +x git; echo FIXBENCH_SUBMIT` }, { usage }),
    ]);
    try {
      const models = path.join(dir, 'models.yaml');
      await writeFile(models, `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${server.baseURL}\n    api_key_env: FAKE_PROVIDER_API_KEY\n    model: fake/coder-1\n    vendor: Fake Labs\n    region: US\n`);
      const prices = path.join(dir, '2026-04-01.yaml');
      await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00" }\n');
      const results = path.join(dir, 'results');
      const r = await runCli(['run', '--task', 'js-duration-1', '--no-reference', '--sandbox', 'local', '--models-file', models, '--prices', prices, '--results', results, '--reports', path.join(dir, 'reports'), '--run-id', 'r'], {
        env: { PATH: `${prefix}${process.env.PATH}`, FAKE_PROVIDER_API_KEY: 'sk-test-secret-value-0123456789' },
      });
      expect(existsSync(marker), existsSync(marker) ? `the workspace's git ran on the host: ${readFileSync(marker, 'utf8')}` : '').toBe(false);
      expect(r.exitCode, r.stderr).toBe(0);
      const rec = JSON.parse((await readFile(path.join(results, 'r', 'attempts.jsonl'), 'utf8')).trim().split('\n')[0]!) as { outcome: string; model_patch: string; error: unknown };
      expect(rec.model_patch).toContain('+// edited');
      expect(rec.outcome, JSON.stringify(rec.error)).not.toBe('infra_error');
    } finally {
      await server.close();
    }
  }, 300_000);
});
