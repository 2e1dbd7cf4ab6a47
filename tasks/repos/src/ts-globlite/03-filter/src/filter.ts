import { makeMatcher, type Matcher } from './match.js';
import type { GlobOptions } from './options.js';

/**
 * Keeps the paths that match at least one pattern and none of the negated
 * patterns (those starting with `!`). With only negated patterns, every path
 * that is not excluded is kept. Order and duplicates of `paths` are preserved.
 *
 *   filter(files, ['src/**', '!**\/*.test.ts'])
 *
 * Write `\!` for a pattern that really starts with an exclamation mark.
 */
export function filter(
  paths: Iterable<string>,
  patterns: string | readonly string[],
  options: GlobOptions = {},
): string[] {
  const { include, exclude } = compilePatterns(typeof patterns === 'string' ? [patterns] : patterns, options);
  const kept: string[] = [];
  for (const path of paths) {
    if (include.length > 0 && !include.some((matches) => matches(path))) continue;
    if (exclude.some((matches) => matches(path))) continue;
    kept.push(path);
  }
  return kept;
}

/** Like filter(), for a single path. */
export function matchesAny(path: string, patterns: string | readonly string[], options: GlobOptions = {}): boolean {
  return filter([path], patterns, options).length === 1;
}

function compilePatterns(patterns: readonly string[], options: GlobOptions): { include: Matcher[]; exclude: Matcher[] } {
  const include: Matcher[] = [];
  const exclude: Matcher[] = [];
  for (const pattern of patterns) {
    if (pattern === '' || pattern === '!') {
      throw new TypeError(`empty glob pattern in ${JSON.stringify(patterns)}`);
    }
    if (pattern.startsWith('!')) exclude.push(makeMatcher(pattern.slice(1), options));
    else include.push(makeMatcher(pattern, options));
  }
  return { include, exclude };
}
