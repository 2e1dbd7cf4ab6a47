// The built-in `bash` agent (DESIGN.md §5, after mini-swe-agent): one linear message list; each step
// the model runs ONE shell command in the sandbox; a sentinel line submits; limits end the attempt.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { ExitStatus } from '../core/outcome.ts';
import { promptTokens } from '../core/usage.ts';
import { ModelCallError, type CallRecord, type ChatMessage, type ChatReply, type ModelClient, type ToolDef } from '../models/types.ts';
import type { ExecResult } from '../sandbox/types.ts';
import { BASH_TRAJECTORY_FORMAT } from '../core/trajectory.ts';
import type { Agent, AgentLimits, AttemptContext, AttemptResult, TrajectoryStep } from './types.ts';

/** The line that, printed first by a command (`echo FIXBENCH_SUBMIT`), ends the attempt as `submitted`. */
export const SUBMIT_SENTINEL = 'FIXBENCH_SUBMIT';

/** Format of the trajectory handed to `AttemptContext.saveTrajectory` (schema: src/core/trajectory.ts). */
export const TRAJECTORY_FORMAT = BASH_TRAJECTORY_FORMAT;

/** The one tool offered to tool-calling models. */
export const BASH_TOOL: ToolDef = {
  type: 'function',
  function: {
    name: 'bash',
    description:
      'Run ONE shell command with `bash -c` in the repository root and get its exit code and output. ' +
      'Each call starts a fresh shell: `cd` and variables do not persist.',
    parameters: {
      type: 'object',
      properties: { command: { type: 'string', description: 'The shell command to run.' } },
      required: ['command'],
      additionalProperties: false,
    },
  },
};

/** Environment given to every command: no pagers, no colours, no interactive editors. */
const COMMAND_ENV: Record<string, string> = {
  PAGER: 'cat',
  MANPAGER: 'cat',
  GIT_PAGER: 'cat',
  GIT_EDITOR: 'true',
  LESS: '-R',
  TERM: 'dumb',
  NO_COLOR: '1',
  PIP_PROGRESS_BAR: 'off',
  TQDM_DISABLE: '1',
};

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
}

interface Templates {
  system: HandlebarsTemplateDelegate;
  instance: HandlebarsTemplateDelegate;
  observation: HandlebarsTemplateDelegate;
  formatError: HandlebarsTemplateDelegate;
  limitWarning: HandlebarsTemplateDelegate;
}

const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));

/** Reads and compiles the five templates (plain text for the model: no HTML escaping; missing fields throw). */
function loadTemplates(dir: string): Templates {
  const compile = (file: string) => Handlebars.compile(readFileSync(path.join(dir, file), 'utf8'), { noEscape: true, strict: true });
  return {
    system: compile('system.hbs'),
    instance: compile('instance.hbs'),
    observation: compile('observation.hbs'),
    formatError: compile('format_error.hbs'),
    limitWarning: compile('limit_warning.hbs'),
  };
}

/** Output cut to head and tail: `text` when it fits, else the two ends and how much was elided. */
export type TruncatedOutput =
  | { truncated: false; text: string }
  | { truncated: true; head: string; tail: string; elidedChars: number; totalChars: number };

/**
 * Cuts `text` to at most `maxChars` characters (UTF-16 code units): the first half and the last
 * half are kept, the middle is elided and counted. Never splits a surrogate pair. Pure.
 */
export function truncateOutput(text: string, maxChars: number): TruncatedOutput {
  if (text.length <= maxChars) return { truncated: false, text };
  let headEnd = Math.floor(maxChars / 2);
  let tailStart = text.length - (maxChars - headEnd);
  const isHigh = (i: number) => i > 0 && i <= text.length && /[\uD800-\uDBFF]/.test(text[i - 1]!);
  if (isHigh(headEnd)) headEnd--;
  if (isHigh(tailStart)) tailStart++;
  return {
    truncated: true,
    head: text.slice(0, headEnd),
    tail: text.slice(tailStart),
    elidedChars: tailStart - headEnd,
    totalChars: text.length,
  };
}

/**
 * Head and tail of an output the sandbox already cut (`ExecResult.stdoutTail`): at most `maxChars`
 * characters in all, half from the start of `head`, half from the end of `tail`. The elided count adds
 * the characters dropped here to the `omittedBytes` the sandbox never kept (counted as one character
 * per byte: exact for ASCII output). Pure.
 */
export function truncateHeadTail(head: string, tail: string, omittedBytes: number, maxChars: number): TruncatedOutput & { truncated: true } {
  let headEnd = Math.min(head.length, Math.floor(maxChars / 2));
  if (headEnd > 0 && headEnd < head.length && /[\uD800-\uDBFF]/.test(head[headEnd - 1]!)) headEnd--;
  let tailStart = Math.max(0, tail.length - (maxChars - headEnd));
  if (tailStart > 0 && tailStart < tail.length && /[\uDC00-\uDFFF]/.test(tail[tailStart]!)) tailStart++;
  return {
    truncated: true,
    head: head.slice(0, headEnd),
    tail: tail.slice(tailStart),
    elidedChars: head.length - headEnd + tailStart + omittedBytes,
    totalChars: head.length + tail.length + omittedBytes,
  };
}

/** How many of the last messages (user or tool) get a cache breakpoint, besides the system message. */
const CACHE_BREAKPOINTS_TAIL = 2;

/**
 * The messages with Anthropic prompt-cache breakpoints: the system message and the last two user/tool
 * messages get their content as one text part with `cache_control: {type: "ephemeral"}` (4 breakpoints
 * at most per request is Anthropic's limit; we use 3). As the list only grows, each request reads the
 * prefix the previous one wrote (the scheme of mini-swe-agent's `set_cache_control`). Pure: returns a
 * new list and leaves `messages` unchanged (the trajectory keeps plain strings).
 */
export function withCacheBreakpoints(messages: readonly ChatMessage[]): ChatMessage[] {
  const marked = new Set<number>();
  for (let i = messages.length - 1; i >= 0 && marked.size < CACHE_BREAKPOINTS_TAIL; i--) {
    const r = messages[i]!.role;
    if (r === 'user' || r === 'tool') marked.add(i);
  }
  if (messages[0]?.role === 'system') marked.add(0);
  return messages.map((m, i) => {
    if (!marked.has(i) || typeof m.content !== 'string') return m;
    // The wire format allows content parts; ChatMessage types content as a string.
    const parts = [{ type: 'text', text: m.content, cache_control: { type: 'ephemeral' } }];
    return { ...m, content: parts as unknown as string };
  });
}

/** The action in a model reply: one command, or the format error to feed back. */
export type ParsedAction = { ok: true; command: string } | { ok: false; error: string };

const FENCED_BLOCK = /```(?:bash|sh)[ \t]*\r?\n([\s\S]*?)\r?\n[ \t]*```/g;

/**
 * Extracts the ONE command of a reply. A tool call is used when present (exactly one, to `bash`,
 * with JSON arguments holding a non-empty string `command`); otherwise exactly one fenced
 * ```bash block in the text (the protocol of models without tool calls, and the fallback for a
 * tool-capable model that answers with a block). `finish_reason: length` is always a format error
 * (the reply was cut off). Pure.
 */
export function parseAction(reply: Pick<ChatReply, 'message' | 'finish_reason'>, toolCalls: boolean): ParsedAction {
  if (reply.finish_reason === 'length') {
    return {
      ok: false,
      error: 'your reply was cut off at the output token limit (finish_reason "length") before it was complete. Think more briefly and give one command.',
    };
  }
  const calls = reply.message.tool_calls;
  if (calls.length > 1) return { ok: false, error: `your reply made ${calls.length} tool calls; make exactly one per reply.` };
  if (calls.length === 1) {
    const fn = calls[0]!.function;
    if (fn.name !== 'bash') return { ok: false, error: `there is no tool named "${fn.name}"; the only tool is \`bash\`.` };
    let args: unknown;
    try {
      args = JSON.parse(fn.arguments);
    } catch (e) {
      return { ok: false, error: `the arguments of your \`bash\` call are not valid JSON (${(e as Error).message}): ${clip(fn.arguments, 500)}` };
    }
    const command = typeof args === 'object' && args !== null ? (args as Record<string, unknown>).command : undefined;
    if (typeof command !== 'string') return { ok: false, error: 'the arguments of your `bash` call have no string field "command".' };
    if (!command.trim()) return { ok: false, error: 'the command of your `bash` call is empty.' };
    return { ok: true, command };
  }
  const blocks = [...(reply.message.content ?? '').matchAll(FENCED_BLOCK)].map((m) => m[1]!);
  const none = toolCalls ? 'your reply called no tool and contained no ```bash block' : 'your reply contained no ```bash block';
  if (blocks.length === 0) return { ok: false, error: `${none}.` };
  if (blocks.length > 1) return { ok: false, error: `your reply contained ${blocks.length} \`\`\`bash blocks; give exactly one command per reply.` };
  const command = blocks[0]!;
  if (!command.trim()) return { ok: false, error: 'your ```bash block is empty.' };
  return { ok: true, command };
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** True when the command's output (leading whitespace ignored) starts with the sentinel line. */
export function isSubmission(output: string): boolean {
  return output.trimStart().split('\n', 1)[0]!.trim() === SUBMIT_SENTINEL;
}

/** Why the loop stopped. */
interface Ending {
  exit: ExitStatus;
  error?: string;
}

/**
 * The `bash` agent. Needs `ctx.model`. Each step: one model call on the whole message list, one
 * command run fresh (`bash -c`, stderr merged into stdout) in `ctx.sandbox` at the workspace root
 * with `limits.commandTimeoutMs` (clamped to the wall time left), and the observation (exit code,
 * timeout notice, output cut to `limits.outputChars` head and tail) appended as a tool message
 * (tool calls) or a user message (fenced blocks).
 *
 * The attempt ends with:
 * - `submitted` — a command's output starts with the line `FIXBENCH_SUBMIT`;
 * - `step_limit` — `limits.steps` model turns were used;
 * - `cost_limit` — the list-price USD of the calls so far reached `limits.costUsd`. The cap sums the
 *   calls' `list_usd`; calls with an unknown cost (unknown price, or no usage reported) count as 0, so
 *   when the model's price is unknown the USD cap cannot apply and only steps and time limit it;
 * - `time_limit` — `limits.wallMs` elapsed (checked between steps; an in-flight model call is aborted);
 * - `format_errors` — `limits.formatErrors` replies in a row had no single valid command (none, several,
 *   bad tool JSON, or cut off by `finish_reason: length`); each error is fed back to the model;
 * - `context_exceeded` — the provider refused the prompt as too long;
 * - `api_error` — any other ModelCallError (after the client's retries; a billed failed call still counts);
 * - `env_error` — the sandbox or the trajectory hand-off failed, or `ctx.signal` aborted
 *   (error `interrupted`): not the model's fault.
 *
 * The runner extracts the patch from the workspace however it ended. The trajectory (steps and
 * message list) is handed to `ctx.saveTrajectory` after every step. The model only ever
 * sees `task.problem_statement`, never the hidden tests or the gold patch.
 */
export class BashAgent implements Agent {
  readonly name = 'bash';
  readonly #toolCalls: boolean;
  readonly #templates: Templates;
  readonly #now: () => number;
  readonly #env: Record<string, string>;
  readonly #cacheControl: boolean;

  /** @throws when a template is missing or does not compile. */
  constructor(opts: BashAgentOptions) {
    this.#toolCalls = opts.toolCalls;
    this.#templates = loadTemplates(opts.templatesDir ?? DEFAULT_TEMPLATES_DIR);
    this.#now = opts.now ?? Date.now;
    this.#env = { ...COMMAND_ENV, ...opts.env };
    this.#cacheControl = opts.cacheControl ?? false;
  }

  /**
   * Runs one attempt. Never throws for the model's or the sandbox's failures (they become exit
   * statuses).
   * @throws Error when `ctx.model` is missing (a harness bug).
   */
  async attempt(ctx: AttemptContext): Promise<AttemptResult> {
    const model = ctx.model;
    if (!model) throw new Error('the bash agent needs a model client (AttemptContext.model)');
    const run = new BashAttempt(ctx, model, this.#toolCalls, this.#templates, this.#now, this.#env, this.#cacheControl);
    return run.run();
  }
}

/** The state of one running attempt. */
class BashAttempt {
  readonly messages: ChatMessage[] = [];
  readonly trajectory: TrajectoryStep[] = [];
  readonly calls: CallRecord[] = [];
  readonly limits: AgentLimits;
  readonly startMs: number;
  ending: Ending | null = null;

  constructor(
    readonly ctx: AttemptContext,
    readonly model: ModelClient,
    readonly toolCalls: boolean,
    readonly t: Templates,
    readonly now: () => number,
    readonly env: Record<string, string>,
    readonly cacheControl: boolean,
  ) {
    this.limits = ctx.limits;
    this.startMs = now();
  }

  async run(): Promise<AttemptResult> {
    // Wall-time guard for in-flight model calls (setTimeout's range is ~24.8 days).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error('wall time limit')), Math.min(Math.max(0, this.limits.wallMs), 2 ** 31 - 1));
    timer.unref?.();
    try {
      this.ending = await this.loop(deadline.signal).catch((e: unknown): Ending => ({ exit: 'env_error', error: errorText(e) }));
    } finally {
      clearTimeout(timer);
      await this.save().catch((e: unknown) => {
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
    };
  }

  /** The step loop; returns how it ended. Throws on sandbox or file-system faults (→ env_error). */
  async loop(deadline: AbortSignal): Promise<Ending> {
    const { task, workspace, signal } = this.ctx;
    const limits = this.limits;
    const common = {
      tool_calls: this.toolCalls,
      sentinel: SUBMIT_SENTINEL,
      cwd: workspace.dir,
      steps: limits.steps,
      command_timeout_s: round(limits.commandTimeoutMs / 1000),
      output_chars: limits.outputChars,
      cost_usd: limits.costUsd,
    };
    this.messages.push(
      { role: 'system', content: this.t.system(common) },
      { role: 'user', content: this.t.instance({ ...common, problem_statement: task.problem_statement }) },
    );
    await this.save();
    let formatErrors = 0;
    const callSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;

    for (;;) {
      const limit = this.limitReached();
      if (limit) return limit;

      let reply: ChatReply;
      try {
        const sent = this.cacheControl ? withCacheBreakpoints(this.messages) : this.messages;
        reply = await this.model.chat(sent, { ...(this.toolCalls ? { tools: [BASH_TOOL] } : {}), signal: callSignal });
      } catch (e) {
        if (e instanceof ModelCallError) {
          if (e.call) this.calls.push(e.call);
          return { exit: e.kind === 'context_exceeded' ? 'context_exceeded' : 'api_error', error: e.message };
        }
        if (signal?.aborted) return { exit: 'env_error', error: 'interrupted' };
        if (deadline.aborted) return { exit: 'time_limit', error: `wall time limit of ${round(limits.wallMs / 1000)} s reached during a model call` };
        throw e;
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
        step.observation = this.t.formatError({ tool_calls: this.toolCalls, sentinel: SUBMIT_SENTINEL, error: action.error }) + this.limitWarning();
        this.answer(reply, step.observation);
        await this.save();
        if (formatErrors >= limits.formatErrors) {
          return { exit: 'format_errors', error: `${formatErrors} format errors in a row; the last: ${action.error}` };
        }
        continue;
      }
      formatErrors = 0;
      step.command = action.command;

      const timeoutMs = Math.max(1, Math.min(limits.commandTimeoutMs, this.startMs + limits.wallMs - this.now()));
      // Head and tail are captured with bounded memory, however much the command prints.
      const capBytes = captureBytes(limits.outputChars);
      const result = await this.ctx.sandbox.exec(`exec 2>&1\n${action.command}`, {
        cwd: workspace.dir,
        timeoutMs,
        env: this.env,
        maxOutputBytes: capBytes,
        keepTailBytes: capBytes / 2,
      });
      // A command may print a secret it found (in local mode, e.g. another process's environment):
      // it never reaches the model or the trajectory.
      const redact = this.ctx.redact ?? ((x: string) => x);
      const output = redact(result.stdoutTail === undefined ? joinOutput(result) : result.stdout);
      if (isSubmission(output) && !result.timedOut) {
        step.observation = output;
        this.answer(reply, output);
        await this.save();
        return { exit: 'submitted' };
      }
      const cut =
        result.stdoutTail === undefined
          ? truncateOutput(output, limits.outputChars)
          : truncateHeadTail(output, redact(joinOutput({ ...result, stdout: result.stdoutTail })), result.stdoutOmittedBytes ?? 0, limits.outputChars);
      step.observation = this.observation(result, cut, timeoutMs) + this.limitWarning();
      this.answer(reply, step.observation);
      await this.save();
    }
  }

  /** List-price USD of the calls so far (calls of unknown cost count 0), or null when none had a known cost. */
  spentUsd(): number | null {
    return this.calls.some((c) => c.list_usd !== null) ? this.calls.reduce((s, c) => s + (c.list_usd ?? 0), 0) : null;
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
    const elapsed = this.now() - this.startMs;
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
    const spent = this.spentUsd() ?? 0;
    if (limits.costUsd !== null && spent >= limits.costUsd) {
      return { exit: 'cost_limit', error: `cost limit of ${limits.costUsd} USD reached (${spent.toFixed(6)} USD at list price)` };
    }
    if (this.now() - this.startMs >= limits.wallMs) return { exit: 'time_limit', error: `wall time limit of ${round(limits.wallMs / 1000)} s reached` };
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

  /** Hands the trajectory to the store (`ctx.saveTrajectory`), if the context has one. */
  async save(): Promise<void> {
    if (!this.ctx.saveTrajectory) return;
    await this.ctx.saveTrajectory({
      format: TRAJECTORY_FORMAT,
      agent: 'bash',
      model: this.model.id,
      instance_id: this.ctx.task.instance_id,
      protocol: this.toolCalls ? 'tool_calls' : 'fenced_block',
      limits: this.limits,
      exit_status: this.ending?.exit ?? null,
      error: this.ending?.error ?? null,
      steps: this.trajectory,
      messages: this.messages,
    });
  }
}

/** stdout (which carries stderr, merged by `exec 2>&1`) plus anything left on stderr (e.g. a syntax error). */
function joinOutput(r: ExecResult): string {
  if (!r.stderr) return r.stdout;
  if (!r.stdout) return r.stderr;
  return r.stdout.endsWith('\n') ? r.stdout + r.stderr : `${r.stdout}\n${r.stderr}`;
}

/** Bytes of a command's stdout kept in memory (half head, half tail): 8 bytes per shown character, at least 1 MiB. */
const captureBytes = (outputChars: number) => Math.max(1 << 20, outputChars * 8);

const round = (x: number) => Math.round(x * 10) / 10;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
