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

/**
 * A long-context tier: when a call's prompt (uncached input + cache reads + cache writes) has MORE
 * than `above_prompt_tokens` tokens, the whole call is billed at the tier's prices (as Anthropic and
 * Google price prompts over 200k tokens). Fields the tier omits are taken from the base row.
 */
export const PriceTier = z
  .object({
    above_prompt_tokens: z.number().int().positive(),
    input: UsdPerMTok.optional(),
    output: UsdPerMTok.optional(),
    cache_read: UsdPerMTok.optional(),
    cache_write: UsdPerMTok.optional(),
    cache_write_1h: UsdPerMTok.optional(),
  })
  .strict();
export type PriceTier = z.infer<typeof PriceTier>;

export const PriceRow = z
  .object({
    input: UsdPerMTok,
    output: UsdPerMTok,
    cache_read: UsdPerMTok.optional(),
    /** 5-minute cache writes. */
    cache_write: UsdPerMTok.optional(),
    /** 1-hour cache writes. */
    cache_write_1h: UsdPerMTok.optional(),
    /** USD per request (not per million tokens). */
    request: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a decimal string, USD per request')
      .refine((s) => !(Number(s) >= 1), 'is implausibly large for USD per request (check the unit)')
      .optional(),
    /** Long-context tiers, by increasing `above_prompt_tokens`. */
    tiers: z
      .array(PriceTier)
      .refine((t) => t.every((x, i) => i === 0 || x.above_prompt_tokens > t[i - 1]!.above_prompt_tokens), 'tiers must be in increasing above_prompt_tokens order')
      .optional(),
    /** Where this row's prices come from, and when (e.g. "OpenRouter /api/v1/models, 2026-04-01"). */
    source: z.string().optional(),
  })
  .strict();
export type PriceRow = z.infer<typeof PriceRow>;

export const PriceSheet = z
  .object({
    as_of: z.iso.date(),
    source: z.string().min(1),
    /**
     * Whose price the rows are where a vendor's own price and a router's differ, e.g. "OpenRouter"
     * (the bundled models are all called through it). Optional: sheets written before it stay readable.
     */
    billed_at: z.string().min(1).optional(),
    /**
     * `true` for a sheet whose prices are made up (a demo's, e.g. examples/fake-provider/prices.yaml):
     * no provider charges them, so they never age (no staleness warning, src/config/price-age.ts) and
     * reports and `models prices` label its costs as illustrative. Absent on a real sheet.
     */
    illustrative: z.literal(true).optional(),
    currency: z.literal('USD').default('USD'),
    unit: z.literal('USD per million tokens').default('USD per million tokens'),
    /** Rows by price key; a model with no row (or `null`) has an unknown price. */
    models: z.record(z.string(), PriceRow.nullable()),
  })
  .strict();
export type PriceSheet = z.infer<typeof PriceSheet>;
