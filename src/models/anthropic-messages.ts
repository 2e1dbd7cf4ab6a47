// Translation between fixbench's chat messages (OpenAI Chat Completions shapes) and the Anthropic
// Messages API, and the folding of an Anthropic event stream into a message. Pure.
import type { ChatMessage, ToolCall, ToolDef } from './types.ts';
import { mergeAnthropicUsage } from './usage.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type Block = Record<string, unknown>;
interface AnthropicTurn {
  role: 'user' | 'assistant';
  content: Block[];
}

/**
 * Converts messages to a Messages request's `system`, `messages` and `tools`:
 * - `system` messages are joined (blank line between) into `system` (sent as blocks when given as parts);
 * - user content parts map to blocks (`toBlocks`: a data-URL `image_url` part → an `image` block
 *   with a base64 source);
 * - an assistant message becomes text and `tool_use` blocks (arguments parsed from JSON; an
 *   unparseable argument string is passed as `{"_raw": "<string>"}` so the turn stays valid);
 * - `tool` messages become `tool_result` blocks in a user turn;
 * - consecutive turns of one role are merged (the API requires alternation).
 * Tools map to `{name, description, input_schema}`.
 */
export function toAnthropicRequest(messages: ChatMessage[], tools?: ToolDef[]): { system?: string | Block[]; messages: AnthropicTurn[]; tools?: Block[] } {
  const system: string[] = [];
  const turns: AnthropicTurn[] = [];
  const push = (role: AnthropicTurn['role'], blocks: Block[]) => {
    if (!blocks.length) return;
    const last = turns.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  const systemBlocks: Block[] = [];
  for (const m of messages) {
    if (m.role === 'system') {
      if (typeof m.content === 'string') system.push(m.content);
      systemBlocks.push(...toBlocks(m.content));
    } else if (m.role === 'user') push('user', toBlocks(m.content));
    else if (m.role === 'tool') push('user', [{ type: 'tool_result', tool_use_id: m.tool_call_id, content: typeof m.content === 'string' ? m.content : toBlocks(m.content) }]);
    else if (m.role === 'assistant') {
      const blocks: Block[] = [];
      if (m.content) blocks.push({ type: 'text', text: m.content });
      for (const tc of m.tool_calls ?? []) blocks.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input: parseArgs(tc.function.arguments) });
      push('assistant', blocks.length ? blocks : [{ type: 'text', text: '(no content)' }]);
    }
  }
  // A system message given as parts (prompt-cache breakpoints) is sent as blocks, keeping `cache_control`.
  const asBlocks = systemBlocks.length > system.length || systemBlocks.some((b) => 'cache_control' in b);
  return {
    ...(asBlocks ? { system: systemBlocks } : system.length ? { system: system.join('\n\n') } : {}),
    messages: turns,
    ...(tools?.length ? { tools: tools.map((t) => ({ name: t.function.name, description: t.function.description, input_schema: t.function.parameters })) } : {}),
  };
}

/**
 * Content (a string, or OpenAI-style parts) as Messages content blocks: a text part stays text
 * (its `cache_control` kept); an `image_url` part with a `data:<media type>;base64,…` URL becomes an
 * `image` block with a base64 source, any other URL an `image` block with a URL source.
 */
function toBlocks(content: unknown): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  return content.filter(isRecord).map((p): Block => {
    if (p.type === 'image_url' && isRecord(p.image_url) && typeof p.image_url.url === 'string') {
      const url = p.image_url.url;
      const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
      return { type: 'image', source: data ? { type: 'base64', media_type: data[1], data: data[2] } : { type: 'url', url } };
    }
    return p;
  });
}

function parseArgs(s: string): Record<string, unknown> {
  try {
    const v = JSON.parse(s);
    return isRecord(v) ? v : { _raw: s };
  } catch {
    return { _raw: s };
  }
}

/** Anthropic `stop_reason` → OpenAI-style `finish_reason`. */
const FINISH: Record<string, string> = { end_turn: 'stop', stop_sequence: 'stop', tool_use: 'tool_calls', max_tokens: 'length', pause_turn: 'stop', refusal: 'content_filter' };

/**
 * The assistant message of a Messages reply: text blocks joined (null when none), `tool_use` blocks as
 * tool calls with JSON arguments (thinking blocks are dropped: their tokens are in `output_tokens`).
 * @returns null when `content` is not an array (an unusable reply)
 */
export function fromAnthropicMessage(body: Record<string, unknown>): { content: string | null; tool_calls: ToolCall[]; finish_reason: string | null } | null {
  if (!Array.isArray(body.content)) return null;
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const b of body.content) {
    if (!isRecord(b)) continue;
    if (b.type === 'text' && typeof b.text === 'string') texts.push(b.text);
    if (b.type === 'tool_use') {
      toolCalls.push({ id: String(b.id ?? `toolu_${toolCalls.length}`), type: 'function', function: { name: String(b.name ?? ''), arguments: JSON.stringify(b.input ?? {}) } });
    }
  }
  const stop = typeof body.stop_reason === 'string' ? body.stop_reason : null;
  return { content: texts.length ? texts.join('') : null, tool_calls: toolCalls, finish_reason: stop === null ? null : (FINISH[stop] ?? stop) };
}

/**
 * Folds raw Messages stream events into a message body: `message_start` gives the message and the
 * input-side usage; `content_block_*` build text and tool_use blocks (`input_json_delta` pieces
 * joined, then parsed); `message_delta` gives `stop_reason` and the final cumulative `output_tokens`.
 * `body()` has `usage` only when a `message_delta` with usage arrived: a stream cut earlier has
 * unknown usage, never a partial count taken as whole.
 */
export function accumulateAnthropicStream(): { add(event: unknown): void; body(): Record<string, unknown>; readonly complete: boolean } {
  let message: Record<string, unknown> = {};
  let usage: Record<string, unknown> | null = null;
  let finalUsage = false;
  let stop: unknown = null;
  let complete = false;
  const blocks: Array<Record<string, unknown> & { json?: string }> = [];
  return {
    add(ev) {
      if (!isRecord(ev)) return;
      switch (ev.type) {
        case 'message_start':
          if (isRecord(ev.message)) {
            message = ev.message;
            if (isRecord(ev.message.usage)) usage = { ...ev.message.usage };
          }
          break;
        case 'content_block_start':
          if (typeof ev.index === 'number' && isRecord(ev.content_block)) blocks[ev.index] = { ...ev.content_block, json: '' };
          break;
        case 'content_block_delta': {
          const b = typeof ev.index === 'number' ? blocks[ev.index] : undefined;
          const d = isRecord(ev.delta) ? ev.delta : {};
          if (!b) break;
          if (d.type === 'text_delta' && typeof d.text === 'string') b.text = String(b.text ?? '') + d.text;
          if (d.type === 'input_json_delta' && typeof d.partial_json === 'string') b.json += d.partial_json;
          break;
        }
        case 'message_delta':
          if (isRecord(ev.delta) && 'stop_reason' in ev.delta) stop = ev.delta.stop_reason;
          if (isRecord(ev.usage)) {
            usage = mergeAnthropicUsage(usage, ev.usage);
            finalUsage = true;
          }
          break;
        case 'message_stop':
          complete = true;
          break;
      }
    },
    body() {
      const content = blocks.filter(Boolean).map(({ json, ...b }) => (b.type === 'tool_use' ? { ...b, input: json ? parseArgs(json) : (b.input ?? {}) } : b));
      const out: Record<string, unknown> = { ...message, content, stop_reason: stop };
      if (finalUsage && usage) out.usage = usage;
      else delete out.usage;
      return out;
    },
    get complete() {
      return complete;
    },
  };
}
