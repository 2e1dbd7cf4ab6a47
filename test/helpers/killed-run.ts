// Test helper for kill -9 then --resume tests: the fake model's files (models.yaml naming the fake
// OpenAI server, a price sheet at 2.00/8.00 USD per million tokens: 0.0028 USD a call of 1000 + 100
// tokens), and a CLI run SIGKILLed (its whole process group) once the server has seen a number of calls.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { BIN, ROOT } from './cli.ts';
import type { FakeOpenAI } from './fake-openai.ts';
import { gone } from './process.ts';

/** Writes `<tmp>/models.yaml` (model `fake-coder` at `server`) and `<tmp>/2026-04-01.yaml`; returns their paths and the env a run needs. */
export async function fakeCoderFiles(tmp: string, server: FakeOpenAI): Promise<{ modelsFile: string; prices: string; env: Record<string, string> }> {
  const modelsFile = path.join(tmp, 'models.yaml');
  await writeFile(modelsFile, `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${server.baseURL}\n    api_key_env: FAKE_PROVIDER_API_KEY\n    model: fake/coder-1\n    vendor: Fake Labs\n    region: US\n    params: { max_tokens: 100 }\n`);
  const prices = path.join(tmp, '2026-04-01.yaml');
  await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00" }\n');
  return { modelsFile, prices, env: { FIXBENCH_CACHE_DIR: path.join(tmp, 'env-cache'), FAKE_PROVIDER_API_KEY: 'sk-fake-ledger-0123456789' } };
}

/**
 * Runs `fixbench <args>` and SIGKILLs its process group 1 s after the server has received `calls`
 * requests in all (the reply is then on the ledger and the command it asked for runs); asserts the
 * count was reached within 120 s and that the process is gone.
 */
export async function runUntilKilled(args: string[], env: Record<string, string>, server: FakeOpenAI, calls: number): Promise<void> {
  const child = execa('node', [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env, NO_COLOR: '1' }, detached: true, reject: false });
  const deadline = Date.now() + 120_000;
  while (server.requests.length < calls && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(server.requests.length).toBe(calls);
  await new Promise((r) => setTimeout(r, 1000));
  process.kill(-child.pid!, 'SIGKILL');
  await child;
  expect(await gone(child.pid!)).toBe(true);
}
