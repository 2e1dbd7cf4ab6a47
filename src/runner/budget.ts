// The run-wide USD budget, metered call by call across concurrent attempts.
import type { ChatMessage, ChatReply, ModelClient, ToolDef } from '../models/types.ts';
import { ModelCallError } from '../models/types.ts';

/** Shared meter of a run's list-price spend (USD). */
export class RunBudget {
  spentUsd = 0;
  /** Calls whose price was unknown (not counted in `spentUsd`). */
  unpricedCalls = 0;
  constructor(readonly capUsd: number | null) {}

  get exhausted(): boolean {
    return this.capUsd !== null && this.spentUsd >= this.capUsd;
  }

  /** USD left, or null without a cap. */
  get remainingUsd(): number | null {
    return this.capUsd === null ? null : Math.max(0, this.capUsd - this.spentUsd);
  }

  add(usd: number | null): void {
    if (usd === null) this.unpricedCalls++;
    else this.spentUsd += usd;
  }
}

/**
 * Wraps a client so every call is counted against the run budget, and no call starts once the
 * budget is reached (so the budget is overshot by at most the calls already in flight).
 * A refused call throws ModelCallError kind `budget`, and sets `onRefused`'s flag.
 */
export function meteredClient(inner: ModelClient, budget: RunBudget, onRefused: () => void): ModelClient {
  return {
    id: inner.id,
    async chat(messages: ChatMessage[], opts?: { tools?: ToolDef[]; signal?: AbortSignal }): Promise<ChatReply> {
      if (budget.exhausted) {
        onRefused();
        throw new ModelCallError(`run budget of $${budget.capUsd} reached; no further model calls`, 'budget', null);
      }
      try {
        const reply = await inner.chat(messages, opts);
        budget.add(reply.call.list_usd);
        return reply;
      } catch (e) {
        if (e instanceof ModelCallError && e.call) budget.add(e.call.list_usd);
        throw e;
      }
    },
  };
}
