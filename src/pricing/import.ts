// Price importers (DESIGN.md §3): OpenRouter's `/api/v1/models` JSON (USD per token as decimal
// strings, "-1" = unknown) and LiteLLM's `model_prices_and_context_window.json` (USD per token as
// floats), converted exactly to a price sheet in USD per million tokens. Pure: the caller reads the file.
import { PriceRow, PriceSheet, type PriceTier } from '../config/prices.ts';
import { UserInputError } from '../core/errors.ts';
import { perTokenToPerMillion, shiftDecimal } from './units.ts';

/** A catalog model to price: its row key in the sheet and the upstream model name to look up. */
export interface ImportTarget {
  /** Price key (models.yaml `price`, else `id`). */
  key: string;
  /** Upstream model name, e.g. the OpenRouter slug `deepseek/deepseek-v3.2`. */
  upstream: string;
}

export type PriceSource = 'openrouter' | 'litellm';

export interface ImportResult {
  sheet: PriceSheet;
  /** Price keys found in the source. */
  found: string[];
  /** Price keys with no usable row (absent, or input/output unknown), with why. */
  missing: Array<{ key: string; reason: string }>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Largest plausible price, USD per token ($1000 per million tokens). */
const MAX_PER_TOKEN = 0.001;
/** Smallest plausible non-zero price, USD per token ($0.001 per million tokens). */
const MIN_PER_TOKEN = 1e-9;

/**
 * Converts one per-token price to a per-million decimal string.
 * @returns null for "unknown" (absent, null, or OpenRouter's "-1")
 * @throws UserInputError naming the file, model and field when the value is not a number, is
 *   negative, or has an implausible magnitude (≥ $0.001 per token, i.e. the source already is per
 *   million tokens; or a non-zero value below $1e-9 per token)
 */
export function convertPerToken(v: unknown, where: { file: string; model: string; field: string }): string | null {
  if (v === undefined || v === null || v === '-1' || v === -1) return null;
  const at = `${where.file}: model "${where.model}", field ${where.field}`;
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  const perM = typeof v === 'string' || typeof v === 'number' ? perTokenToPerMillion(v) : null;
  if (!Number.isFinite(n) || n < 0 || perM === null) {
    throw new UserInputError(`${at}: ${JSON.stringify(v)} is not a price in USD per token (expected a non-negative number, or "-1" for unknown)`);
  }
  if (n >= MAX_PER_TOKEN) {
    throw new UserInputError(
      `${at}: ${JSON.stringify(v)} USD per token would be $${n * 1e6} per million tokens: implausibly large. The source looks like USD per million tokens already, but this importer reads USD per token; check the file's format`,
    );
  }
  if (n > 0 && n < MIN_PER_TOKEN) {
    throw new UserInputError(`${at}: ${JSON.stringify(v)} USD per token is below $0.001 per million tokens: implausibly small; check the unit`);
  }
  return perM;
}

/** Builds a validated row, or null when input or output is unknown. @throws UserInputError naming the model. */
function finishRow(fields: Record<string, unknown>, file: string, model: string): PriceRow | null {
  if (fields.input === null || fields.input === undefined || fields.output === null || fields.output === undefined) return null;
  const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined));
  const r = PriceRow.safeParse(clean);
  if (!r.success) {
    throw new UserInputError(`${file}: model "${model}": ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}

/**
 * Reads OpenRouter's `/api/v1/models` JSON: `{data: [{id, canonical_slug?, pricing: {prompt,
 * completion, input_cache_read?, input_cache_write?, request?}}]}`, prices in USD per token as decimal
 * strings, `"-1"` for unknown. Maps prompt → input, completion → output, input_cache_read →
 * cache_read, input_cache_write → cache_write (5-minute); `request` (USD per request) is kept when > 0.
 * Each target is matched by `id` or `canonical_slug` equal to its upstream name.
 * @param file the file or URL read, for messages and the sheet's `source`
 * @throws UserInputError naming the file (and model and field) for a wrong shape or an implausible price
 */
export function importOpenRouter(json: unknown, targets: ImportTarget[], file: string, asOf: string): ImportResult {
  if (!isRecord(json) || !Array.isArray(json.data)) {
    throw new UserInputError(`${file}: not an OpenRouter models list: expected {"data": [...]} as served by https://openrouter.ai/api/v1/models`);
  }
  const byId = new Map<string, Record<string, unknown>>();
  json.data.forEach((m, i) => {
    if (!isRecord(m) || typeof m.id !== 'string') throw new UserInputError(`${file}: data[${i}]: expected an object with a string "id"`);
    byId.set(m.id, m);
    if (typeof m.canonical_slug === 'string' && !byId.has(m.canonical_slug)) byId.set(m.canonical_slug, m);
  });
  return build(targets, file, asOf, `OpenRouter /api/v1/models (${file})`, (t) => {
    const m = byId.get(t.upstream);
    if (!m) return { reason: `no model "${t.upstream}" in the list` };
    if (!isRecord(m.pricing)) throw new UserInputError(`${file}: model "${t.upstream}": no "pricing" object`);
    const p = m.pricing;
    const at = (field: string) => ({ file, model: t.upstream, field: `pricing.${field}` });
    const request = p.request === undefined || p.request === null || p.request === '-1' ? null : shiftDecimal(typeof p.request === 'number' ? p.request : String(p.request), 0);
    if (request === null && !(p.request === undefined || p.request === null || p.request === '-1')) {
      throw new UserInputError(`${file}: model "${t.upstream}", field pricing.request: ${JSON.stringify(p.request)} is not USD per request`);
    }
    const row = finishRow(
      {
        input: convertPerToken(p.prompt, at('prompt')),
        output: convertPerToken(p.completion, at('completion')),
        cache_read: convertPerToken(p.input_cache_read, at('input_cache_read')),
        cache_write: convertPerToken(p.input_cache_write, at('input_cache_write')),
        request: request !== null && Number(request) > 0 ? request : null,
        source: `OpenRouter /api/v1/models "${t.upstream}", ${asOf}`,
      },
      file,
      t.upstream,
    );
    return row ? { row } : { reason: `"${t.upstream}" has an unknown ("-1") or missing prompt/completion price` };
  });
}

/** LiteLLM field → price-row field (per-token prices). */
const LITELLM_FIELDS: Record<string, 'input' | 'output' | 'cache_read' | 'cache_write' | 'cache_write_1h'> = {
  input_cost_per_token: 'input',
  output_cost_per_token: 'output',
  cache_read_input_token_cost: 'cache_read',
  cache_creation_input_token_cost: 'cache_write',
  cache_creation_input_token_cost_above_1hr: 'cache_write_1h',
};
const LITELLM_TIER = /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)_above_(\d+)k_tokens$/;

/**
 * Reads LiteLLM's price JSON (`model_prices_and_context_window.json`): an object keyed by model name,
 * each with `input_cost_per_token`, `output_cost_per_token`, `cache_read_input_token_cost`,
 * `cache_creation_input_token_cost` (5-minute), `cache_creation_input_token_cost_above_1hr`, and
 * long-context `…_above_<N>k_tokens` variants (→ `tiers` above N·1000 prompt tokens), as USD per token
 * numbers. A target matches the key equal to its upstream name, else `openrouter/<upstream>`, else
 * the upstream name without its vendor prefix (`deepseek/deepseek-v3.2` → `deepseek-v3.2`).
 * The `sample_spec` entry is ignored.
 * @throws UserInputError naming the file, model and field for a wrong shape or an implausible price
 */
export function importLiteLLM(json: unknown, targets: ImportTarget[], file: string, asOf: string): ImportResult {
  if (!isRecord(json) || Array.isArray((json as { data?: unknown }).data)) {
    throw new UserInputError(`${file}: not a LiteLLM price file: expected an object keyed by model name (model_prices_and_context_window.json)`);
  }
  return build(targets, file, asOf, `LiteLLM model_prices_and_context_window.json (${file})`, (t) => {
    const candidates = [t.upstream, `openrouter/${t.upstream}`, t.upstream.split('/').slice(1).join('/')].filter(Boolean);
    const key = candidates.find((k) => k !== 'sample_spec' && Object.hasOwn(json, k));
    if (!key) return { reason: `no entry ${candidates.map((c) => `"${c}"`).join(' or ')}` };
    const e = json[key];
    if (!isRecord(e)) throw new UserInputError(`${file}: model "${key}": expected an object of prices`);
    const fields: Record<string, unknown> = {};
    const tiers = new Map<number, Partial<PriceTier>>();
    for (const [k, v] of Object.entries(e)) {
      const plain = LITELLM_FIELDS[k];
      if (plain) fields[plain] = convertPerToken(v, { file, model: key, field: k });
      const m = LITELLM_TIER.exec(k);
      if (m) {
        const above = Number(m[2]) * 1000;
        const price = convertPerToken(v, { file, model: key, field: k });
        if (price !== null) tiers.set(above, { ...tiers.get(above), above_prompt_tokens: above, [LITELLM_FIELDS[m[1]!]!]: price });
      }
    }
    const perRequest = e.input_cost_per_request;
    if (typeof perRequest === 'number' && perRequest > 0) fields.request = shiftDecimal(perRequest, 0);
    if (tiers.size) fields.tiers = [...tiers.entries()].sort(([a], [b]) => a - b).map(([, t]) => t);
    fields.source = `LiteLLM "${key}", ${asOf}`;
    const row = finishRow(fields, file, key);
    return row ? { row } : { reason: `"${key}" has no input_cost_per_token/output_cost_per_token` };
  });
}

function build(
  targets: ImportTarget[],
  file: string,
  asOf: string,
  source: string,
  rowOf: (t: ImportTarget) => { row: PriceRow } | { reason: string },
): ImportResult {
  const models: Record<string, PriceRow | null> = {};
  const found: string[] = [];
  const missing: ImportResult['missing'] = [];
  for (const t of targets) {
    if (Object.hasOwn(models, t.key) && models[t.key]) continue; // several models may share one price key
    const r = rowOf(t);
    if ('row' in r) {
      models[t.key] = r.row;
      found.push(t.key);
    } else {
      models[t.key] = null;
      missing.push({ key: t.key, reason: r.reason });
    }
  }
  const sheet = PriceSheet.parse({ as_of: asOf, source, currency: 'USD', unit: 'USD per million tokens', models });
  return { sheet, found, missing };
}

/**
 * Which format a parsed JSON is in: `openrouter` for `{data: [...]}`, `litellm` for an object of
 * objects with `*_cost_per_token` fields.
 * @throws UserInputError naming the file when it is neither
 */
export function detectPriceSource(json: unknown, file: string): PriceSource {
  if (isRecord(json) && Array.isArray(json.data)) return 'openrouter';
  if (isRecord(json) && Object.values(json).some((v) => isRecord(v) && ('input_cost_per_token' in v || 'output_cost_per_token' in v))) return 'litellm';
  throw new UserInputError(`${file}: neither OpenRouter /api/v1/models JSON ({"data": [...]}) nor LiteLLM price JSON (model → {input_cost_per_token, …}); pass --format if you know which`);
}
