// The `agents:` section of models.yaml: loaded with the models, every bad field named.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog, loadModelsFile } from '../../../src/config/catalog.ts';
import { UserInputError } from '../../../src/core/errors.ts';
import { ROOT } from '../../helpers/cli.ts';

const MODEL = `models:\n  - id: m1\n    provider: p\n    api: openai-chat\n    base_url: https://example.com/v1\n    api_key_env: EXAMPLE_API_KEY\n    model: vendor/m1\n    vendor: V\n    region: US\n`;
let dir: string;
afterEach(() => rm(dir, { recursive: true, force: true }));

async function load(agents: string) {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-agents-cfg-'));
  const file = path.join(dir, 'models.yaml');
  await writeFile(file, MODEL + agents);
  return { file, load: () => loadModelsFile(file) };
}

describe('agents: section of models.yaml', () => {
  it('loads agents with defaults, alongside the models', async () => {
    const { file } = await load(`agents:\n  - id: aider\n    command: aider --model openai/{{model}} --message-file {{problem_file}}\n    env: [AIDER_CONFIG]\n    timeout_s: 600\n`);
    const c = await loadCatalog(file, path.join(ROOT, 'prices', '2026-03-31.yaml'));
    // The built-in presets come first (src/agents/presets.ts), then the file's own entries.
    expect(c.agents.map((a) => a.id)).toEqual(['claude-code', 'openclaw', 'codex', 'opencode', 'qwen-code', 'pi', 'aider']);
    expect(c.agents.at(-1)).toEqual({ id: 'aider', network: 'proxy', command: 'aider --model openai/{{model}} --message-file {{problem_file}}', env: ['AIDER_CONFIG'], vars: {}, timeout_s: 600 });
    expect(c.models[0]!.spec.id).toBe('m1');
  });

  it('takes the `network: host` opt-in', async () => {
    const { load: l } = await load(`agents:\n  - id: wide\n    command: x\n    network: host\n`);
    expect((await l()).agents[0]!.network).toBe('host');
  });

  it('is optional', async () => {
    const { load: l } = await load('');
    expect((await l()).agents).toEqual([]);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['a credential passed through', `agents:\n  - id: a\n    command: x\n    env: [OPENROUTER_API_KEY]\n`, /agents\.0\.env\.0.*looks like a credential/s],
    ['an unknown placeholder', `agents:\n  - id: a\n    command: aider {{modle}}\n`, /agents\.0\.command.*unknown placeholder \{\{modle\}\}/s],
    ['a block helper', `agents:\n  - id: a\n    command: "{{#each x}}y{{/each}}"\n`, /agents\.0\.command.*only \{\{placeholder\}\}/s],
    ['a built-in id', `agents:\n  - id: bash\n    command: x\n`, /agents\.0\.id.*built-in agent/s],
    ['a duplicate id', `agents:\n  - id: a\n    command: x\n  - id: a\n    command: y\n`, /agents\.1\.id.*duplicate agent id "a"/s],
    ['overriding a proxy variable', `agents:\n  - id: a\n    command: x\n    vars: { OPENAI_BASE_URL: "https://api.openai.com/v1" }\n`, /agents\.0\.vars.*set by fixbench/s],
    ['an unknown network mode', `agents:\n  - id: a\n    command: x\n    network: all\n`, /agents\.0\.network.*"proxy"\|"host"/s],
    ['an unknown field', `agents:\n  - id: a\n    command: x\n    cmd: y\n`, /agents\.0.*cmd/s],
  ];
  it.each(bad)('refuses %s, naming the file and the field', async (_name, yaml, message) => {
    const { file, load: l } = await load(yaml);
    const err = await l().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(message);
  });
});
