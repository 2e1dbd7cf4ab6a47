// The Agent contract (DESIGN.md §5): `Agent.attempt(ctx) → {model_patch, exit_status, calls, trajectory}`.
import type { ExitStatus } from '../core/outcome.ts';
import type { TaskSpec } from '../config/task.ts';
import type { ModelClient, CallRecord } from '../models/types.ts';
import type { PriceRow } from '../config/prices.ts';
import type { Dialect } from '../proxy/usage.ts';
import type { Sandbox } from '../sandbox/types.ts';
import type { Workspace } from '../workspace/types.ts';

/** Limits of one attempt. */
export interface AgentLimits {
  /** Model turns at most. */
  steps: number;
  /** USD at most (list price); null = no cap. */
  costUsd: number | null;
  /** Wall time of the whole attempt, milliseconds. */
  wallMs: number;
  /** Per-command timeout, milliseconds. */
  commandTimeoutMs: number;
  /** Characters of command output shown to the model before head-and-tail truncation. */
  outputChars: number;
  /** Consecutive format errors tolerated. */
  formatErrors: number;
}

export interface AttemptContext {
  task: TaskSpec;
  workspace: Workspace;
  sandbox: Sandbox;
  limits: AgentLimits;
  /** Present for model-driven agents. */
  model?: ModelClient;
  /**
   * The model's real route, for agents that run an external CLI behind the metering proxy (`command`).
   * The key stays on the harness side: the proxy uses it, the CLI never sees it.
   */
  upstream?: AgentUpstream;
  /**
   * The attempt's private folder for the metering proxy's Unix socket (`isolateAttempt().runDir`).
   * With it, an external agent reaches the proxy through the socket and gets no network; without
   * it (an agent run outside the runner), the agent gets the host's network to reach the proxy.
   */
  proxyDir?: string;
  /**
   * The attempt's private folder for files the host hands the agent (`isolateAttempt().infoDir`),
   * outside the workspace and read-only inside the sandbox. Without it (an agent run outside the
   * runner) the agent makes its own temp folder.
   */
  infoDir?: string;
  /** File to (re)write the trajectory to after each step (JSON). */
  trajectoryPath?: string;
  /**
   * Removes known secrets (API keys) from text: applied to command output before the model sees it
   * and to the trajectory before it is written. Default: no change.
   */
  redact?: (text: string) => string;
  signal?: AbortSignal;
}

/** A model route for the metering proxy (see `AttemptContext.upstream`). */
export interface AgentUpstream {
  dialect: Dialect;
  baseURL: string;
  apiKey: string;
  /** Upstream model name (`ModelSpec.model`). */
  model: string;
  /** USD per million tokens; null = unknown. */
  price: PriceRow | null;
  /** Refuses a call when it returns a message (the run budget). */
  refuse?: () => string | null;
  /** Called per metered call (to count it in the run budget). */
  onCall?: (call: CallRecord) => void;
}

/** One step of a trajectory (a model turn and the command it ran). */
export interface TrajectoryStep {
  step: number;
  /** The assistant's text. */
  thought: string | null;
  /** The command run, if any. */
  command: string | null;
  /** Output shown to the model (after truncation). */
  observation: string | null;
  call: CallRecord | null;
  /** Prompt tokens of this step's request (context size). */
  context_tokens: number;
  /** List-price USD of the attempt's calls up to and including this step; null while no call had a known cost. */
  spent_usd?: number | null;
}

export interface AttemptResult {
  /** `git diff` of the workspace against `base_commit`, taken however the attempt ended. */
  model_patch: string;
  exit_status: ExitStatus;
  calls: CallRecord[];
  steps: number;
  trajectory: TrajectoryStep[];
  /** Message when the attempt ended on an error. */
  error?: string;
}

export interface Agent {
  /** `gold`, `noop`, `bash`, … */
  readonly name: string;
  attempt(ctx: AttemptContext): Promise<AttemptResult>;
}
