// The built-in `bash` agent (DESIGN.md §5, after mini-swe-agent): one linear message list; each step
// the model runs ONE shell command in the sandbox; a sentinel line submits; limits end the attempt.
import type { ExitStatus } from '../core/outcome.ts';
import { noRedaction } from '../core/redact.ts';
import { truncateHeadTail, truncateOutput, type TruncatedOutput } from '../core/truncate.ts';
import { promptTokens } from '../core/usage.ts';
import { ModelCallError, type CallRecord, type ChatMessage, type ChatReply, type ModelClient, type StepContext } from '../models/types.ts';
import type { ExecOptions, ExecResult } from '../sandbox/types.ts';
import { BASH_TOOL, captureBytes, COMMAND_ENV, isSubmission, joinOutput, parseAction, refusal, SUBMIT_SENTINEL, withCacheBreakpoints } from './bash-protocol.ts';
import { DEFAULT_TEMPLATES_DIR, loadTemplates, type Templates } from './bash-templates.ts';
import { elideImages, problemMessage, problemView, type ProblemView } from './bash-images.ts';
import { taskRuntimeExecOptions } from '../workspace/node-runtime.ts';
import { AttemptClock } from './bash-clock.ts';
import type { Agent, AgentLimits, AttemptContext, AttemptResult, TrajectoryStep } from './types.ts';
import { BASH_TRAJECTORY_FORMAT, type BashTrajectory } from '../core/trajectory.ts';
import { SAVE_DELAY_MS, TrajectorySaver } from './bash-saver.ts';
import { capStop, cappedUsd } from '../pricing/ceiling.ts';

/** Format of the trajectory handed to `AttemptContext.saveTrajectory` (schema: src/core/trajectory.ts). */
export const TRAJECTORY_FORMAT = BASH_TRAJECTORY_FORMAT;

export interface BashAgentOptions {
  /** Native tool calls (`bash` tool) when true, else the fenced ```bash block protocol (`ModelSpec.tool_calls`). */
  toolCalls: boolean;
  /** Folder holding `system.hbs`, `instance.hbs`, `observation.hbs`, `format_error.hbs`, `limit_warning.hbs` (default: the bundled templates). */
  templatesDir?: string;
  /** Clock in ms for the wall-time limit (default `Date.now`; injectable for tests). */
  now?: () => number;
  /** Extra environment variables for every command (added to COMMAND_ENV). */
  env?: Record<string, string>;
  /**
   * Mark Anthropic prompt-cache breakpoints (`cache_control: {type: "ephemeral"}`) on the system
   * message and the last two user/tool messages of every request (`withCacheBreakpoints`). For
   * Claude models (directly or through OpenRouter); other providers cache a stable prefix by
   * themselves. Default false.
   */
  cacheControl?: boolean;
  /** The model accepts images (`ModelSpec.input` lists `image`): the task's images are sent with the issue (bash-images.ts). Default false. */
  images?: boolean;
  /** How long after a step its trajectory is written, ms (default `SAVE_DELAY_MS`; bash-saver.ts). */
  saveDelayMs?: number;
}

/** Why the loop stopped. */
interface Ending {
  exit: ExitStatus;
  error?: string;
}

/**
 * The `bash` agent (docs/agents.md "The built-in `bash` agent"). Needs `ctx.model`. Each step: one
 * model call on the whole message list, one command (`bash -c`, stderr merged) in `ctx.sandbox` at
 * the workspace root with `limits.commandTimeoutMs` (clamped to the wall time left), its output cut
 * head and tail to `limits.outputChars` characters and fed back.
 *
 * Ends as `submitted` (a command's output starts with the line `FIXBENCH_SUBMIT`), `step_limit`,
 * `cost_limit` (sum of the calls' `list_usd`, an unknown cost at its `cap_usd` ceiling), `time_limit` (`limits.wallMs`, from the workspace made),
 * `format_errors` (`limits.formatErrors` replies in a row without one valid command),
 * `context_exceeded`, `api_error`, or `env_error` (sandbox, trajectory file or patch extraction
 * failed; `ctx.signal` aborted → error `interrupted`). The runner extracts the patch however it
 * ended; the trajectory goes to `ctx.saveTrajectory` after every step, behind the loop (bash-saver.ts;
 * a failed write is an `env_error` before the next call), and whole before `attempt` returns. The
 * model only sees `task.problem_statement`, and with `images` the task's problem_assets/ images.
 */
export class BashAgent implements Agent {
  readonly name = 'bash';
  /** Its first model call needs only the prompt: with `ctx.workspaceReady` it is sent while the workspace is made (bash-clock.ts). */
  readonly waitsForWorkspace = true;
  readonly #toolCalls: boolean;
  readonly #templates: Templates;
  readonly #now: () => number;
  readonly #env: Record<string, string>;
  readonly #cacheControl: boolean;
  readonly #images: boolean;
  readonly #saveDelayMs: number;

  /** @throws when a template is missing or does not compile. */
  constructor(opts: BashAgentOptions) {
    this.#toolCalls = opts.toolCalls;
    this.#templates = loadTemplates(opts.templatesDir ?? DEFAULT_TEMPLATES_DIR);
    this.#now = opts.now ?? Date.now;
    this.#env = { ...COMMAND_ENV, ...opts.env };
    this.#cacheControl = opts.cacheControl ?? false;
    this.#images = opts.images ?? false;
    this.#saveDelayMs = opts.saveDelayMs ?? SAVE_DELAY_MS;
  }

  /**
   * Runs one attempt. Never throws for the model's or the sandbox's failures (they become exit
   * statuses).
   * @throws Error when `ctx.model` is missing (a harness bug).
   */
  async attempt(ctx: AttemptContext): Promise<AttemptResult> {
    const model = ctx.model;
    if (!model) throw new Error('the bash agent needs a model client (AttemptContext.model)');
    return new BashAttempt(ctx, model, this.#toolCalls, this.#templates, this.#now, this.#env, this.#cacheControl, this.#images, new TrajectorySaver(ctx.saveTrajectory, this.#saveDelayMs)).run();
  }
}

/** The state of one running attempt. */
class BashAttempt {
  readonly messages: ChatMessage[] = [];
  readonly trajectory: TrajectoryStep[] = [];
  readonly calls: CallRecord[] = [];
  readonly limits: AgentLimits;
  /** The wall clock (from the workspace made) and the wait for the workspace. */
  readonly clock: AttemptClock;
  /** Model calls sent, and whether one is pending (a warm hint deferred until the workspace is made is given only while its call is pending). */
  sent = 0;
  waiting = false;
  ending: Ending | null = null;
  view: ProblemView | null = null;
  /** How the last step ended, told to the client with the next call (a step-routing client picks its model by it). */
  previous: StepContext['previous'] = null;

  constructor(
    readonly ctx: AttemptContext,
    readonly model: ModelClient,
    readonly toolCalls: boolean,
    readonly t: Templates,
    readonly now: () => number,
    readonly env: Record<string, string>,
    readonly cacheControl: boolean,
    readonly images: boolean,
    readonly saver: TrajectorySaver,
  ) {
    this.limits = ctx.limits;
    this.clock = new AttemptClock(now, ctx.limits.wallMs, ctx.workspaceReady);
  }

  async run(): Promise<AttemptResult> {
    // Wall-time guard for in-flight model calls: `clock.deadline`.
    try {
      this.ending = await this.loop(this.clock.deadline).catch((e: unknown): Ending => ({ exit: 'env_error', error: errorText(e) }));
    } finally {
      this.clock.stop();
      this.waiting = false;
      this.ctx.sandbox.dropWarm?.();
      await this.saver.now(this.document()).catch((e: unknown) => {
        if (this.ending && this.ending.exit !== 'env_error') this.ending = { exit: 'env_error', error: `trajectory not written: ${errorText(e)}` };
      });
    }
    const ending = this.ending ?? { exit: 'env_error', error: 'the attempt ended without a status' };
    return {
      exit_status: ending.exit,
      calls: this.calls,
      steps: this.trajectory.length,
      trajectory: this.trajectory,
      ...(ending.error !== undefined ? { error: ending.error } : {}),
      ...(this.view?.images ? { images_sent: this.view.shown.length } : {}),
    };
  }

  /** The step loop; returns how it ended. Throws on sandbox or file-system faults (→ env_error). */
  async loop(deadline: AbortSignal): Promise<Ending> {
    const { task, workspace, signal } = this.ctx;
    const limits = this.limits;
    // The task's Node first on PATH (shown read-only), as for its setup and tests: node-runtime.ts.
    const runtime = await taskRuntimeExecOptions(task);
    const common = {
      tool_calls: this.toolCalls,
      sentinel: SUBMIT_SENTINEL,
      cwd: workspace.dir,
      steps: limits.steps,
      command_timeout_s: round(limits.commandTimeoutMs / 1000),
      output_chars: limits.outputChars,
      cost_usd: limits.costUsd,
    };
    this.view = await problemView(task, this.images);
    this.messages.push({ role: 'system', content: this.t.system(common) }, problemMessage(this.t.instance({ ...common, problem_statement: this.view.statement }), this.view));
    this.saveLater();
    let formatErrors = 0;
    const callSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;
    // Head and tail kept in bounded memory, however much it prints.
    const capBytes = captureBytes(limits.outputChars);
    const commandOpts = (timeoutMs: number): ExecOptions => ({ cwd: workspace.dir, timeoutMs, env: this.env, ...runtime, maxOutputBytes: capBytes, keepTailBytes: capBytes / 2, ...(signal ? { signal } : {}) }); // Ctrl-C kills a running command at once

    for (;;) {
      const limit = this.limitReached();
      if (limit) return limit;

      // The next command's container starts while the model thinks (src/sandbox/warm.ts): no command runs now. Nothing touches
      // a workspace still being made: the hint waits for it while this call is pending (the start delay counts from `sentAt`).
      const [call, sentAt] = [++this.sent, performance.now()];
      const hint = () => this.waiting && this.sent === call && this.ctx.sandbox.warmNext?.(commandOpts(1), sentAt);
      this.waiting = true;
      if (this.clock.made) hint();
      else void this.clock.ready.then((made) => made && hint());
      let reply: ChatReply;
      try {
        const sent = this.cacheControl ? withCacheBreakpoints(this.messages) : this.messages;
        const step = { index: this.trajectory.length + 1, previous: this.previous };
        reply = await this.model.chat(sent, { ...(this.toolCalls ? { tools: [BASH_TOOL] } : {}), signal: callSignal, step });
      } catch (e) {
        if (e instanceof ModelCallError) {
          if (e.call) this.calls.push(e.call);
          if (e.kind !== 'aborted') return { exit: e.kind === 'context_exceeded' ? 'context_exceeded' : 'api_error', error: e.message };
        }
        if (signal?.aborted) return { exit: 'env_error', error: 'interrupted' };
        if (deadline.aborted) return { exit: 'time_limit', error: `wall time limit of ${round(limits.wallMs / 1000)} s reached during a model call` };
        throw e;
      } finally {
        this.waiting = false;
      }
      this.calls.push(reply.call);
      const { content, tool_calls } = reply.message;
      this.messages.push({ role: 'assistant', content: content ?? (tool_calls.length ? null : ''), ...(tool_calls.length ? { tool_calls } : {}) });
      const step: TrajectoryStep = {
        step: this.trajectory.length + 1,
        thought: content,
        command: null,
        observation: null,
        call: reply.call,
        context_tokens: promptTokens(reply.call.usage),
        spent_usd: this.spentUsd(),
      };
      this.trajectory.push(step);

      const action = parseAction(reply, this.toolCalls);
      if (!action.ok) {
        formatErrors++;
        this.previous = 'no_command';
        step.observation = this.t.formatError({ tool_calls: this.toolCalls, sentinel: SUBMIT_SENTINEL, error: action.error }) + this.limitWarning();
        this.answer(reply, step.observation);
        this.saveLater();
        if (formatErrors >= limits.formatErrors) {
          return { exit: 'format_errors', error: `${formatErrors} format errors in a row; the last: ${action.error}` };
        }
        continue;
      }
      formatErrors = 0;
      step.command = action.command;
      const made = await this.clock.workspace(signal);
      if (made !== 'made') return { exit: 'env_error', error: made === 'aborted' ? 'interrupted' : 'harness: the workspace could not be made' };

      const timeoutMs = Math.max(1, Math.min(limits.commandTimeoutMs, this.clock.startMs + limits.wallMs - this.now()));
      // A command that cannot start is refused.
      const result = refusal(action.command) ?? (await this.ctx.sandbox.exec(`exec 2>&1\n${action.command}`, commandOpts(timeoutMs)));
      this.previous = result.exitCode === 0 && !result.timedOut ? 'ok' : 'failed';
      // A command may print a secret it found (in local mode, e.g. another process's environment):
      // it never reaches the model or the trajectory.
      const redact = this.ctx.redact ?? noRedaction;
      const output = redact(result.stdoutTail === undefined ? joinOutput(result) : result.stdout);
      if (isSubmission(output) && !result.timedOut) {
        step.observation = output;
        this.answer(reply, output);
        return { exit: 'submitted' };
      }
      const cut =
        result.stdoutTail === undefined
          ? truncateOutput(output, limits.outputChars)
          : truncateHeadTail(output, redact(joinOutput({ ...result, stdout: result.stdoutTail })), result.stdoutOmittedBytes ?? 0, limits.outputChars);
      step.observation = this.observation(result, cut, timeoutMs) + this.limitWarning();
      this.answer(reply, step.observation);
      this.saveLater();
    }
  }

  /** USD the calls so far count against the cap: list price, else the sheet's ceiling (`cap_usd`), else 0; null when none had either. */
  spentUsd(): number | null {
    return this.calls.some((c) => cappedUsd(c) !== null) ? this.calls.reduce((s, c) => s + (cappedUsd(c) ?? 0), 0) : null;
  }

  /**
   * A note appended to what the model gets back when a limit is near (empty otherwise): at most
   * `max(2, 10% of steps)` steps left, at least 80% of the USD cap spent, or at least 80% of the wall
   * time gone. The model can then wrap up and submit instead of being cut off.
   */
  limitWarning(): string {
    const l = this.limits;
    const stepsLeft = l.steps - this.trajectory.length;
    const spent = this.spentUsd() ?? 0;
    const elapsed = this.clock.started ? this.now() - this.clock.startMs : 0;
    const nearSteps = stepsLeft <= Math.max(2, Math.ceil(l.steps * 0.1));
    const nearCost = l.costUsd !== null && spent >= 0.8 * l.costUsd;
    const nearTime = elapsed >= 0.8 * l.wallMs;
    if (!nearSteps && !nearCost && !nearTime) return '';
    return (
      '\n' +
      this.t.limitWarning({
        near_steps: nearSteps,
        steps_left: Math.max(0, stepsLeft),
        last_step: stepsLeft <= 1,
        near_cost: nearCost,
        cost_left_usd: l.costUsd === null ? null : Math.max(0, l.costUsd - spent).toFixed(4),
        near_time: nearTime,
        time_left_s: Math.max(0, Math.round((l.wallMs - elapsed) / 1000)),
        sentinel: SUBMIT_SENTINEL,
      })
    );
  }

  /** The limit that stops the attempt before the next model call, if any. */
  limitReached(): Ending | null {
    const limits = this.limits;
    if (this.ctx.signal?.aborted) return { exit: 'env_error', error: 'interrupted' };
    if (this.saver.error) return { exit: 'env_error', error: `trajectory not written: ${this.saver.error.message}` };
    const overCap = capStop(limits.costUsd, this.calls);
    if (overCap) return { exit: 'cost_limit', error: overCap };
    if (this.clock.over()) return { exit: 'time_limit', error: `wall time limit of ${round(limits.wallMs / 1000)} s reached` };
    if (this.trajectory.length >= limits.steps) return { exit: 'step_limit', error: `step limit of ${limits.steps} reached` };
    return null;
  }

  /** Appends the reply to a model turn: one tool message per tool call, else a user message. */
  answer(reply: ChatReply, text: string): void {
    const calls = reply.message.tool_calls;
    if (calls.length) for (const c of calls) this.messages.push({ role: 'tool', tool_call_id: c.id, content: text });
    else this.messages.push({ role: 'user', content: text });
  }

  observation(result: ExecResult, cut: TruncatedOutput, timeoutMs: number): string {
    const exitCode = result.exitCode !== null ? String(result.exitCode) : `none (killed by ${result.signal ?? 'a signal'})`;
    return this.t.observation({
      exit_code: exitCode,
      timed_out: result.timedOut,
      timeout_s: round(timeoutMs / 1000),
      truncated: cut.truncated,
      output: cut.truncated ? '' : cut.text,
      head: cut.truncated ? cut.head : '',
      tail: cut.truncated ? cut.tail : '',
      elided_chars: cut.truncated ? cut.elidedChars : 0,
      total_chars: cut.truncated ? cut.totalChars : cut.text.length,
      // stderr cut at its cap (stdout, with a tail window, is reported through the elided count)
      capped: result.truncated && result.stdoutTail === undefined,
      capped_bytes: captureBytes(this.limits.outputChars),
    });
  }

  /** Hands a snapshot of the trajectory (whole steps) to the saver, written behind the loop. */
  saveLater = (): void => void (this.ctx.saveTrajectory && this.saver.later(this.document()));
  /** The trajectory document as it stands: its own copies of the step and message lists (a later step changes neither). */
  document(): BashTrajectory {
    return {
      format: TRAJECTORY_FORMAT,
      agent: 'bash',
      model: this.model.id,
      instance_id: this.ctx.task.instance_id,
      protocol: this.toolCalls ? 'tool_calls' : 'fenced_block',
      limits: this.limits,
      exit_status: this.ending?.exit ?? null,
      error: this.ending?.error ?? null,
      steps: this.trajectory.map((s) => ({ ...s })),
      messages: this.view ? elideImages(this.messages, this.view.names) : [...this.messages],
    };
  }
}

const round = (x: number) => Math.round(x * 10) / 10;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
