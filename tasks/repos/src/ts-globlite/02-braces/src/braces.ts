/** Patterns one glob may expand to before it is refused. */
export const MAX_EXPANSIONS = 10_000;

/**
 * Expands brace alternatives into separate globs:
 *
 *   expandBraces('src/{a,b}.ts')  -> ['src/a.ts', 'src/b.ts']
 *   expandBraces('{a,b}{1,2}')    -> ['a1', 'a2', 'b1', 'b2']
 *
 * A group without a comma (`{a}`), an unclosed `{` and escaped braces or commas
 * (`\{`, `\,`) are kept as they are.
 */
export function expandBraces(pattern: string): string[] {
  const open = indexOfUnescaped(pattern, '{', 0);
  if (open === -1) return [pattern];
  const close = indexOfUnescaped(pattern, '}', open + 1);
  if (close === -1) return [pattern];

  const prefix = pattern.slice(0, open);
  const body = pattern.slice(open + 1, close);
  const tails = expandBraces(pattern.slice(close + 1));
  const alternatives = splitUnescaped(body, ',');
  if (alternatives.length < 2) {
    return tails.map((tail) => `${prefix}{${body}}${tail}`);
  }

  const out: string[] = [];
  for (const alternative of alternatives) {
    for (const tail of tails) {
      out.push(prefix + alternative + tail);
      if (out.length > MAX_EXPANSIONS) {
        throw new RangeError(`brace expansion of ${JSON.stringify(pattern)} gives more than ${MAX_EXPANSIONS} patterns`);
      }
    }
  }
  return out;
}

/** Index of the first `char` at or after `from` that is not escaped with a backslash. */
function indexOfUnescaped(text: string, char: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === char) return i;
  }
  return -1;
}

/** Splits at every `separator` that is not escaped; escapes are kept in the parts. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let at = indexOfUnescaped(text, separator, 0);
  while (at !== -1) {
    parts.push(text.slice(start, at));
    start = at + 1;
    at = indexOfUnescaped(text, separator, start);
  }
  parts.push(text.slice(start));
  return parts;
}
