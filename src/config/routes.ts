// zod schema of a step-routing contender (models.yaml `routes:`, docs/routing.md): the built-in
// agent asks one of two catalog models per step, as a policy decides.
import { z } from 'zod';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only');
const modelId = z.string().min(1, 'the id of a model in this file');

const common = {
  /** Contender id in results and reports (unique among models and routes). */
  id,
  name: z.string().optional(),
  /** Catalog id of the model asked when the policy says "cheap". */
  cheap: modelId,
  /** Catalog id of the model asked when the policy says "strong". */
  strong: modelId,
};

/**
 * One step-routing contender. `policy`:
 * - `first-k`: the cheap model for steps 1..k, the strong one from step k+1 on;
 * - `on-failure`: the strong model for the step after one whose command failed (exit code not 0,
 *   killed, timed out) or whose reply held no valid command; the cheap model otherwise (step 1 too);
 * - `random`: the strong model with probability `p` per step, drawn from `seed`, the task and the
 *   attempt index, so a step's pick is the same on every re-run.
 */
export const RouteSpec = z.discriminatedUnion(
  'policy',
  [
    z.object({ ...common, policy: z.literal('first-k'), k: z.number().int().positive() }).strict(),
    z.object({ ...common, policy: z.literal('on-failure') }).strict(),
    z.object({ ...common, policy: z.literal('random'), p: z.number().min(0).max(1), seed: z.number().int().nonnegative().default(0) }).strict(),
  ],
  { error: 'policy must be one of first-k (with k), on-failure, random (with p and seed)' },
);
export type RouteSpec = z.infer<typeof RouteSpec>;

/** A one-line description of a route's policy, e.g. `first 3 steps cheap-a, then strong-b`. */
export function describeRoute(r: RouteSpec): string {
  if (r.policy === 'first-k') return `first ${r.k} step${r.k === 1 ? '' : 's'} ${r.cheap}, then ${r.strong}`;
  if (r.policy === 'on-failure') return `${r.cheap}; ${r.strong} after a failed command`;
  return `${r.strong} with p=${r.p} per step (seed ${r.seed}), else ${r.cheap}`;
}
