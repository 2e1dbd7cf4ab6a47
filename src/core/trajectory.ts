// Trajectory files (`trajectories/<contender>/<instance_id>/<n>.json`): one schema per agent kind,
// a union keyed by `format`. Pure: the store reads and writes them (src/store/trajectory.ts); agents
// build the documents; the report and re-pricing read them through the store.
import { z } from 'zod';
import { ExitStatus } from './outcome.ts';
import { CallRecord, ProxyCallRecord } from './calls.ts';

export const BASH_TRAJECTORY_FORMAT = 'fixbench-trajectory/1';
export const COMMAND_TRAJECTORY_FORMAT = 'fixbench-command-trajectory/1';

/** One step of the built-in agent: a model turn and the command it ran. */
export const TrajectoryStep = z.object({
  step: z.number().int().positive(),
  /** The assistant's text. */
  thought: z.string().nullable(),
  /** The command run, if any. */
  command: z.string().nullable(),
  /** Output shown to the model (after truncation). */
  observation: z.string().nullable(),
  call: CallRecord.nullable(),
  /** Prompt tokens of this step's request (context size). */
  context_tokens: z.number().nonnegative(),
  /** List-price USD of the attempt's calls up to and including this step; null while no call had a known cost. */
  spent_usd: z.number().nullable().optional(),
});
export type TrajectoryStep = z.infer<typeof TrajectoryStep>;

/** The built-in `bash` agent's trajectory (src/agents/bash.ts), rewritten after every step. */
export const BashTrajectory = z.object({
  format: z.literal(BASH_TRAJECTORY_FORMAT),
  agent: z.literal('bash'),
  /** The model client's id. */
  model: z.string(),
  instance_id: z.string(),
  protocol: z.enum(['tool_calls', 'fenced_block']),
  /** The attempt's limits: turns, USD (null = none), milliseconds, characters of output shown, consecutive format errors. */
  limits: z.object({
    steps: z.number(),
    costUsd: z.number().nullable(),
    wallMs: z.number(),
    commandTimeoutMs: z.number(),
    outputChars: z.number(),
    formatErrors: z.number(),
  }),
  exit_status: ExitStatus.nullable(),
  error: z.string().nullable(),
  steps: z.array(TrajectoryStep),
  /** The message list as sent to the model. */
  messages: z.array(z.unknown()),
});
export type BashTrajectory = z.infer<typeof BashTrajectory>;

const Counted = z.object({ count: z.number().int().nonnegative(), last: z.string().nullable() });

/** An external agent CLI's trajectory (src/agents/command.ts): its process, output, and the calls the metering proxy saw. */
export const CommandTrajectory = z.object({
  format: z.literal(COMMAND_TRAJECTORY_FORMAT),
  /** Agent id from the `agents:` section. */
  agent: z.string(),
  /** Upstream model name. */
  model: z.string(),
  instance_id: z.string(),
  /** The rendered command line. */
  command: z.string(),
  wall_limit_ms: z.number(),
  cost_limit_usd: z.number().nullable(),
  exit_status: ExitStatus.nullable(),
  error: z.string().nullable(),
  process: z.object({ exit_code: z.number().nullable(), signal: z.string().nullable(), timed_out: z.boolean(), duration_ms: z.number() }).nullable(),
  calls: z.array(ProxyCallRecord),
  refusals: Counted.nullable(),
  upstream_errors: Counted.nullable(),
  /** The CLI's output (stdout and stderr), head and tail when long. */
  output: z.string().nullable(),
});
export type CommandTrajectory = z.infer<typeof CommandTrajectory>;

/** Any trajectory file, keyed by `format`. */
export const Trajectory = z.discriminatedUnion('format', [BashTrajectory, CommandTrajectory]);
export type Trajectory = z.infer<typeof Trajectory>;

/**
 * The trajectory as steps, for views: the bash agent's steps as they are; an external agent's
 * metered calls as one step each (no thought, command or observation: the CLI's moves are not
 * seen), context = the call's prompt tokens.
 */
export function trajectorySteps(t: Trajectory): TrajectoryStep[] {
  if (t.format === BASH_TRAJECTORY_FORMAT) return t.steps;
  return callSteps(t.calls);
}

/** The token usage of every billed call of the attempt, in order (for re-pricing with long-context tiers). */
export function trajectoryCalls(t: Trajectory): CallRecord[] {
  return t.format === BASH_TRAJECTORY_FORMAT ? t.steps.flatMap((s) => (s.call ? [s.call] : [])) : t.calls;
}

/** Hands a trajectory to the store (src/store/trajectory.ts `trajectorySink`): validated, redacted, written atomically; each call replaces the last. */
export type TrajectorySink = (doc: Trajectory) => Promise<void>;

/** One step per metered call (an external agent's trajectory: its own commands are not visible). */
export function callSteps(calls: readonly NonNullable<TrajectoryStep['call']>[]): TrajectoryStep[] {
  return calls.map((c, i) => ({
    step: i + 1,
    thought: null,
    command: null,
    observation: null,
    call: c,
    context_tokens: c.usage.input_uncached + c.usage.cache_read + c.usage.cache_write_5m + c.usage.cache_write_1h,
  }));
}
