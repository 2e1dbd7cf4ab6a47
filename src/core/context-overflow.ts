// The one rule for "the provider refused the prompt as longer than the model's context window"
// (exit status `context_exceeded`), for both the built-in clients and the metering proxy's agents.

/** Error codes/types providers use for a prompt over the context window (OpenAI, OpenRouter, vLLM, Anthropic-compatible). */
const CONTEXT_CODES = new Set(['context_length_exceeded', 'string_above_max_length', 'context_window_exceeded']);
/** Wordings of the same refusal, for providers that give no code. */
const CONTEXT_MESSAGE =
  /context[ _-]?(length|window|size)|maximum context|max(imum)?[ _-]?(input[ _-]?)?tokens? (allowed|exceeded)|prompt is too long|too many (input )?tokens|input is too long|reduce the length of the messages/i;

/** What is known of a failed model request. */
export interface ProviderFailure {
  /** HTTP status, or null when unknown (an error event inside a stream, a failure seen only as text). */
  status: number | null;
  /** The error body's `code`, if any. */
  code?: string | null;
  /** The error body's `type`, if any. */
  type?: string | null;
  /** The error message (or the error body as text). */
  message: string;
}

/**
 * True when the failure is a context overflow: a 4xx (or unknown) status whose code or type is a
 * context-length code, or whose message says so. A 5xx is never one (the provider failed, whatever
 * it says). Pure.
 */
export function isContextOverflow(f: ProviderFailure): boolean {
  if (f.status !== null && (f.status < 400 || f.status >= 500)) return false;
  const code = (f.code ?? '').toLowerCase();
  const type = (f.type ?? '').toLowerCase();
  return CONTEXT_CODES.has(code) || CONTEXT_CODES.has(type) || CONTEXT_MESSAGE.test(f.message);
}
