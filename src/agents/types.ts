// The Agent contract (DESIGN.md §5): `Agent.attempt(ctx) → {exit_status, calls, trajectory}`. The
// agent changes the workspace; the runner extracts the patch once, for every agent.
import type { ExitStatus } from '../core/outcome.ts';
import type { TaskSpec } from '../config/task.ts';
import type { ModelClient, CallRecord } from '../models/types.ts';
import type { TrajectorySink, TrajectoryStep } from '../core/trajectory.ts';
import type { PriceRow } from '../config/prices.ts';
import type { ServedPricer } from '../pricing/served.ts';
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
  /**
   * Hands the attempt's trajectory to the store (validated, redacted, written atomically); agents call
   * it after each step and at the end. Absent = the trajectory is not stored (an agent run outside the runner).
   */
  saveTrajectory?: TrajectorySink;
  /**
   * Removes known secrets (API keys) from text: applied to command output before the model sees it
   * and to the trajectory before it is written. Default: no change.
   */
  redact?: (text: string) => string;
  signal?: AbortSignal;
  /**
   * Present when the agent was started before its workspace exists (only for an agent that
   * `waitsForWorkspace`): `workspace.dir` is already the workspace's final path, the tree is not
   * there yet. Resolves once it is made (checkout and setup); rejects when it could not be (the
   * runner records the harness's fault). Nothing may touch the workspace before it resolves.
   */
  workspaceReady?: Promise<void>;
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
  /** A router entry: prices each call by the model its reply names (src/pricing/served.ts). */
  served?: ServedPricer;
  /** The sheet's ceiling row: a call of unknown cost records `cap_usd` at it (src/pricing/ceiling.ts). */
  ceiling?: PriceRow | null;
  /** Refuses a call when it returns a message (the run budget). */
  refuse?: () => string | null;
  /** Called per metered call (to count it in the run budget), with the id `pending` gave it. */
  onCall?: (call: CallRecord, callId?: string) => void;
  /** Writes a billed request's pending ledger line before it is forwarded (src/proxy/types.ts `pending`). */
  pending?: (request: Buffer) => Promise<string>;
  /** Settles a pending call that never reached the provider. */
  unbilled?: (callId: string) => void;
}

export type { TrajectoryStep };

export interface AttemptResult {
  /**
   * A patch given rather than made in the workspace (a SWE-bench prediction; noop's empty patch): graded
   * as it is, and nothing is extracted. Absent for every agent that works in the workspace: the runner
   * extracts the workspace's patch.
   */
  given_patch?: string;
  exit_status: ExitStatus;
  calls: CallRecord[];
  steps: number;
  trajectory: TrajectoryStep[];
  /** Message when the attempt ended on an error. */
  error?: string;
  /** Images of the task's problem_assets/ the model was shown (0 for a text-only model); absent when the task has none or the agent does not send images. */
  images_sent?: number;
}

export interface Agent {
  /** `gold`, `noop`, `bash`, … */
  readonly name: string;
  /**
   * True: the runner may start `attempt` while the workspace is still being made (with
   * `AttemptContext.workspaceReady`), the agent waiting for it before anything touches the workspace.
   * Absent: the agent starts once the workspace is made.
   */
  readonly waitsForWorkspace?: boolean;
  attempt(ctx: AttemptContext): Promise<AttemptResult>;
}
