// The `command` agent (DESIGN.md §5): any external coding-agent CLI (aider, Claude Code, OpenClaw,
// mini-swe-agent, …) run from a command template in the workspace, its model traffic metered by a
// loopback proxy started for the attempt.
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Handlebars from 'handlebars';
import { COMMAND_PLACEHOLDERS, RESERVED_AGENT_VARS, SECRET_ENV_NAME, commandTemplateProblems } from '../config/agents.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { isContextOverflow } from '../core/context-overflow.ts';
import type { ExitStatus } from '../core/outcome.ts';
import { noRedaction, secretRedactor } from '../core/redact.ts';
import { formatTruncated, truncateHeadTail } from '../core/truncate.ts';
import type { MeteringProxy, ProxyCall } from '../proxy/types.ts';
import { callSteps, COMMAND_TRAJECTORY_FORMAT, type CommandTrajectory } from '../core/trajectory.ts';
import { taskRuntimeExecOptions } from '../workspace/node-runtime.ts';
import { taskRuntimePrelude } from './task-runtime.ts';
import { shellQuote } from '../core/shell-quote.ts';
import type { Agent, AttemptContext, AttemptResult, TrajectoryStep } from './types.ts';
import { problemView } from './bash-images.ts';

export { COMMAND_TRAJECTORY_FORMAT };

export { COMMAND_PLACEHOLDERS, SECRET_ENV_NAME };

/**
 * Name of the problem statement file in the attempt's info folder (`AttemptContext.infoDir`): outside
 * the workspace, read-only to the agent; the host never writes into a workspace setup has run in.
 */
export const PROBLEM_FILE = 'problem_statement.md';

/** Default bytes of the agent's output kept for the trajectory: first and last 64 KiB (RunConfig `limits.agent_output_bytes`). */
const OUTPUT_KEEP_BYTES = 128 * 1024;

export interface CommandAgentOptions {
  /** Agent id from the `agents:` section (e.g. `aider`); the trajectory names it. */
  id: string;
  /**
   * Handlebars command template run with `bash -c` at the workspace root, e.g.
   * `aider --yes-always --model openai/{{model}} --message-file {{problem_file}}`. Placeholders:
   * `COMMAND_PLACEHOLDERS`; values are substituted single-quoted for the shell.
   */
  command: string;
  /** Host environment variables passed through by name (absent ones are skipped). Never credentials. */
  env?: string[];
  /** Literal variables for the agent (e.g. `AIDER_ANALYTICS: "false"`). */
  vars?: Record<string, string>;
  /** Wall-time limit of the agent process, ms; the attempt's `limits.wallMs` when smaller or unset. */
  timeoutMs?: number;
  /**
   * `proxy` (default): the agent reaches nothing but the metering proxy — with `ctx.proxyDir`, over
   * the proxy's Unix socket served on the sandbox's own loopback (no network of its own under
   * `bwrap`). `host`: the host's network too (for a CLI that truly needs it; the run records it).
   */
  network?: 'proxy' | 'host';
  /** Bytes of the agent's output kept for the trajectory, half head and half tail (default 128 KiB). */
  outputKeepBytes?: number;
  /** Timeout of one upstream model request through the metering proxy, ms (default 600 000). */
  requestTimeoutMs?: number;
  /** Where `env` names are read (default `process.env`; injectable for tests). */
  hostEnv?: Record<string, string | undefined>;
}

/** Re-exported for the agents and tests that quote with it (defined in core/shell-quote.ts). */
export { shellQuote };

/**
 * Checks an agent's configuration (the same rules as the `agents:` schema, for agents built in code).
 * @throws Error naming the problem: a template that does not compile or uses an unknown placeholder,
 *   a pass-through name that looks like a credential, a literal variable that overrides a proxy variable.
 */
export function validateCommandAgent(o: Pick<CommandAgentOptions, 'command' | 'env' | 'vars'>): void {
  const problems = commandTemplateProblems(o.command).map((p) => `command template: ${p}`);
  for (const name of o.env ?? []) {
    if (SECRET_ENV_NAME.test(name)) problems.push(`env: "${name}" looks like a credential and is never passed to an agent; the agent gets a per-attempt proxy key in OPENAI_API_KEY / ANTHROPIC_API_KEY`);
  }
  for (const name of Object.keys(o.vars ?? {})) {
    if ((RESERVED_AGENT_VARS as readonly string[]).includes(name)) problems.push(`vars: "${name}" is set by fixbench and cannot be overridden`);
  }
  if (problems.length) throw new Error(problems.join('; '));
}

/** The provider variables an external agent gets: every common spelling, all pointing at the proxy with the per-attempt token. */
function proxyEnv(p: { openai: string; anthropic: string; token: string }): Record<string, string> {
  return {
    OPENAI_BASE_URL: p.openai,
    OPENAI_API_BASE: p.openai, // litellm / aider spelling
    OPENAI_API_KEY: p.token,
    ANTHROPIC_BASE_URL: p.anthropic,
    ANTHROPIC_API_KEY: p.token,
    ANTHROPIC_AUTH_TOKEN: p.token, // Claude Code sends it as a bearer token
  };
}

/**
 * The `command` agent: an external agent CLI run behind a metering proxy (docs/agents.md "External
 * agents"). Needs `ctx.upstream` (the model's real route). Writes the problem statement outside the
 * workspace (`<ctx.infoDir>/problem_statement.md`, read-only to the agent), starts a proxy for the
 * attempt (`startMeteringProxy`), runs the rendered template with `bash -c` in the sandbox at the
 * workspace root — reaching only the proxy unless `network: host`, with the per-attempt token in
 * the provider variables (`OPENAI_*`, `ANTHROPIC_*`) and never the real key — then stops the proxy
 * and extracts the patch, however the process ended. Exit status: `exitOf`. Calls are the proxy's
 * records (one step per call).
 */
export class CommandAgent implements Agent {
  readonly name = 'command';
  readonly #o: CommandAgentOptions;
  readonly #template: HandlebarsTemplateDelegate;

  /** @throws Error when the configuration is invalid (see `validateCommandAgent`). */
  constructor(opts: CommandAgentOptions) {
    validateCommandAgent(opts);
    this.#o = opts;
    this.#template = Handlebars.compile(opts.command, { noEscape: true, strict: true });
  }

  /**
   * Runs one attempt. Never throws for the agent's or the provider's failures.
   * @throws Error when `ctx.upstream` is missing (a harness bug).
   */
  async attempt(ctx: AttemptContext): Promise<AttemptResult> {
    const up = ctx.upstream;
    if (!up) throw new Error('the command agent needs the model route (AttemptContext.upstream)');
    const ws = ctx.workspace;
    const redact = (s: string) => secretRedactor([up.apiKey])((ctx.redact ?? noRedaction)(s));
    let proxy: MeteringProxy | null = null;
    let exit: ExitStatus = 'env_error';
    let error: string | undefined;
    let run: { exitCode: number | null; signal: string | null; timedOut: boolean; output: string; durationMs: number } | null = null;
    let rendered = '';
    let infoDir = '';
    let imagesSent: number | undefined;
    let ownInfoDir: string | null = null;
    const wallMs = Math.min(ctx.limits.wallMs, this.#o.timeoutMs ?? Infinity);
    const calls = (): ProxyCall[] => proxy?.calls ?? [];
    const save = async () => {
      if (!ctx.saveTrajectory) return;
      const doc: CommandTrajectory = {
        format: COMMAND_TRAJECTORY_FORMAT,
        agent: this.#o.id,
        model: up.model,
        instance_id: ctx.task.instance_id,
        command: rendered,
        wall_limit_ms: wallMs,
        cost_limit_usd: ctx.limits.costUsd,
        exit_status: run ? exit : null,
        error: error ?? null,
        process: run ? { exit_code: run.exitCode, signal: run.signal, timed_out: run.timedOut, duration_ms: Math.round(run.durationMs) } : null,
        calls: calls(),
        refusals: proxy?.refusals ?? null,
        upstream_errors: proxy?.upstreamErrors ?? null,
        output: run?.output ?? null,
      };
      // the upstream key is redacted from every field before the document leaves the agent
      await ctx.saveTrajectory(JSON.parse(redact(JSON.stringify(doc))) as CommandTrajectory);
    };

    try {
      // Never inside the workspace: setup (untrusted) may have planted links there (DESIGN.md §11).
      infoDir = ctx.infoDir ?? (ownInfoDir = await realpath(await mkdtemp(path.join(tmpdir(), 'fixbench-info-'))));
      const problemFile = path.join(infoDir, PROBLEM_FILE);
      // The issue's images are not passed to an external agent: it gets them named as unavailable (bash-images.ts).
      const view = await problemView(ctx.task, false);
      imagesSent = view.images ? 0 : undefined;
      await writeFile(problemFile, view.statement.endsWith('\n') ? view.statement : `${view.statement}\n`);
      // Loaded here, not with this module: a run without external agents (gold/noop, the built-in agent) never needs it.
      const { startMeteringProxy } = await import('../proxy/server.ts');
      proxy = await startMeteringProxy({
        upstream: { dialect: up.dialect, baseURL: up.baseURL, apiKey: up.apiKey, model: up.model },
        price: up.price,
        ...(up.served ? { servedPricer: up.served } : {}),
        ...(up.ceiling ? { ceiling: up.ceiling } : {}),
        capUsd: ctx.limits.costUsd,
        ...(this.#o.requestTimeoutMs ? { upstreamTimeoutMs: this.#o.requestTimeoutMs } : {}),
        ...(up.refuse ? { refuse: up.refuse } : {}),
        ...(up.onCall ? { onCall: up.onCall } : {}),
        ...(up.pending ? { pending: up.pending, ...(up.unbilled ? { unbilled: up.unbilled } : {}) } : {}),
        ...(ctx.proxyDir ? { socketPath: path.join(ctx.proxyDir, 'proxy.sock') } : {}),
      });
      const values: Record<(typeof COMMAND_PLACEHOLDERS)[number], string> = {
        problem_file: problemFile,
        workspace: ws.dir,
        model: up.model,
        base_url: proxy.openaiBaseURL,
        anthropic_base_url: proxy.anthropicBaseURL,
        api_key: proxy.token,
        instance_id: ctx.task.instance_id,
      };
      rendered = this.#template(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, shellQuote(v)])));
      const host = this.#o.hostEnv ?? process.env;
      const passed: Record<string, string> = {};
      for (const name of this.#o.env ?? []) {
        const v = host[name];
        if (v !== undefined) passed[name] = v;
      }
      const env = {
        ...passed,
        ...this.#o.vars,
        FIXBENCH_PROBLEM_FILE: problemFile,
        FIXBENCH_WORKSPACE: ws.dir,
        FIXBENCH_MODEL: up.model,
        FIXBENCH_INSTANCE_ID: ctx.task.instance_id,
        ...proxyEnv({ openai: proxy.openaiBaseURL, anthropic: proxy.anthropicBaseURL, token: proxy.token }),
      };
      await save();
      if (ctx.signal?.aborted) throw new Interrupted();
      // The task's Node first on PATH for the agent's commands (its own Node noted first: task-runtime.ts).
      const runtime = await taskRuntimeExecOptions(ctx.task);
      const r = await ctx.sandbox.exec(`exec 2>&1\n${taskRuntimePrelude(runtime.pathPrefix?.[0])}${rendered}`, {
        cwd: ws.dir,
        readOnly: [infoDir, ...(runtime.readOnly ?? [])],
        timeoutMs: Math.max(1, wallMs),
        env,
        // Only the proxy: its socket served on the sandbox's loopback. Without a socket folder (an
        // agent run outside the runner) or with `network: host`, the host's network.
        ...(this.#o.network !== 'host' && proxy.socketPath ? { proxy: { socket: proxy.socketPath, port: proxy.port } } : { network: true }),
        maxOutputBytes: this.#o.outputKeepBytes ?? OUTPUT_KEEP_BYTES,
        keepTailBytes: Math.floor((this.#o.outputKeepBytes ?? OUTPUT_KEEP_BYTES) / 2),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      const output =
        r.stdoutTail === undefined
          ? r.stdout + r.stderr
          : formatTruncated(truncateHeadTail(r.stdout, r.stdoutTail, r.stdoutOmittedBytes ?? 0, Infinity), (n) => `\n[… ${n} bytes elided …]\n`) + r.stderr;
      run = { exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut, output, durationMs: r.durationMs };
      if (ctx.signal?.aborted) throw new Interrupted(); // Ctrl-C killed the agent: not a result
      ({ exit, error } = notConsulted(exitOf(run, proxy, wallMs), proxy.calls));
    } catch (e) {
      exit = 'env_error';
      error = e instanceof Interrupted ? 'interrupted' : `command agent: ${(e as Error).message}`;
    } finally {
      await proxy?.close();
      if (ownInfoDir) await rm(ownInfoDir, { recursive: true, force: true }).catch(() => undefined);
    }
    await save().catch((e: unknown) => {
      if (exit !== 'env_error') {
        exit = 'env_error';
        error = `trajectory not written: ${(e as Error).message}`;
      }
    });
    const steps: TrajectoryStep[] = callSteps(calls());
    return {
      ...(imagesSent !== undefined ? { images_sent: imagesSent } : {}),
      exit_status: exit,
      // the whole CallRecord (an unknown cost's cap_usd and usage_unknown, a router's served model: atkS15 #3), not the proxy's own fields
      calls: markSideCalls(calls()).map(({ path: _p, status: _s, stream: _st, requested_model: _r, offered_tools: _o, side, ...call }) => ({ ...call, ...(side ? { side } : {}) })),
      steps: steps.length,
      trajectory: steps,
      ...(error !== undefined ? { error: redact(error) } : {}),
    };
  }
}

class Interrupted extends Error {}

/**
 * Marks side calls (issue 20.5): when some of the attempt's calls offered tools (the agent's working
 * calls), each call that offered none (a title or summary request) is `side: true`. An agent that
 * never offers tools (aider) has no side calls. Pure.
 */
export function markSideCalls<T extends Pick<ProxyCall, 'offered_tools'>>(calls: readonly T[]): Array<T & { side: boolean }> {
  const working = calls.some((c) => c.offered_tools);
  return calls.map((c) => ({ ...c, side: working && !c.offered_tools }));
}

/**
 * Adapter failures are not the model's (issue 20.4): when the agent never completed a model call
 * (no 2xx reply through the proxy) — a wrong protocol or flag, a CLI that failed to start — an
 * ending that would be scored as the model's (`submitted`, `agent_failed`, `time_limit`) becomes
 * `env_error` (an `infra_error` outcome, seen by `--fail-on-error`) naming why. Pure.
 */
export function notConsulted(r: { exit: ExitStatus; error?: string }, calls: readonly Pick<ProxyCall, 'status'>[]): { exit: ExitStatus; error?: string } {
  if (calls.some((c) => c.status >= 200 && c.status < 300)) return r;
  if (r.exit !== 'submitted' && r.exit !== 'agent_failed' && r.exit !== 'time_limit') return r;
  const why = r.error ?? 'it exited with code 0';
  return { exit: 'env_error', error: `the agent never completed a model call (adapter, protocol or CLI start-up failure), so the model was not consulted: ${why}` };
}

/** The HTTP status in a proxy's `upstreamErrors.last` (`HTTP <status> from …`), null when none (a network failure). */
const upstreamStatus = (text: string): number | null => {
  const m = /^HTTP (\d{3}) from /.exec(text);
  return m ? Number(m[1]) : null;
};

/**
 * How the external agent's run ended, first match: `cost_limit` (the proxy refused a call),
 * `time_limit` (the wall time killed it), `submitted` (exit 0), `env_error` (exit 126/127: not
 * runnable), `context_exceeded` (the last upstream error is a context overflow: `isContextOverflow`),
 * `api_error` (another upstream error), else `agent_failed` (its patch is still graded). Pure.
 */
export function exitOf(
  run: { exitCode: number | null; timedOut: boolean; output: string },
  proxy: Pick<MeteringProxy, 'refusals' | 'upstreamErrors'>,
  wallMs: number,
): { exit: ExitStatus; error?: string } {
  const lastLine = run.output.trimEnd().split('\n').slice(-1)[0]?.slice(0, 300) ?? '';
  if (proxy.refusals.count > 0) return { exit: 'cost_limit', error: proxy.refusals.last ?? 'cost limit reached' };
  if (run.timedOut) return { exit: 'time_limit', error: `wall time limit of ${Math.round(wallMs / 100) / 10} s reached; the agent was killed` };
  if (run.exitCode === 0) return { exit: 'submitted' };
  if (run.exitCode === 126 || run.exitCode === 127) return { exit: 'env_error', error: `the agent command could not be run (exit ${run.exitCode}): ${lastLine}` };
  const upstream = proxy.upstreamErrors.last;
  if (upstream && isContextOverflow({ status: upstreamStatus(upstream), message: upstream })) {
    return { exit: 'context_exceeded', error: upstream };
  }
  if (upstream) return { exit: 'api_error', error: `${upstream} (agent exited with ${run.exitCode ?? 'a signal'})` };
  return { exit: 'agent_failed', error: `the agent exited with ${run.exitCode === null ? 'a signal' : `code ${run.exitCode}`}: ${lastLine}` };
}
