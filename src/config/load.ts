// Reads YAML/JSON files and validates them with a zod schema, turning every problem into one
// UserInputError that names the file, each field and what to do.
import { readFile } from 'node:fs/promises';
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { UserInputError } from '../core/errors.ts';
import { bundledYamlCache, parseYamlText, type YamlCache } from './yaml-cache.ts';

/** The field names an object schema knows (its shape's keys); none for another schema. */
export function knownKeys(schema: z.ZodType): string[] {
  return 'shape' in schema && schema.shape && typeof schema.shape === 'object' ? Object.keys(schema.shape) : [];
}

/**
 * The field `key` (an unrecognized one at `path`) is most likely a misspelling of: the closest, by
 * edit distance (fastest-levenshtein), of `known` (the schema's top-level fields, for a top-level key)
 * and of the required fields missing at the same path, when at most a third of its length away (2
 * at least), case aside; null otherwise.
 */
function meantKey(key: string, path: readonly PropertyKey[], issues: readonly z.core.$ZodIssue[], known: readonly string[]): string | null {
  const same = (p: readonly PropertyKey[]): boolean => p.length === path.length && p.every((x, i) => x === path[i]);
  const missing = issues.flatMap((i) => (i.code === 'invalid_type' && /received undefined/.test(i.message) && i.path.length === path.length + 1 && same(i.path.slice(0, -1)) ? [String(i.path.at(-1))] : []));
  const candidates = [...new Set([...missing, ...(path.length === 0 ? known : [])])].filter((c) => c !== key);
  if (!candidates.length) return null;
  const best = closest(key.toLowerCase(), candidates.map((c) => c.toLowerCase()));
  return distance(key.toLowerCase(), best) <= Math.max(2, Math.floor(key.length / 3)) ? candidates.find((c) => c.toLowerCase() === best)! : null;
}

/**
 * Formats zod issues as `field.path: message` lines, one per issue, in order.
 * @param format the syntax the data was written in, for the hint on a number where a string is
 *   expected (YAML: quote it; JSON: write a JSON string)
 * @param known the schema's top-level field names ({@link knownKeys}): an unrecognized key close to
 *   one of them (or to a required field missing beside it) is said to be that one misspelled
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], format: 'yaml' | 'json' = 'yaml', known: readonly string[] = []): string[] {
  return issues.map((i) => {
    const path = i.path.length ? i.path.map(String).join('.') : '(top level)';
    let msg = i.message;
    if (i.code === 'invalid_type' && /received undefined/.test(msg)) msg = `missing required field (${msg})`;
    else if (i.code === 'invalid_type' && i.path.length === 0 && /received null/.test(msg)) msg = 'the file is empty';
    else if (i.code === 'invalid_type' && i.expected === 'string' && /received number/.test(msg)) msg = format === 'yaml' ? `${msg}; quote the value in YAML (e.g. "0123")` : `${msg}; write it as a JSON string (e.g. "0123")`;
    if (i.code === 'unrecognized_keys') {
      const meant = i.keys.length === 1 ? meantKey(i.keys[0]!, i.path, issues, known) : null;
      msg = meant ? `${msg}; did you mean "${meant}"? rename it (field names are case-sensitive)` : `${msg}; remove or rename it (field names are case-sensitive)`;
    }
    return `${path}: ${msg}`;
  });
}

/**
 * Validates already-parsed data against `schema`.
 * @throws UserInputError naming `file`, each failing field, and `fix`.
 */
export function validate<S extends z.ZodType>(schema: S, data: unknown, file: string, fix: string): z.output<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const problems = formatIssues(r.error.issues, 'yaml', knownKeys(schema));
  throw new UserInputError(`${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}\n  fix: ${fix}`, {
    where: file,
    fix,
    problems,
  });
}

/**
 * Reads a YAML (or JSON, a subset of YAML) file and validates it. A text the build already parsed
 * (`cache`, default: dist/yaml-cache.json, src/config/yaml-cache.ts) is not parsed again: its data is
 * the same, and the schema checks it all the same.
 * @throws UserInputError if the file is missing, is not valid YAML (with line and column) or fails the schema.
 */
export async function loadYamlFile<S extends z.ZodType>(file: string, schema: S, fix: string, cache: YamlCache = bundledYamlCache()): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    const hint = code === 'ENOENT' ? 'no such file; check the path' : code === 'EISDIR' ? 'a folder, not a file; name the file' : 'check the path and its permissions';
    throw new UserInputError(`${file}: cannot read file (${code}): ${hint}`, { where: file, fix: hint, cause: e });
  }
  const cached = cache.get(text);
  if (cached !== undefined) return validate(schema, cached, file, fix);
  let parsed: ReturnType<typeof parseYamlText>;
  try {
    parsed = parseYamlText(text);
  } catch (e) {
    // unresolved or excessive aliases surface only when the document is converted
    throw new UserInputError(`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}\n  fix: ${fix}`, { where: file, fix, cause: e });
  }
  if (parsed.errors.length) {
    const first = parsed.errors[0]!;
    const pos = first.linePos?.[0];
    const at = pos ? `line ${pos.line}, column ${pos.col}` : 'unknown position';
    throw new UserInputError(`${file}: not valid YAML at ${at}: ${first.message.split('\n')[0]}\n  fix: ${fix}`, {
      where: `${file}:${pos?.line ?? ''}`,
      fix,
    });
  }
  return validate(schema, parsed.data, file, fix);
}
