// Issue 20 must-show: the real Claude Code and opencode CLIs, installed at their pinned versions by
// `fixbench agents install` into a cache folder, each run end to end by `fixbench run --agents <preset>`
// in the bwrap sandbox (network: only the metering proxy) against the scripted fake provider. The
// task resolves and the record's tokens and USD equal what the provider reported.
// Needs the npm registry and bwrap: outside CI a missing one SKIPS loudly; with CI=true it must run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { cleanup, reported, runPreset, type PresetRun } from '../helpers/preset-run.ts';

const CACHE = process.env.FIXBENCH_AGENTS_TEST_CACHE ?? path.join(os.tmpdir(), 'fixbench-agents-test-cache');
const CI = process.env.CI === 'true';

function missing(): string | null {
  if (!existsSync('/usr/bin/bwrap') && !process.env.PATH?.split(':').some((d) => existsSync(path.join(d, 'bwrap')))) return 'bwrap is not installed';
  try {
    execFileSync('npm', ['view', '@anthropic-ai/claude-code', 'version'], { stdio: 'pipe', timeout: 30_000 });
  } catch (e) {
    return `the npm registry is not reachable (${(e as Error).message.split('\n')[0]})`;
  }
  return null;
}
const why = missing();
if (why && !CI) process.stderr.write(`\n*** SKIPPING test/integration/agent-presets.test.ts: ${why} ***\n\n`);
const maybe = why && !CI ? describe.skip : describe;

maybe('built-in agent presets, real CLIs, end to end in bwrap', () => {
  const runs: PresetRun[] = [];
  beforeAll(async () => {
    if (why) throw new Error(`CI=true but ${why}`);
    const r = await runCli(['agents', 'install', 'claude-code', 'opencode'], { env: { FIXBENCH_CACHE_DIR: CACHE }, timeoutMs: 900_000 });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  }, 900_000);
  afterAll(async () => {
    await Promise.all(runs.map(cleanup));
  });

  it('agents list shows both installed at their pinned versions, with their protocols', async () => {
    const r = await runCli(['agents', 'list', '--json'], { env: { FIXBENCH_CACHE_DIR: CACHE } });
    const rows = JSON.parse(r.stdout).presets as Array<{ id: string; pinned: string; installed: string | null; protocols: string[] }>;
    expect(rows.map((x) => x.id)).toEqual(['claude-code', 'openclaw', 'codex', 'opencode', 'qwen-code', 'pi']);
    for (const id of ['claude-code', 'opencode']) {
      const row = rows.find((x) => x.id === id)!;
      expect(row.installed).toBe(row.pinned);
    }
    expect(rows.find((x) => x.id === 'claude-code')!.protocols).toEqual(['anthropic']);
  });

  it.each([
    ['claude-code', 'anthropic'],
    ['opencode', 'openai-chat'],
  ] as const)('%s against an %s model: resolved, tokens and USD exactly as reported', async (id, api) => {
    const r = await runPreset(id, api, CACHE);
    runs.push(r);
    expect(r.record, r.stderr).not.toBeNull();
    const rec = r.record!;
    expect(rec, r.stderr).toMatchObject({ contender: `fake-model@${id}`, agent: id, outcome: 'resolved', exit_status: 'submitted' });
    // The fake provider saw at least the tool call and the final answer, each billed.
    expect(r.billed.length).toBeGreaterThanOrEqual(2);
    expect(rec.calls).toBe(r.billed.length);
    const want = reported(r.billed);
    expect(rec.usage).toEqual({ input_uncached: want.input, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: want.output, reasoning: 0 });
    expect(rec.list_usd).toBeCloseTo(want.usd, 12);
    // Side calls (requests without tools, e.g. opencode's session title) are counted in the totals and shown apart.
    const side = r.billed.filter((q) => !(Array.isArray(q.body.tools) && q.body.tools.length));
    if (side.length) expect(rec.side_calls).toEqual({ calls: side.length, usage: expect.objectContaining({ input_uncached: 100 * side.length, output: 10 * side.length }), list_usd: expect.closeTo(reported(side).usd, 12) });
    else expect(rec.side_calls).toBeUndefined();
    if (id === 'opencode') expect(rec.side_calls?.calls).toBe(1);
    // Every call carried the configured model and the real key went only upstream.
    expect(r.requests.every((q) => q.body.model === 'fake-model-1')).toBe(true);
  }, 600_000);

  it('claude-code against an OpenAI-protocol model through the translating proxy: resolved, metered exactly', async () => {
    const r = await runPreset('claude-code', 'openai-chat', CACHE);
    runs.push(r);
    expect(r.record, r.stderr).toMatchObject({ outcome: 'resolved', exit_status: 'submitted' });
    // Claude Code spoke Anthropic Messages; the provider saw only OpenAI Chat Completions.
    expect(r.requests.length).toBeGreaterThanOrEqual(2);
    expect(r.requests.every((q) => q.path === '/v1/chat/completions')).toBe(true);
    const want = reported(r.billed);
    expect(r.record!.calls).toBe(r.billed.length);
    expect(r.record!.usage).toEqual({ input_uncached: want.input, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: want.output, reasoning: 0 });
    expect(r.record!.list_usd).toBeCloseTo(want.usd, 12);
  }, 600_000);

  it('opencode against an Anthropic model through the translating proxy: resolved, metered exactly', async () => {
    const r = await runPreset('opencode', 'anthropic', CACHE);
    runs.push(r);
    expect(r.record, r.stderr).toMatchObject({ outcome: 'resolved', exit_status: 'submitted' });
    expect(r.requests.every((q) => q.path === '/v1/messages')).toBe(true);
    const want = reported(r.billed);
    expect(r.record!.calls).toBe(r.billed.length);
    expect(r.record!.usage).toEqual({ input_uncached: want.input, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: want.output, reasoning: 0 });
    expect(r.record!.list_usd).toBeCloseTo(want.usd, 12);
  }, 600_000);
});
