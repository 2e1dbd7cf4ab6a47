// Runs a built-in agent preset (src/agents/presets.ts) end to end through the real `fixbench run`, in
// the bwrap sandbox, against the scripted fake provider: whenever the CLI offers a shell tool and has
// not yet run it, the "model" calls it with `git apply` of the task's gold patch; then it answers in
// text. Shared by test/integration/agent-presets.test.ts and `npm run check:agents`.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli, type CliResult } from './cli.ts';
import { defaultAnthropicUsage, defaultUsage, startFakeProvider, textReply, toolCall, type FakeRequest } from './fake-provider.ts';
import type { AttemptRecord } from '../../src/store/records.ts';

export const PRESET_TASK = 'js-duration-1';
const KEY = 'sk-upstream-secret-for-presets-77';

/** Tool names CLIs give their shell tool. */
const SHELL = /^(bash|shell|exec|run_shell_command|exec_command|run_terminal_cmd)$/i;

function toolNames(req: FakeRequest): string[] {
  const tools: any[] = Array.isArray(req.body?.tools) ? req.body.tools : [];
  return tools.map((t) => t?.function?.name ?? t?.name).filter((n): n is string => typeof n === 'string');
}

const answered = (req: FakeRequest): boolean => {
  const msgs: any[] = Array.isArray(req.body?.messages) ? req.body.messages : Array.isArray(req.body?.input) ? req.body.input : [];
  return msgs.some((m) => m?.role === 'tool' || m?.type === 'function_call_output' || (Array.isArray(m?.content) && m.content.some((c: any) => c?.type === 'tool_result')));
};

export interface PresetRun extends CliResult {
  record: AttemptRecord | null;
  /** Requests the provider answered with usage (the billed ones). */
  billed: FakeRequest[];
  requests: FakeRequest[];
  tmp: string;
}

/**
 * @param preset preset id; it must be installed in `cacheDir` (`fixbench agents install`).
 * @param api the fake model's API (`anthropic` or `openai-chat`).
 */
export async function runPreset(preset: string, api: 'anthropic' | 'openai-chat', cacheDir: string, extra: string[] = []): Promise<PresetRun> {
  const gold = await readFile(path.join(ROOT, 'tasks', PRESET_TASK, 'gold.patch'), 'utf8');
  const fix = `git apply <<'FIXBENCH_EOF'\n${gold.endsWith('\n') ? gold : `${gold}\n`}FIXBENCH_EOF`;
  const billed: FakeRequest[] = [];
  const provider = await startFakeProvider((req) => {
    const usage = req.dialect === 'anthropic' ? defaultAnthropicUsage() : req.path.endsWith('/responses') ? { input_tokens: 100, output_tokens: 10, total_tokens: 110 } : defaultUsage();
    billed.push(req);
    if (process.env.FIXBENCH_PRESET_DEBUG) process.stderr.write(`${req.path} tools: ${toolNames(req).join(', ')} ${JSON.stringify((req.body?.tools ?? []).find((t: any) => SHELL.test(t?.function?.name ?? t?.name ?? '')) ?? null).slice(0, 600)}\n`);
    const shell = toolNames(req).find((n) => SHELL.test(n));
    if (shell && !answered(req)) return toolCall(shell, shell === 'exec_command' ? { cmd: fix } : { command: fix, description: 'apply the fix' }, { usage, finish_reason: 'tool_calls' });
    return textReply('Done: the fix is applied.', { usage, finish_reason: 'stop' });
  });
  const tmp = await mkdtemp(path.join(os.tmpdir(), `fixbench-preset-${preset}-`));
  try {
    const modelsFile = path.join(tmp, 'models.yaml');
    await writeFile(
      modelsFile,
      `models:\n  - id: fake-model\n    provider: fake\n    api: ${api}\n    base_url: ${api === 'anthropic' ? provider.rootURL : provider.baseURL}\n    api_key_env: FAKE_PROVIDER_KEY\n    model: fake-model-1\n    vendor: Fake Labs\n    region: US\n`,
    );
    const prices = path.join(tmp, '2026-04-01.yaml');
    await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-model: { input: "2.00", output: "8.00", cache_read: "0.50" }\n');
    const results = path.join(tmp, 'results');
    const r = await runCli(
      ['run', '--task', PRESET_TASK, '--no-reference', '--agents', preset, '--models-file', modelsFile, '--prices', prices, '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'p', '--sandbox', 'bwrap', '--attempt-timeout', '300', ...extra],
      { env: { FAKE_PROVIDER_KEY: KEY, FIXBENCH_CACHE_DIR: cacheDir } },
    );
    const line = (await readFile(path.join(results, 'p', 'attempts.jsonl'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean)[0];
    return { ...r, record: line ? (JSON.parse(line) as AttemptRecord) : null, billed, requests: provider.requests, tmp };
  } finally {
    await provider.close();
  }
}

/** Total tokens and list USD the fake provider reported for `billed` (100 in / 10 out each, at 2 / 8 USD per Mtok). */
export function reported(billed: readonly FakeRequest[]): { input: number; output: number; usd: number } {
  return { input: 100 * billed.length, output: 10 * billed.length, usd: (billed.length * (100 * 2 + 10 * 8)) / 1e6 };
}

export const cleanup = (r: PresetRun) => rm(r.tmp, { recursive: true, force: true });
