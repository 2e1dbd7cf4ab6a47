// A model client whose calls wait for a slot of the run's model pool, and stop waiting when aborted.
import type pLimit from 'p-limit';
import { ModelCallError, type ModelClient } from '../models/types.ts';

/**
 * A client whose calls wait for a slot of `pool` (the run's model-call p-limit) before going to
 * `inner`. A call whose `signal` aborts while it waits for its slot (the attempt's wall-time limit,
 * Ctrl-C) rejects at once with ModelCallError kind `aborted` (nothing was sent, nothing pending:
 * the metered client inside the slot has not run); when the slot comes later, it is given back
 * without a call. A call already in its slot is cut by `inner` itself (the signal goes with it).
 */
export function pooledClient(inner: ModelClient, pool: ReturnType<typeof pLimit>): ModelClient {
  return {
    id: inner.id,
    chat(messages, opts) {
      const signal = opts?.signal;
      if (!signal) return pool(() => inner.chat(messages, opts));
      return new Promise((resolve, reject) => {
        let started = false;
        const onAbort = (): void => {
          if (!started) reject(new ModelCallError('the call was aborted while it waited for a model slot (nothing was sent)', 'aborted', null));
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        pool(async () => {
          if (signal.aborted) return undefined; // rejected already: the slot goes back unused
          started = true;
          signal.removeEventListener('abort', onAbort);
          return inner.chat(messages, opts);
        }).then((reply) => reply && resolve(reply), (e: unknown) => reject(e));
      });
    },
  };
}
