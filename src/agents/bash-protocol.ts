// The wire protocol of the built-in `bash` agent: the one tool, the submit sentinel, how a reply's
// command is parsed, prompt-cache breakpoints, and the environment and output capture of a command.
import type { ChatMessage, ChatReply, ToolDef } from '../models/types.ts';
import type { ExecResult } from '../sandbox/types.ts';

/** The line that, printed first by a command (`echo FIXBENCH_SUBMIT`), ends the attempt as `submitted`. */
export const SUBMIT_SENTINEL = 'FIXBENCH_SUBMIT';

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
export const COMMAND_ENV: Record<string, string> = {
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

/** stdout (which carries stderr, merged by `exec 2>&1`) plus anything left on stderr (e.g. a syntax error). */
export function joinOutput(r: ExecResult): string {
  if (!r.stderr) return r.stdout;
  if (!r.stdout) return r.stderr;
  return r.stdout.endsWith('\n') ? r.stdout + r.stderr : `${r.stdout}\n${r.stderr}`;
}

/** Bytes of a command's stdout kept in memory (half head, half tail): 8 bytes per shown character, at least 1 MiB. */
export const captureBytes = (outputChars: number) => Math.max(1 << 20, outputChars * 8);

/**
 * Longest command the agent runs, in UTF-8 bytes: 127 KiB. A command is one argument of exec (`bash
 * -c <command>`, behind the `exec 2>&1` line), and Linux refuses (E2BIG) any argument of 128 KiB or
 * more (MAX_ARG_STRLEN = 131072 bytes, its closing NUL included); 1 KiB is left for the wrapper.
 */
export const MAX_COMMAND_BYTES = 127 * 1024;

/**
 * A command that cannot be started, answered without running it (null when it can run): it holds a
 * NUL byte (no exec argument can), or it is longer than `MAX_COMMAND_BYTES`. The result is a failed
 * command (exit code 126, bash's "cannot execute") whose output tells the model why: the model's own
 * mistake, never a sandbox fault (which would make the attempt an infra_error). Pure.
 */
export function refusal(command: string): ExecResult | null {
  const bytes = Buffer.byteLength(command, 'utf8');
  const why = command.includes('\0')
    ? "it contains a NUL byte, which no command line can carry; write such bytes with printf '\\0' instead"
    : bytes > MAX_COMMAND_BYTES
      ? `it is ${bytes} bytes, more than the ${MAX_COMMAND_BYTES} bytes (127 KiB) one command can carry; write large content in several commands (e.g. append to a file with one heredoc per command)`
      : null;
  if (why === null) return null;
  return { exitCode: 126, signal: null, timedOut: false, stdout: `fixbench: command refused, not run: ${why}.\n`, stderr: '', durationMs: 0, truncated: false };
}
