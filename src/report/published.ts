// Published reference scores (data/published-scores.yaml): figures measured elsewhere, shown beside a
// run's measured ones and always labelled "published". zod schema, loader and matching (pure).
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadYamlFile } from '../config/load.ts';
import type { Contender } from '../store/records.ts';

/** One published figure. `score` is in `unit` (percent: 0–100). */
export const PublishedScore = z
  .object({
    /** Display name of the model, as the source names it. */
    model: z.string().min(1),
    /** Contender ids, model ids or upstream slugs this figure belongs to (case-insensitive). */
    match: z.array(z.string().min(1)).min(1),
    benchmark: z.string().min(1),
    score: z.number().min(0).max(100),
    unit: z.literal('percent').default('percent'),
    /** Date of the figure (publication or release), YYYY-MM-DD. */
    date: z.iso.date(),
    /** Who published it, in words; required: a figure without a source is not shipped. */
    source: z.string().min(1),
    /** Where to read it, when there is a page. http(s) only. */
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' }).optional(),
    note: z.string().optional(),
  })
  .strict();
export type PublishedScore = z.infer<typeof PublishedScore>;

export const PublishedScores = z.object({ scores: z.array(PublishedScore) }).strict();
export type PublishedScores = z.infer<typeof PublishedScores>;

/** The bundled file, `data/published-scores.yaml` at the repository root. */
export const BUNDLED_PUBLISHED_SCORES = fileURLToPath(new URL('../../data/published-scores.yaml', import.meta.url));

/**
 * Reads and validates a published-scores file.
 * @throws UserInputError naming the file and field when it is missing or invalid.
 */
export async function loadPublishedScores(file: string = BUNDLED_PUBLISHED_SCORES): Promise<PublishedScore[]> {
  const doc = await loadYamlFile(file, PublishedScores, 'each row needs model, match, benchmark, score (0–100), date (YYYY-MM-DD) and source; see data/published-scores.yaml');
  return doc.scores;
}

/** The published figures that belong to `c` (its id, model or upstream slug named in `match`). */
export function publishedFor(c: Pick<Contender, 'id' | 'model' | 'upstream'>, scores: readonly PublishedScore[]): PublishedScore[] {
  const keys = new Set([c.id, c.model, c.upstream].filter((k): k is string => k !== null).map((k) => k.toLowerCase()));
  return scores.filter((s) => s.match.some((m) => keys.has(m.toLowerCase())));
}
