// The model-client contract used by agents: one chat call in, one normalised, metered reply out.
import type { TokenUsage } from '../core/usage.ts';

/** OpenAI Chat Completions message shapes (the subset fixbench sends). */
export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
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
export interface CallRecord {
  usage: TokenUsage;
  /** The provider's usage object as received (kept for re-normalisation and audits). */
  raw_usage: unknown;
  /** List-price cost in USD from the price sheet; null when the price is unknown. */
  list_usd: number | null;
  /** Provider-reported cost in USD (OpenRouter `usage.cost`), when given. */
  billed_usd: number | null;
  /** Milliseconds the call took, retries included. */
  ms: number;
  /**
   * HTTP tries this call took (1 = no retry); billed failed tries are summed into this record.
   * Absent in records written before it existed.
   */
  tries?: number;
  /**
   * True when a billed try's token counts are unknown (a stream cut before its usage event, a
   * reply without `usage`): then `list_usd` is null — unknown, never 0.
   */
  usage_unknown?: boolean;
  /**
   * A billed side call of an external agent (e.g. opencode's session-title call): a request without
   * tools from a CLI whose working calls offer tools. Counted in every total and cap; also shown apart
   * (`side_calls` in the attempt record). Absent = a working call.
   */
  side?: boolean;
}

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
  | 'budget';

/** A call that failed after fixbench's retries. `call` is set when the failed call was billed. */
export class ModelCallError extends Error {
  override name = 'ModelCallError';
  constructor(
    message: string,
    readonly kind: ModelErrorKind,
    readonly status: number | null,
    readonly call: CallRecord | null = null,
  ) {
    super(message);
  }
}

export interface ModelClient {
  /** Model id from models.yaml. */
  readonly id: string;
  /**
   * Sends one Chat Completions request.
   * @throws ModelCallError when the provider fails after retries (kind says why).
   */
  chat(messages: ChatMessage[], opts?: { tools?: ToolDef[]; signal?: AbortSignal }): Promise<ChatReply>;
}
