export { expandBraces, MAX_EXPANSIONS } from './braces.js';
export { globToRegExpSource } from './compile.js';
export { filter, matchesAny } from './filter.js';
export { isMatch, makeMatcher, toRegExp } from './match.js';
export type { Matcher } from './match.js';
export type { GlobOptions } from './options.js';
