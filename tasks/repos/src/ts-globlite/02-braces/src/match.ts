import { expandBraces } from './braces.js';
import { globToRegExpSource } from './compile.js';
import type { GlobOptions } from './options.js';

export type Matcher = (path: string) => boolean;

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 500;

/**
 * Compiles `pattern` into a regular expression that matches whole paths.
 * Braces are expanded first: `*.{js,ts}` matches what `*.js` or `*.ts` match.
 * Compiled patterns are cached.
 */
export function toRegExp(pattern: string, options: GlobOptions = {}): RegExp {
  const key = `${options.dot ? 'd' : '-'}${options.nocase ? 'i' : '-'}${pattern}`;
  let re = cache.get(key);
  if (re === undefined) {
    const source = expandBraces(pattern)
      .map((glob) => globToRegExpSource(glob, options))
      .join('|');
    re = new RegExp(`^(?:${source})$`, options.nocase ? 'i' : '');
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/** Returns a function that tells whether a path matches `pattern`. */
export function makeMatcher(pattern: string, options: GlobOptions = {}): Matcher {
  const re = toRegExp(pattern, options);
  return (path) => re.test(normalizePath(path));
}

/** Tells whether `path` matches the glob `pattern`. */
export function isMatch(path: string, pattern: string, options: GlobOptions = {}): boolean {
  return makeMatcher(pattern, options)(path);
}

/** Paths are compared without a leading `./`. */
function normalizePath(path: string): string {
  return path.startsWith('./') ? path.slice(2) : path;
}
