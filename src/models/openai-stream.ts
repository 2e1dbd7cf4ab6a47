// Folds a Chat Completions stream (`stream: true`) back into the shape of a non-streamed reply, so
// one parser handles both. Pure.

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Accumulates chunks: `choices[0].delta.content` pieces are joined, `delta.tool_calls` are merged by
 * `index` (id and name from the first piece, `arguments` concatenated), the last `finish_reason`
 * wins, and `usage` is taken from the chunk that carries it (with `stream_options.include_usage`, the
 * last one, whose `choices` is empty), and `model` from the first chunk that names one (a router's served model). A chunk with `error` (OpenRouter mid-stream errors) is kept.
 * `finished` tells whether a `finish_reason` arrived. `body()` returns `{choices: [{message, finish_reason}], usage?, error?}`; no `usage` when the
 * stream carried none (the tokens are then unknown).
 */
export function accumulateChatStream(): { add(chunk: unknown): void; body(): Record<string, unknown>; readonly finished: boolean } {
  let content: string | null = null;
  let finish: string | null = null;
  let usage: unknown;
  let error: unknown;
  let model: string | undefined;
  let sawChoice = false;
  const tools = new Map<number, { id: string | null; name: string; arguments: string }>();
  return {
    add(chunk) {
      if (!isRecord(chunk)) return;
      if (isRecord(chunk.usage)) usage = chunk.usage;
      if (isRecord(chunk.error)) error = chunk.error;
      if (model === undefined && typeof chunk.model === 'string' && chunk.model) model = chunk.model;
      const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
      if (!isRecord(choice)) return;
      sawChoice = true;
      if (typeof choice.finish_reason === 'string') finish = choice.finish_reason;
      const delta = isRecord(choice.delta) ? choice.delta : {};
      if (typeof delta.content === 'string') content = (content ?? '') + delta.content;
      if (Array.isArray(delta.tool_calls)) {
        for (const tc of delta.tool_calls) {
          if (!isRecord(tc)) continue;
          const i = typeof tc.index === 'number' ? tc.index : tools.size;
          const fn = isRecord(tc.function) ? tc.function : {};
          const cur = tools.get(i) ?? { id: null, name: '', arguments: '' };
          if (typeof tc.id === 'string' && !cur.id) cur.id = tc.id;
          if (typeof fn.name === 'string') cur.name += fn.name;
          if (typeof fn.arguments === 'string') cur.arguments += fn.arguments;
          tools.set(i, cur);
        }
      }
    },
    body() {
      const toolCalls = [...tools.entries()]
        .sort(([a], [b]) => a - b)
        .map(([i, t]) => ({ id: t.id ?? `call_${i}`, type: 'function', function: { name: t.name, arguments: t.arguments } }));
      const message: Record<string, unknown> = { role: 'assistant', content };
      if (toolCalls.length) message.tool_calls = toolCalls;
      const out: Record<string, unknown> = { choices: sawChoice ? [{ index: 0, message, finish_reason: finish }] : [] };
      if (usage !== undefined) out.usage = usage;
      if (model !== undefined) out.model = model;
      if (error !== undefined) out.error = error;
      return out;
    },
    /** Whether a chunk carried a `finish_reason` (a stream that ends before one was cut). */
    get finished() {
      return finish !== null;
    },
  };
}
