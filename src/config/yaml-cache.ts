// Parsed forms of the package's own YAML files (models.yaml, prices/, tasks/*/task.yaml, data/),
// made once by the build (scripts/build.mjs → dist/yaml-cache.json) so a run's start-up does not
// parse them again. Entries are keyed by the sha256 of the file's text: `loadYamlFile` uses one
// only for a text with exactly that hash, so an edited or a user's file is parsed as usual.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { readBuilt } from '../core/built-files.ts';

/** The cache's file name, in dist/ beside the per-file build's folders. */
export const YAML_CACHE_FILE = 'yaml-cache.json';

/** dist/yaml-cache.json: sha256 (hex) of a YAML text → the JSON text of its parsed data. */
export const YamlCacheFile = z.strictObject({
  format_version: z.literal(1),
  entries: z.record(z.string().regex(/^[0-9a-f]{64}$/), z.string()),
});
export type YamlCacheFile = z.infer<typeof YamlCacheFile>;

/** sha256 (hex) of a YAML text, the key of its entry. */
export const yamlTextKey = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Parses a YAML (or JSON) text the one way fixbench reads its files. `errors`: the parser's (first
 * with its position) — then `data` is absent; a document whose aliases cannot be resolved throws
 * from `toJS`, as `loadYamlFile` reports it.
 */
export function parseYamlText(text: string): { data?: unknown; errors: ReturnType<typeof parseDocument>['errors'] } {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) return { errors: doc.errors };
  return { data: doc.toJS({ maxAliasCount: 100 }), errors: [] };
}

/**
 * The cache for `texts`: every text that parses without error and whose data survives a JSON round
 * trip unchanged (no `.inf`, NaN, undefined or non-plain values; such texts are left out and parsed
 * at load). Deterministic: entries sorted by key.
 */
export function buildYamlCache(texts: Iterable<string>): YamlCacheFile {
  const entries: [string, string][] = [];
  for (const text of texts) {
    let data: unknown;
    try {
      const r = parseYamlText(text);
      if (r.errors.length) continue;
      data = r.data;
    } catch {
      continue;
    }
    const json = JSON.stringify(data);
    if (json === undefined || !isDeepStrictEqual(JSON.parse(json), data)) continue;
    entries.push([yamlTextKey(text), json]);
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { format_version: 1, entries: Object.fromEntries(entries) };
}

/** Looks up parsed YAML texts; `get` gives a fresh copy of the data, or undefined for a text not in the cache. */
export interface YamlCache {
  get(text: string): unknown;
}

/** A cache over a file's entries (or none: every lookup misses). */
export function yamlCacheOf(file: YamlCacheFile | null): YamlCache {
  return {
    get(text) {
      const json = file?.entries[yamlTextKey(text)];
      return json === undefined ? undefined : JSON.parse(json);
    },
  };
}

let bundled: YamlCache | null = null;
/**
 * The build's cache (dist/yaml-cache.json, found beside this module's folder), read once per
 * process; none when absent or not of this format (running from src/, or a build without it).
 */
export function bundledYamlCache(): YamlCache {
  if (!bundled) {
    let file: YamlCacheFile | null = null;
    try {
      const parsed = YamlCacheFile.safeParse(JSON.parse(readBuilt(fileURLToPath(new URL(`../${YAML_CACHE_FILE}`, import.meta.url))).toString('utf8')));
      file = parsed.success ? parsed.data : null;
    } catch {
      file = null;
    }
    bundled = yamlCacheOf(file);
  }
  return bundled;
}
