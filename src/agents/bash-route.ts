// Step routing for the built-in `bash` agent (docs/routing.md): a ModelClient over two models that
// picks, per step, the cheap or the strong one as the route's policy says, and marks each call with
// the model that answered it (priced by that model's own row).
import { stableHash } from '../core/ids.ts';
import type { RouteSpec } from '../config/routes.ts';
import { ModelCallError, type ChatMessage, type ChatOptions, type ChatReply, type ModelClient, type StepContext } from '../models/types.ts';

/** Which of the route's two models a step goes to. */
export type Arm = 'cheap' | 'strong';

/** One of the two models: its client and its catalog id and price key (recorded on each call). */
export interface RouteArm {
  client: ModelClient;
  /** models.yaml id. */
  id: string;
  /** Its row key in the price sheet (models.yaml `price`, else the id); null when its price is unknown. */
  priceKey: string | null;
}

/**
 * The model of a step under `route`'s policy. Pure and deterministic: `random` draws from
 * SHA-256 of (seed, instance_id, attempt, step), so re-running an attempt picks the same models.
 * @param at the task and attempt index the random draw is tied to
 */
export function pickArm(route: RouteSpec, step: StepContext, at: { instanceId: string; attempt: number }): Arm {
  switch (route.policy) {
    case 'first-k':
      return step.index <= route.k ? 'cheap' : 'strong';
    case 'on-failure':
      return step.previous === 'failed' || step.previous === 'no_command' ? 'strong' : 'cheap';
    case 'random':
      return uniform(route.seed, at.instanceId, at.attempt, step.index) < route.p ? 'strong' : 'cheap';
  }
}

/** A number in [0, 1) from the first 52 bits of SHA-256 of the parts. */
function uniform(...parts: unknown[]): number {
  return parseInt(stableHash(...parts).slice(0, 13), 16) / 2 ** 52;
}

/**
 * A ModelClient (id: the route's id) that sends each call to the arm `pickArm` chooses for
 * `opts.step` (a call without it counts as step 1 with nothing before), and records on the call
 * (and on the CallRecord of a failed, billed call) `model` (the arm's catalog id) and `price_key`
 * (its row), unless the arm is a router whose call already names its served model and row.
 */
export class RoutedClient implements ModelClient {
  readonly id: string;
  readonly #route: RouteSpec;
  readonly #arms: Record<Arm, RouteArm>;
  readonly #at: { instanceId: string; attempt: number };

  constructor(route: RouteSpec, arms: Record<Arm, RouteArm>, at: { instanceId: string; attempt: number }) {
    this.id = route.id;
    this.#route = route;
    this.#arms = arms;
    this.#at = at;
  }

  /** @throws ModelCallError as the chosen arm's client does (its billed call marked with the arm). */
  async chat(messages: ChatMessage[], opts: ChatOptions = {}): Promise<ChatReply> {
    const arm = this.#arms[pickArm(this.#route, opts.step ?? { index: 1, previous: null }, this.#at)];
    const mark = <C extends ChatReply['call']>(c: C): C => ({ ...c, model: arm.id, ...(c.served_model !== undefined ? {} : { price_key: arm.priceKey }) });
    try {
      const reply = await arm.client.chat(messages, opts);
      return { ...reply, call: mark(reply.call) };
    } catch (e) {
      if (e instanceof ModelCallError && e.call) throw new ModelCallError(e.message, e.kind, e.status, mark(e.call), e.inFlight, e.cause);
      throw e;
    }
  }
}
