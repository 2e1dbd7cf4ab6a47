// The model-client contract used by agents: one chat call in, one normalised, metered reply out.
import type { CallRecord } from '../core/calls.ts';
import type { TokenUsage } from '../core/usage.ts';

/**
 * One part of a user message's content (OpenAI Chat Completions shapes): text, or an image as a
 * URL — fixbench sends `data:<media type>;base64,<bytes>` URLs, which the Anthropic client turns
 * into `image` blocks with a base64 source.
 */
export type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** OpenAI Chat Completions message shapes (the subset fixbench sends). */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ToolDef {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** One metered call, as stored in trajectories and summed into the attempt record. */
export type { CallRecord };

export interface ChatReply {
  message: { content: string | null; tool_calls: ToolCall[] };
  /** `stop`, `tool_calls`, `length`, … as the provider said. */
  finish_reason: string | null;
  call: CallRecord;
}

/**
 * Why a call failed, when it throws a ModelCallError. `bad_request`: the provider refused the request
 * itself (a 4xx other than auth, quota, not-found and context length); `bad_response`: a 2xx reply
 * that cannot be used.
 */
export type ModelErrorKind =
  | 'context_exceeded'
  | 'auth'
  | 'not_found'
  | 'quota'
  | 'rate_limit'
  | 'server'
  | 'network'
  | 'bad_request'
  | 'bad_response'
  | 'budget'
  | 'aborted';

/**
 * A call that failed after fixbench's retries. `call` is set when the failed call was billed. Kind
 * `aborted`: the caller's signal fired (its reason is `cause`); `call` holds the tries billed before
 * it, and `inFlight` says a try was under way (its request may have reached the provider, unbilled).
 */
export class ModelCallError extends Error {
  override name = 'ModelCallError';
  constructor(
    message: string,
    readonly kind: ModelErrorKind,
    readonly status: number | null,
    readonly call: CallRecord | null = null,
    readonly inFlight = false,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/**
 * What the built-in agent tells the client about the step a call is for; a step-routing client
 * (src/agents/bash-route.ts) picks its model from it, other clients ignore it.
 */
export interface StepContext {
  /** 1-based step number of the call. */
  index: number;
  /**
   * How the previous step ended: `ok` (its command exited 0), `failed` (non-zero exit, killed or
   * timed out), `no_command` (its reply held no valid command); null at step 1.
   */
  previous: 'ok' | 'failed' | 'no_command' | null;
}

/** Options of one `chat()` call. */
export interface ChatOptions {
  tools?: ToolDef[];
  signal?: AbortSignal;
  step?: StepContext;
  /**
   * Called with each billed try that is about to be retried (a cut stream …; `tryNo` from 1), and
   * awaited before the retry is sent: the ledger writes it so a kill during the retries loses no
   * billed try (`callWithRetries`). Its rejection ends the call with that error.
   */
  billedTry?: (call: CallRecord, tryNo: number) => Promise<void>;
}

export interface ModelClient {
  /** Model id from models.yaml. */
  readonly id: string;
  /**
   * Sends one Chat Completions request.
   * @throws ModelCallError when the provider fails after retries (kind says why).
   */
  chat(messages: ChatMessage[], opts?: ChatOptions): Promise<ChatReply>;
}
