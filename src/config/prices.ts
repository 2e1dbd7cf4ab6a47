// zod schema of a dated price sheet `prices/<YYYY-MM-DD>.yaml` (DESIGN.md §3).
// Prices are decimal strings in USD per million tokens; a missing row or field means "unknown".
import { z } from 'zod';

/** A decimal string, USD per million tokens, e.g. "0.28". Numbers are refused to avoid float surprises. */
export const UsdPerMTok = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "0.28" (USD per million tokens)')
  .refine((s) => !(Number(s) >= 1000), 'is implausibly large for USD per million tokens (no model lists $1000 per million tokens; check the unit)')
  .refine(
    (s) => !(Number(s) > 0 && Number(s) < 0.001),
    'is implausibly small for USD per million tokens: it looks like USD per token; multiply by 1,000,000 (e.g. "0.00000028" → "0.28")',
  );

export const PriceRow = z
  .object({
    input: UsdPerMTok,
    output: UsdPerMTok,
    cache_read: UsdPerMTok.optional(),
    cache_write: UsdPerMTok.optional(),
    cache_write_1h: UsdPerMTok.optional(),
    /** USD per request (not per million tokens). */
    request: z.string().regex(/^\d+(\.\d+)?$/).optional(),
    source: z.string().optional(),
  })
  .strict();
export type PriceRow = z.infer<typeof PriceRow>;

export const PriceSheet = z
  .object({
    as_of: z.iso.date(),
    source: z.string().min(1),
    currency: z.literal('USD').default('USD'),
    unit: z.literal('USD per million tokens').default('USD per million tokens'),
    /** Rows by price key; a model with no row (or `null`) has an unknown price. */
    models: z.record(z.string(), PriceRow.nullable()),
  })
  .strict();
export type PriceSheet = z.infer<typeof PriceSheet>;
